import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  validateTopicName, validateTopicFilter, topicMatches, withPrefix, encodePayload, decodePayload, MAX_PAYLOAD_BYTES,
  filterCovers, coverSet,
} from '../../src/aws/iot-topic';
import { iotError, connectionError } from '../../src/aws/iot-errors';
import { loadIotSdk } from '../../src/aws/iot-sdk';
import { OfflineQueue } from '../../src/aws/iot-queue';
import { buildMqttConfig, type IotBrokerOptions } from '../../src/aws/iot-options';
import { IotConnection, type IotState } from '../../src/aws/iot-connection';

describe('aws-iot topics and payloads', () => {
  it('accepts IoT Core topics and refuses wildcards, > 7 slashes and > 256 bytes', () => {
    assert.equal(validateTopicName('iotsensors/infer/result'), 'iotsensors/infer/result');
    assert.throws(() => validateTopicName('iotsensors/+/x'), /wildcards/);
    assert.throws(() => validateTopicName('iotsensors/#'), /wildcards/);
    assert.throws(() => validateTopicName('a/b/c/d/e/f/g/h/i'), /8 slashes .*allows 7/);
    assert.equal(validateTopicName('a/b/c/d/e/f/g/h'), 'a/b/c/d/e/f/g/h');
    assert.throws(() => validateTopicName('x'.repeat(257)), /257 bytes/);
    assert.throws(() => validateTopicName('é'.repeat(129)), /258 bytes/, 'counts UTF-8 bytes, not characters');
    assert.throws(() => validateTopicName(''), /empty/);
  });

  it('checks filter wildcards', () => {
    assert.equal(validateTopicFilter('iotsensors/+/result'), 'iotsensors/+/result');
    assert.equal(validateTopicFilter('iotsensors/#'), 'iotsensors/#');
    assert.throws(() => validateTopicFilter('iotsensors/in+fer'), /whole level/);
    assert.throws(() => validateTopicFilter('iotsensors/#/x'), /last level/);
  });

  it('matches topics against filters as MQTT does', () => {
    assert.ok(topicMatches('iotsensors/#', 'iotsensors/infer/result'));
    assert.ok(topicMatches('iotsensors/#', 'iotsensors'));
    assert.ok(topicMatches('iotsensors/+/result', 'iotsensors/infer/result'));
    assert.ok(!topicMatches('iotsensors/+', 'iotsensors/infer/result'));
    assert.ok(!topicMatches('iotsensors/infer', 'iotsensors/infer/result'));
    assert.ok(!topicMatches('iotsensors/infer/result', 'iotsensors/infer'));
    assert.ok(!topicMatches('#', '$aws/things/pi/shadow'));
  });

  it('knows when one filter covers another', () => {
    assert.ok(filterCovers('iotsensors/#', 'iotsensors/+/result'));
    assert.ok(filterCovers('iotsensors/#', 'iotsensors'));
    assert.ok(filterCovers('iotsensors/+', 'iotsensors/train'));
    assert.ok(filterCovers('iotsensors/+/result', 'iotsensors/infer/result'));
    assert.ok(!filterCovers('iotsensors/train', 'iotsensors/+'));
    assert.ok(!filterCovers('iotsensors/+', 'iotsensors/#'));
    assert.ok(!filterCovers('iotsensors/+', 'iotsensors/infer/result'));
    assert.ok(!filterCovers('#', '$aws/things/pi'));
  });

  it('subscribes only the filters no other covers, at the highest QoS asked for', () => {
    const wanted = new Map<string, 0 | 1>([['iotsensors/train', 1], ['iotsensors/+', 0], ['other/x', 0], ['other/x/#', 0]]);
    assert.deepEqual([...coverSet(wanted)], [['iotsensors/+', 1], ['other/x/#', 0]]);
    assert.deepEqual([...coverSet(new Map<string, 0 | 1>([['a', 0]]))], [['a', 0]]);
  });

  it('puts relative topics under the prefix, once', () => {
    assert.equal(withPrefix('iotsensors', 'train'), 'iotsensors/train');
    assert.equal(withPrefix('iotsensors/', '/infer/result'), 'iotsensors/infer/result');
    assert.equal(withPrefix('iotsensors', 'iotsensors/train'), 'iotsensors/train');
    assert.equal(withPrefix('iotsensors', '$aws/things/pi/shadow/update'), '$aws/things/pi/shadow/update');
    assert.equal(withPrefix('', 'train'), 'train');
  });

  it('encodes objects as JSON, keeps strings and Buffers, refuses over 128 KB', () => {
    assert.equal(encodePayload({ gsr: 1.5 }).toString(), '{"gsr":1.5}');
    assert.equal(encodePayload('plain').toString(), 'plain');
    assert.equal(encodePayload(42).toString(), '42');
    const buf = Buffer.from([1, 2, 3]);
    assert.equal(encodePayload(buf), buf);
    assert.equal(encodePayload('x'.repeat(MAX_PAYLOAD_BYTES)).length, MAX_PAYLOAD_BYTES);
    assert.throws(() => encodePayload('x'.repeat(MAX_PAYLOAD_BYTES + 1)), /131073 bytes, over the AWS IoT limit/);
    assert.throws(() => encodePayload(undefined), /missing/);
  });

  it('decodes as JSON when it is JSON (auto), strictly, or as string / Buffer', () => {
    const json = Buffer.from('{"label":"happy"}');
    assert.deepEqual(decodePayload(json, 'auto'), { label: 'happy' });
    assert.equal(decodePayload(Buffer.from('not json'), 'auto'), 'not json');
    assert.throws(() => decodePayload(Buffer.from('not json'), 'json'), /not JSON/);
    assert.equal(decodePayload(json, 'string'), '{"label":"happy"}');
    assert.deepEqual(decodePayload(json, 'buffer'), json);
  });
});

