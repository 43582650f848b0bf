import assert from 'node:assert/strict';
import type { SNSClient } from '@aws-sdk/client-sns';
import { asciiSubjectValue, checkSubject, compileTemplate, parseTarget, publishInput, smsAttributes } from '../../src/aws/sns-message';
import { createSnsClient, publish } from '../../src/aws/sns-publish';
import { MinInterval } from '../../src/aws/sns-rate-limit';
import { snsFault, startSnsPeer, type SnsPeer } from '../support/sns-peer';
import { sleep } from '../support/probes';

const emotion = { label: 'sad', confidence: 0.8349, participant: 'Alice', timestamp: Date.UTC(2026, 10, 25, 19, 30), source: 'local', features: { gsr: 4.25, bpm: 71.04 } };
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:emotion-alerts';
const FIFO_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:emotion-alerts.fifo';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 's' };

describe('aws sns: message', () => {
  it('fills the placeholders from msg.emotion', () => {
    const t = compileTemplate('{{participant}} seems {{ label }} ({{confidence}}) at {{time}} [{{source}}]');
    assert.equal(t(emotion), 'Alice seems sad (83%) at 2026-11-25 19:30 UTC [local]');
  });
  it('keeps raw physiology out unless allowed', () => {
    assert.throws(() => compileTemplate('GSR {{gsr}}'), /unknown placeholder \{\{gsr\}\} \(raw physiology/);
    assert.equal(compileTemplate('GSR {{gsr}} BPM {{bpm}}', true)(emotion), 'GSR 4.3 BPM 71');
    assert.throws(() => compileTemplate('{{mood}}'), /unknown placeholder \{\{mood\}\} \(use participant, label/);
  });
  it('tells a topic ARN from a phone number, and rejects anything else', () => {
    assert.deepEqual(parseTarget(TOPIC), { TopicArn: TOPIC });
    assert.deepEqual(parseTarget(' +15555550100 '), { PhoneNumber: '+15555550100' });
    assert.throws(() => parseTarget('555-0100'), /neither an SNS topic ARN nor an E.164 phone number/);
    assert.throws(() => parseTarget(''), /no target/);
  });
  it('checks the subject (under 100 ASCII characters) and sends it only to a topic', () => {
    assert.equal(publishInput({ TopicArn: TOPIC }, 'm', 'Emotion: sad', {}).Subject, 'Emotion: sad');
    assert.equal(publishInput({ PhoneNumber: '+15555550100' }, 'm', 'Emotion: sad', {}).Subject, undefined);
    assert.throws(() => publishInput({ TopicArn: TOPIC }, 'm', 'x'.repeat(100), {}), /100 characters: SNS needs fewer than 100/);
    assert.throws(() => publishInput({ TopicArn: TOPIC }, 'm', 'two\nlines', {}), /printable ASCII/);
    assert.throws(() => publishInput({ TopicArn: TOPIC }, '  ', '', {}), /message is empty/);
    const subject = compileTemplate('Emotion: {{label}} ({{participant}})', false, asciiSubjectValue);
    assert.equal(checkSubject(subject({ label: 'sad', participant: 'Zoë Łukasz 李\n' })), 'Emotion: sad (Zoe ?ukasz ??)');
  });
  it('builds the SMS attributes and validates them', () => {
    assert.deepEqual(smsAttributes({ smsType: 'Transactional', senderId: 'EmotionIoT', originationNumber: '+15555550199' }), {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'EmotionIoT' },
      'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+15555550199' },
    });
    assert.deepEqual(smsAttributes({}), {});
    assert.throws(() => smsAttributes({ smsType: 'Urgent' }), /Transactional or Promotional/);
    assert.throws(() => smsAttributes({ senderId: 'Emotion IoT!' }), /sender ID/);
    assert.throws(() => smsAttributes({ senderId: '12345' }), /at least one letter/);
    assert.throws(() => smsAttributes({ originationNumber: '5550199' }), /E.164/);
  });
});

describe('aws sns: minimum interval per participant', () => {
  it('lets one through per interval per participant, and says when the next is due', () => {
    let now = 1000;
    const limit = new MinInterval(60000, () => now);
    assert.equal(limit.take('alice').ok, true);
    assert.equal(limit.take('bob').ok, true, 'participants are limited separately');
    now += 20000;
    assert.deepEqual(limit.take('alice'), { ok: false, retryInMs: 40000 });
    now += 40000;
    assert.equal(limit.take('alice').ok, true);
  });
  it('a failed publish gives its slot back', () => {
    const limit = new MinInterval(60000, () => 5);
    const slot = limit.take('alice');
    assert.ok(slot.ok);
    slot.release();
    assert.equal(limit.take('alice').ok, true);
  });
});

