// Notifications per participant: subscriptions made by `npm run cloud:notify` (cloud/lib/subscriptions.ts)
// against an SNS peer that applies filter policies as SNS does, and the answers published the way the
// inference Lambda and sns-notify publish them (publishInput: the participant as message attribute).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SNSClient } from '@aws-sdk/client-sns';
import { publishInput } from '../../src/aws/sns-message';
import { publish } from '../../src/aws/sns-publish';
import { listSubscriptions, subscribe, unsubscribe } from '../../cloud/lib/subscriptions';
import { startSnsPeer, type SnsPeer } from '../support/sns-peer';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:emotion-emotion';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('cloud:notify (answers per participant)', function () {
  this.timeout(30000);
  let sns: SnsPeer;
  let client: SNSClient;
  beforeEach(async () => {
    sns = await startSnsPeer();
    client = new SNSClient({ endpoint: sns.peer.endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await sns.stop();
  });

  const answer = (participant: string, text: string) => publish(client, publishInput({ TopicArn: TOPIC }, text, 'Emotion detector: sad', {}, participant));

  it('a subscriber receives the participants they were subscribed for, however the name was typed, and nobody else', async () => {
    await subscribe(client, TOPIC, { participant: 'Ana', protocol: 'email', endpoint: 'mum@example.com' });
    await subscribe(client, TOPIC, { participant: 'Ben', protocol: 'sms', endpoint: '+15555550100' });
    await subscribe(client, TOPIC, { participant: '*', protocol: 'email', endpoint: 'clinic@example.com' });
    await answer('Ana', 'Ana seems sad');
    await answer('BEN', 'BEN seems happy');
    await answer('ana', 'ana seems angry');
    assert.deepEqual(sns.deliveredTo('mum@example.com'), ['Ana seems sad', 'ana seems angry']);
    assert.deepEqual(sns.deliveredTo('+15555550100'), ['BEN seems happy']);
    assert.deepEqual(sns.deliveredTo('clinic@example.com'), ['Ana seems sad', 'BEN seems happy', 'ana seems angry']);
    const filters = [...sns.subscriptions.values()].map((s) => [s.endpoint, s.attributes.FilterPolicy, s.attributes.FilterPolicyScope]);
    assert.deepEqual(filters, [
      ['mum@example.com', '{"participant":["ana"]}', 'MessageAttributes'],
      ['+15555550100', '{"participant":["ben"]}', 'MessageAttributes'],
      ['clinic@example.com', undefined, undefined],
    ]);
  });

  it('lists who receives whose answers, removes a subscription, and refuses bad names and addresses before calling AWS', async () => {
    const arn = await subscribe(client, TOPIC, { participant: 'Zoë', protocol: 'email', endpoint: 'dad@example.com' });
    assert.deepEqual((await listSubscriptions(client, TOPIC)).map((s) => [s.endpoint, s.receives]), [['dad@example.com', 'zoë']]);
    await unsubscribe(client, arn);
    assert.deepEqual(await listSubscriptions(client, TOPIC), []);
    const before = sns.peer.requests.length;
    await assert.rejects(subscribe(client, TOPIC, { participant: '../x', protocol: 'email', endpoint: 'a@example.com' }), /invalid participant name/);
    await assert.rejects(subscribe(client, TOPIC, { participant: 'Ana', protocol: 'sms', endpoint: '07700 900123' }), /E\.164/);
    assert.equal(sns.peer.requests.length, before);
  });

  it('runs as `npm run cloud:notify -- --participant Ana --email ...` on the deployed stack\'s topic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emotion-notify-'));
    try {
      const outputs = join(dir, 'deployed.json');
      writeFileSync(outputs, JSON.stringify({ 'emotion-cloud': { Region: 'eu-west-1', Prefix: 'emotion', DevicePolicyName: 'emotion-device', AnswersTopic: TOPIC } }));
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'cloud', 'bin', 'notify.ts'), '--participant', 'Ana', '--email', 'mum@example.com', '--outputs', outputs], {
        env: { ...process.env, AWS_ENDPOINT_URL_SNS: sns.peer.endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
      });
      assert.match(stdout, /mum@example\.com receives Ana's answers only \(arn:aws:sns:eu-west-1:123456789012:emotion-emotion:.*\): it must confirm the e-mail AWS sends first/);
      assert.equal([...sns.subscriptions.values()][0].attributes.FilterPolicy, '{"participant":["ana"]}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