describe('aws-iot error normalisation', () => {
  it('turns rejected strings into Errors with a readable reason and the CRT code', () => {
    const err = iotError('libaws-c-mqtt: AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY, failed');
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY');
    assert.match(err.message, /^not connected \(AWS_ERROR/);
    assert.equal(iotError('something odd').message, 'something odd');
  });

  it('reads error_name from CrtError-like objects', () => {
    const crt = Object.assign(new Error('aws-c-io: AWS_IO_TLS_ERROR_READ_FAILURE, Failure during TLS read.'), {
      error_name: 'AWS_IO_TLS_ERROR_READ_FAILURE', error_code: 1029,
    });
    assert.match(iotError(crt).message, /^TLS handshake failed \(a certificate not accepted\? the CA must be .*\) \(AWS_IO_TLS_ERROR_READ_FAILURE\)$/);
    const unknown = Object.assign(new Error('aws-c-x: AWS_X_NEW, New thing.'), { error_name: 'AWS_X_NEW' });
    assert.equal(iotError(unknown).message, 'New thing. (AWS_X_NEW)');
  });

  it('names the CONNACK reason when the broker refuses', () => {
    assert.match(connectionError('x', { reasonCode: 135, reasonString: 'not authorized' }).message,
      /refused by the broker, reason 135: not authorized/);
  });
});

describe('aws-iot SDK loader', () => {
  // what each failure says: test/unit/native-addon.test.ts
  it('loads the installed SDK on this machine', () => {
    assert.equal(typeof loadIotSdk().mqtt5.Mqtt5Client, 'function');
  });
});

describe('aws-iot offline queue', () => {
  it('drops the oldest when full and tells its sender', async () => {
    const dropped: string[] = [];
    const q = new OfflineQueue<string>(2, (item) => dropped.push(item));
    const a = q.push('a');
    const b = q.push('b');
    const c = q.push('c');
    await assert.rejects(a, /dropped from the full offline queue \(2 messages\)/);
    assert.deepEqual(dropped, ['a']);
    const sent: string[] = [];
    q.drain((e) => { sent.push(e.item); e.resolve(); });
    await Promise.all([b, c]);
    assert.deepEqual(sent, ['b', 'c']);
    assert.equal(q.length, 0);
  });

  it('rejects everything waiting when cleared, and everything when the limit is 0', async () => {
    const q = new OfflineQueue<string>(5);
    const a = q.push('a');
    q.clear(new Error('connection closed'));
    await assert.rejects(a, /connection closed/);
    await assert.rejects(new OfflineQueue<string>(0).push('x'), /offline queue disabled/);
  });
});

describe('aws-iot client options', () => {
  let dir: string;
  let opts: IotBrokerOptions;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-opts-'));
    writeFileSync(join(dir, 'cert.pem'), 'x');
    opts = {
      host: 'example-ats.iot.eu-west-1.amazonaws.com', port: 8883, clientId: 'emotion-pi',
      cert: { path: join(dir, 'cert.pem') }, key: { path: join(dir, 'missing.key') },
      keepAliveSeconds: 1200, cleanSession: true, minReconnectDelayMs: 1000, maxReconnectDelayMs: 30000,
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing key file', () => {
    assert.throws(() => buildMqttConfig(loadIotSdk(), opts), new RegExp(`private key file not found: ${join(dir, 'missing.key')}`));
  });

  it('asks for the certificate and endpoint when they are not set', () => {
    assert.throws(() => buildMqttConfig(loadIotSdk(), { ...opts, cert: {} }), /device certificate is not set/);
    assert.throws(() => buildMqttConfig(loadIotSdk(), { ...opts, host: ' ' }), /endpoint host is not set/);
    assert.throws(() => buildMqttConfig(loadIotSdk(), { ...opts, key: { pem: 'oops' } }), /private key is not PEM/);
  });

  it('reports a failed start to every user, and rejects publishes with the same reason', async () => {
    const conn = new IotConnection({
      ...opts, offlineQueueLimit: 10,
      loadSdk: () => loadIotSdk({ require: () => { throw new Error('AWS CRT binary not present'); }, arch: 'arm' }),
    });
    const seen: IotState[] = [];
    conn.register({ onState: (s) => seen.push(s) });
    const last = seen.at(-1)!;
    assert.equal(last.state, 'failed');
    assert.match(last.state === 'failed' ? last.reason.message : '', /aws-crt has native binaries for 64-bit systems only/);
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('{}'), 1), /use Raspberry Pi OS 64-bit/);
    const second = { onState: (st: IotState) => seen.push(st) };
    conn.register(second);
    assert.equal(seen.length, 3, 'a second node is told the same failure, without another attempt');
    assert.equal(seen[2], last);
    await conn.close();
  });
});