describe('aws sns: Publish with the real client against the loopback peer', () => {
  let sns: SnsPeer;
  let client: SNSClient;
  before(async () => {
    sns = await startSnsPeer();
    // as sns-notify makes it, with the SDK's default 3 attempts
    client = createSnsClient({ region: 'eu-west-1', endpoint: sns.peer.endpoint, credentials });
  });
  after(async () => {
    client.destroy();
    await sns.stop();
  });

  it('sends the awsQuery form the service expects and returns the MessageId', async () => {
    const input = publishInput({ TopicArn: TOPIC }, 'Alice seems sad', 'Emotion: sad', smsAttributes({ smsType: 'Transactional', senderId: 'EmotionIoT' }));
    const id = await publish(client, input);
    assert.match(id, /^00000000-0000-4000-8000-\d{12}$/);
    const req = sns.peer.requests.at(-1)!;
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.match(String(req.headers.authorization), /\/eu-west-1\/sns\/aws4_request/);
    const form = sns.publishes().at(-1)!;
    assert.deepEqual(Object.fromEntries(form), {
      'Action': 'Publish',
      'Version': '2010-03-31',
      'TopicArn': TOPIC,
      'Message': 'Alice seems sad',
      'Subject': 'Emotion: sad',
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'EmotionIoT',
    });
  });
  it('an ErrorResponse becomes a clear error', async () => {
    sns.peer.inject(snsFault(404, 'NotFound', 'Topic does not exist'), snsFault(403, 'AuthorizationError', 'not authorized'));
    const input = publishInput({ TopicArn: TOPIC }, 'hi', '', {});
    await assert.rejects(publish(client, input), /topic arn:aws:sns:eu-west-1:123456789012:emotion-alerts does not exist \(check the ARN and the region\): Topic does not exist/);
    await assert.rejects(publish(client, input), /not allowed to publish .* sns:Publish/);
  });
  it('throttling is retried (SNS took nothing), and reported as such when it lasts', async () => {
    const before = sns.publishes().length;
    sns.peer.inject(snsFault(429, 'Throttled', 'Rate exceeded'));
    await publish(client, publishInput({ TopicArn: TOPIC }, 'hi', '', {}));
    assert.equal(sns.publishes().length, before + 1);
    sns.peer.inject(...[1, 2, 3].map(() => snsFault(400, 'Throttling', 'Rate exceeded')));
    await assert.rejects(publish(client, publishInput({ TopicArn: TOPIC }, 'hi', '', {})), /SNS is throttling publishes to topic .*: Rate exceeded/);
    assert.equal(sns.peer.pendingFaults, 0, 'three attempts');
  });
  it('a Publish whose answer is lost is not sent again: at most one message per answer', async () => {
    const before = sns.publishes().length;
    sns.peer.inject({ kind: 'drop-answer' });
    await assert.rejects(
      publish(client, publishInput({ PhoneNumber: '+15555550100' }, 'hi', '', {})),
      /connection to SNS dropped \(ECONNRESET\) publishing to the phone number; not sent again, SNS may have taken it/,
    );
    assert.equal(sns.publishes().length, before + 1, 'the parent got one SMS');
  });
  it('the timeout is one deadline, and no second Publish follows a slow one', async () => {
    const before = sns.publishes().length;
    sns.peer.inject({ kind: 'delay', ms: 2000 });
    const t0 = Date.now();
    await assert.rejects(publish(client, publishInput({ TopicArn: TOPIC }, 'hi', '', {}), 700), /SNS did not answer within 700 ms .*; not sent again/);
    assert.ok(Date.now() - t0 < 1400, `gave up after ${Date.now() - t0} ms`);
    await sleep(2000);
    assert.equal(sns.publishes().length, before + 1, 'SNS took the slow one, and only it');
  });
  it('a refused connection is retried (nothing reached SNS)', async () => {
    const down = await startSnsPeer();
    await down.stop();
    const c = createSnsClient({ region: 'eu-west-1', endpoint: down.peer.endpoint, credentials, maxAttempts: 10 });
    try {
      const retrying = publish(c, publishInput({ TopicArn: TOPIC }, 'hi', '', {}), 5000);
      await sleep(20);
      await down.peer.restart();
      assert.match(await retrying, /^00000000-/);
      assert.equal(down.publishes().length, 1);
    } finally {
      c.destroy();
      await down.stop();
    }
  });
});

describe('aws sns: FIFO topics', () => {
  let sns: SnsPeer;
  let client: SNSClient;
  before(async () => {
    sns = await startSnsPeer();
    client = createSnsClient({ region: 'eu-west-1', endpoint: sns.peer.endpoint, credentials }, true);
  });
  after(async () => {
    client.destroy();
    await sns.stop();
  });

  it('sends a message group per participant and a deduplication id per answer', async () => {
    const a = publishInput({ TopicArn: FIFO_TOPIC }, 'Zoë seems sad', '', {}, 'Zoë');
    const b = publishInput({ TopicArn: FIFO_TOPIC }, 'Zoë seems sad', '', {}, 'Zoë');
    assert.match(a.MessageGroupId!, /^emotion-zoe-[0-9a-f]{24}$/);
    assert.equal(b.MessageGroupId, a.MessageGroupId);
    assert.notEqual(b.MessageDeduplicationId, a.MessageDeduplicationId, 'the same text twice is two answers');
    assert.equal(publishInput({ TopicArn: FIFO_TOPIC }, 'hi', '', {}).MessageGroupId, 'emotion-iot');
    assert.equal(publishInput({ TopicArn: TOPIC }, 'hi', '', {}, 'Zoë').MessageGroupId, undefined, 'standard topics refuse it');
    await publish(client, a);
    await publish(client, b);
    assert.deepEqual(sns.publishes().map((f) => f.get('MessageGroupId')), [a.MessageGroupId, a.MessageGroupId]);
  });
  it('SNS refuses a FIFO publish without a group, or without a deduplication id unless content-based', async () => {
    await assert.rejects(publish(client, { TopicArn: FIFO_TOPIC, Message: 'hi' }), /MessageGroupId parameter is required for FIFO topics/);
    await assert.rejects(publish(client, { TopicArn: FIFO_TOPIC, Message: 'hi', MessageGroupId: 'g' }), /ContentBasedDeduplication enabled or MessageDeduplicationId/);
  });
  it('retries a Publish whose answer was lost, and SNS delivers it once', async () => {
    const before = sns.publishes().length;
    sns.peer.inject({ kind: 'drop-answer' });
    assert.match(await publish(client, publishInput({ TopicArn: FIFO_TOPIC }, 'hi', '', {}, 'Ada')), /^00000000-/);
    assert.equal(sns.peer.pendingFaults, 0);
    assert.equal(sns.publishes().length, before + 1);
  });
});
