import assert from 'node:assert/strict';
import type { NodeMessage, NodeInitializer } from 'node-red';
import { helper } from '../support/node-red';
import { snsFault, startSnsPeer, type SnsPeer } from '../support/sns-peer';
import { nextMsg, sleep, until } from '../support/probes';
import snsNode = require('../../nodes/sns-notify/sns-notify');
import awsConfigNode = require('../../nodes/aws-config/aws-config');
const catchNode = require('@node-red/nodes/core/common/25-catch') as NodeInitializer;

type Msg = NodeMessage & { sns?: { messageId?: string; suppressed?: boolean; retryInMs?: number }; error?: { message: string } };
type Status = { fill?: string; text?: string };

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:emotion-alerts';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const emotion = (participant = 'alice', label = 'sad') => ({
  label, index: 2, confidence: 0.9, participant, timestamp: Date.UTC(2026, 10, 25, 8, 5), source: 'local', features: { gsr: 4.2, bpm: 70 },
});

describe('sns-notify node', () => {
  let sns: SnsPeer;
  before(async () => {
    sns = await startSnsPeer();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await sns.stop();
  });
  beforeEach(() => (sns.peer.requests.length = 0));
  afterEach(() => helper.unload());

  const load = (cfg: Record<string, unknown> = {}, maxAttempts = '1') => {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sns.peer.endpoint, maxAttempts },
      {
        id: 'notify', z: 'tab', type: 'emotion-sns-notify', aws: 'awsconf', target: TOPIC, subject: 'Emotion: {{label}}', template: '{{participant}} seems {{label}} ({{confidence}}) at {{time}}',
        smsType: 'Transactional', senderId: 'EmotionIoT', originationNumber: '+15555550199', intervalSeconds: '60', suppressedOutput: true, outputs: 2,
        wires: [['sent'], ['suppressed']], ...cfg,
      },
      { id: 'sent', z: 'tab', type: 'helper' },
      { id: 'suppressed', z: 'tab', type: 'helper' },
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
    return helper.load([snsNode, awsConfigNode, catchNode], flow, { awsconf: { accessKeyId: 'AKIDTEST', secretAccessKey: SECRET } });
  };
  const send = (msg: Record<string, unknown>) => helper.getNode('notify').receive(msg as NodeMessage);

  it('publishes the templated message with subject and SMS attributes, and outputs the MessageId', async () => {
    await load();
    const sent = nextMsg<Msg>('sent');
    send({ payload: 'sad', emotion: emotion() });
    const msg = await sent;
    assert.equal(msg.payload, 'sad', 'payload unchanged');
    assert.match(String(msg.sns?.messageId), /^00000000-0000-4000-8000-0+1$/);
    const [form] = sns.publishes();
    assert.deepEqual(Object.fromEntries(form), {
      'Action': 'Publish',
      'Version': '2010-03-31',
      'TopicArn': TOPIC,
      'Message': 'alice seems sad (90%) at 2026-11-25 08:05 UTC',
      'Subject': 'Emotion: sad',
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'EmotionIoT',
      'MessageAttributes.entry.3.Name': 'AWS.MM.SMS.OriginationNumber',
      'MessageAttributes.entry.3.Value.DataType': 'String',
      'MessageAttributes.entry.3.Value.StringValue': '+15555550199',
      // what a subscription's filter policy matches (npm run cloud:notify -- --participant alice ...)
      'MessageAttributes.entry.4.Name': 'participant',
      'MessageAttributes.entry.4.Value.DataType': 'String',
      'MessageAttributes.entry.4.Value.StringValue': 'alice',
    });
    assert.ok(!form.get('Message')!.includes('4.2') && !form.get('Message')!.includes('70'), 'no raw physiology by default');
  });

  it('publishes to a topic for a participant whose name is not ASCII (the subject drops accents, the message keeps them)', async () => {
    await load({ subject: 'Emotion: {{label}} ({{participant}})' });
    const sent = nextMsg<Msg>('sent');
    send({ payload: 'sad', emotion: emotion('Zoë') });
    await sent;
    const [form] = sns.publishes();
    assert.equal(form.get('Subject'), 'Emotion: sad (Zoe)');
    assert.match(form.get('Message')!, /^Zoë seems sad/);
  });

  it('sends an SMS straight to msg.phoneNumber, without a subject', async () => {
    await load({ senderId: '', originationNumber: '' });
    const sent = nextMsg<Msg>('sent');
    send({ payload: 'happy', emotion: emotion('bob', 'happy'), phoneNumber: '+15555550100' });
    await sent;
    const form = sns.publishes()[0];
    assert.equal(form.get('PhoneNumber'), '+15555550100');
    assert.equal(form.get('TopicArn'), null);
    assert.equal(form.get('Subject'), null);
    assert.equal(form.get('MessageAttributes.entry.1.Value.StringValue'), 'Transactional');
    assert.equal(form.get('MessageAttributes.entry.2.Name'), null);
  });

  it('counts one person however the name is spelt (Straße, STRASSE), as the topic\'s filter does', async () => {
    await load();
    const sent: Msg[] = [];
    const suppressed: Msg[] = [];
    helper.getNode('sent').on('input', (m: Msg) => sent.push(m));
    helper.getNode('suppressed').on('input', (m: Msg) => suppressed.push(m));
    send({ payload: 'sad', emotion: emotion('Straße', 'sad') });
    await until(() => sent.length === 1);
    send({ payload: 'angry', emotion: emotion('STRASSE', 'angry') });
    await until(() => suppressed.length === 1);
    assert.equal(sent.length, 1);
  });

  it('suppresses a second answer for the same participant (any case) within the interval, not others', async () => {
    await load();
    const { statuses } = watchStatus();
    const sent: Msg[] = [];
    const suppressed: Msg[] = [];
    helper.getNode('sent').on('input', (m: Msg) => sent.push(m));
    helper.getNode('suppressed').on('input', (m: Msg) => suppressed.push(m));
    send({ payload: 'sad', emotion: emotion('alice', 'sad') });
    await until(() => sent.length === 1);
    send({ payload: 'angry', emotion: emotion('Alice', 'angry') });
    send({ payload: 'happy', emotion: emotion('bob', 'happy') });
    await until(() => sent.length === 2 && suppressed.length === 1);
    await sleep(150); // nothing more comes
    assert.deepEqual(sent.map((m) => m.payload), ['sad', 'happy']);
    assert.equal(suppressed.length, 1);
    assert.equal(suppressed[0].payload, 'angry');
    assert.equal(suppressed[0].sns?.suppressed, true);
    assert.ok(suppressed[0].sns!.retryInMs! > 59000 && suppressed[0].sns!.retryInMs! <= 60000);
    assert.equal(sns.publishes().length, 2);
    assert.ok(statuses.some((s) => s.fill === 'yellow' && /^suppressed Alice: next in 60 s$/.test(String(s.text))));
  });

  it('an SNS ErrorResponse is a clear error, does not count against the interval, and hides the secret', async () => {
    await load();
    sns.peer.inject(snsFault(400, 'InvalidParameter', `Invalid parameter: TopicArn (key ${SECRET})`));
    const caught = nextMsg<Msg>('caught');
    send({ payload: 'sad', emotion: emotion() });
    const { error } = (await caught) as Msg & { error: { message: string; code?: string; stack?: string } };
    const err = error.message;
    assert.ok(!String(error.stack).includes(SECRET), 'the stack a Catch node receives is redacted too');
    assert.equal(error.code, 'InvalidParameterException');
    assert.match(err, /SNS publish to topic .*emotion-alerts failed \(InvalidParameter\): Invalid parameter: TopicArn/);
    assert.ok(!err.includes(SECRET), 'the secret key is redacted');
    const sent = nextMsg<Msg>('sent');
    send({ payload: 'sad', emotion: emotion() });
    assert.ok((await sent).sns?.messageId, 'the retry was not suppressed');
  });

  it('sends one SMS per answer with the SDK retrying (default attempts), even when the answer is lost', async () => {
    await load({ target: '+15555550100' }, '');
    sns.peer.inject({ kind: 'drop-answer' });
    const caught = nextMsg<Msg>('caught');
    send({ payload: 'sad', emotion: emotion() });
    assert.match((await caught).error!.message, /not sent again, SNS may have taken it/);
    await sleep(300);
    assert.equal(sns.publishes().length, 1, 'the parent got one SMS, not one per SDK attempt');
  });

  it('publishes to a FIFO topic with a message group per participant and a deduplication id', async () => {
    await load({ target: `${TOPIC}.fifo` }, '');
    sns.peer.inject({ kind: 'drop-answer' }); // on a FIFO topic a retry is safe: SNS drops the copy
    const sent = nextMsg<Msg>('sent');
    send({ payload: 'sad', emotion: emotion('Zoë') });
    assert.ok((await sent).sns?.messageId);
    const [form] = sns.publishes();
    assert.equal(sns.publishes().length, 1);
    assert.match(String(form.get('MessageGroupId')), /^emotion-zoe-[0-9a-f]{24}$/);
    assert.match(String(form.get('MessageDeduplicationId')), /^[0-9a-f-]{36}$/);
  });

  it('rejects bad messages and bad targets clearly', async () => {
    await load({ target: '' });
    const errors: string[] = [];
    helper.getNode('caught').on('input', (m: Msg) => errors.push(m.error!.message));
    send({ payload: 'sad' });
    send({ payload: 'sad', emotion: emotion() });
    send({ payload: 'sad', emotion: emotion(), phoneNumber: '0791234567' });
    await sleep(100);
    assert.match(errors[0], /msg.emotion with a label is missing/);
    assert.match(errors[1], /no target/);
    assert.match(errors[2], /neither an SNS topic ARN nor an E.164 phone number/);
    assert.equal(sns.publishes().length, 0);
  });

  it('a template with raw physiology is refused unless allowed', async () => {
    await load({ template: 'GSR {{gsr}}' });
    const caught = nextMsg<Msg>('caught');
    send({ payload: 'sad', emotion: emotion() });
    assert.match((await caught).error!.message, /unknown placeholder \{\{gsr\}\} \(raw physiology/);
  });
});

function watchStatus() {
  const node = helper.getNode('notify') as unknown as { status: (s: Status) => void };
  const statuses: Status[] = [];
  const original = node.status.bind(node);
  node.status = (s: Status) => {
    statuses.push(s);
    original(s);
  };
  return { statuses };
}
