// The shared IoT connection's lifecycle and bookkeeping, with a scripted stand-in for the SDK's MQTT5
// client (the real client against a real broker is covered in test/nodes/aws-iot.test.ts).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IotConnection, type IotState, type IotSubscription } from '../../src/aws/iot-connection';
import type { IotSdk } from '../../src/aws/iot-sdk';

type Packet = { topicName: string; qos: number; payload: Buffer };

class FakeClient extends EventEmitter {
  static all: FakeClient[] = [];
  calls: string[] = [];
  subscribed: string[][] = [];
  unsubscribed: string[][] = [];
  published: Packet[] = [];
  refuse = new Set<string>();
  publishOutcome: () => Promise<unknown> = () => Promise.resolve({ reasonCode: 0 });
  constructor() {
    super();
    FakeClient.all.push(this);
  }

  start() { this.calls.push('start'); }
  stop() {
    this.calls.push('stop');
    setImmediate(() => this.emit('stopped'));
  }

  close() { this.calls.push('close'); }
  subscribe(p: { subscriptions: Array<{ topicFilter: string; qos: number }> }) {
    this.subscribed.push(p.subscriptions.map((s) => `${s.topicFilter}@${s.qos}`));
    return Promise.resolve({ reasonCodes: p.subscriptions.map((s) => (this.refuse.has(s.topicFilter) ? 135 : s.qos)) });
  }

  unsubscribe(p: { topicFilters: string[] }) {
    this.unsubscribed.push(p.topicFilters);
    return Promise.resolve({});
  }

  publish(p: Packet) {
    this.published.push(p);
    return this.publishOutcome();
  }

  receive(topicName: string, text: string) {
    this.emit('messageReceived', { message: { topicName, payload: new TextEncoder().encode(text).buffer } });
  }
}

const chain: unknown = new Proxy({}, { get: (_t, prop) => (prop === 'build' ? () => ({}) : () => chain) });
const fakeSdk = {
  iot: { AwsIotMqtt5ClientConfigBuilder: { newDirectMqttBuilderWithMtlsFromPath: () => chain, newDirectMqttBuilderWithMtlsFromMemory: () => chain } },
  mqtt5: { Mqtt5Client: FakeClient, ClientSessionBehavior: { Clean: 1, RejoinAlways: 3 } },
} as unknown as IotSdk;

const crtError = (name: string) => Object.assign(new Error(`aws-c-x: ${name}, described.`), { error_name: name });
const tick = () => new Promise((r) => setImmediate(r));

describe('aws-iot shared connection', () => {
  let dir: string;
  let conn: IotConnection;
  const warnings: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iot-conn-'));
    for (const f of ['cert.pem', 'key.pem']) writeFileSync(join(dir, f), 'x');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    FakeClient.all = [];
    warnings.length = 0;
    conn = new IotConnection({
      host: 'example-ats.iot.eu-west-1.amazonaws.com', port: 8883, clientId: 'emotion-pi',
      cert: { path: join(dir, 'cert.pem') }, key: { path: join(dir, 'key.pem') }, keepAliveSeconds: 1200,
      cleanSession: true, minReconnectDelayMs: 100, maxReconnectDelayMs: 400, offlineQueueLimit: 3,
      loadSdk: () => fakeSdk, onWarning: (w) => warnings.push(w),
    });
  });
  afterEach(() => conn.close());

  const user = () => {
    const states: IotState[] = [];
    return { states, onState: (s: IotState) => states.push(s), last: () => states.at(-1)! };
  };
  const sub = (filter: string, got: string[] = [], errors: Error[] = []): IotSubscription & { got: string[]; errors: Error[] } =>
    ({ filter, qos: 1, got, errors, onMessage: (t, p) => got.push(`${t} ${p}`), onError: (e) => errors.push(e) });

  it('starts one client on the first register and broadcasts its state to every user', () => {
    const a = user();
    const b = user();
    assert.equal(FakeClient.all.length, 0, 'nothing connects before a node registers');
    conn.register(a);
    conn.register(b);
    assert.equal(FakeClient.all.length, 1);
    const client = FakeClient.all[0];
    assert.deepEqual(client.calls, ['start']);
    assert.equal(a.last().state, 'connecting');
    client.emit('connectionSuccess', {});
    assert.equal(b.last().state, 'connected');
    client.emit('disconnection', { error: crtError('AWS_ERROR_MQTT_UNEXPECTED_HANGUP') });
    const down = a.last();
    assert.equal(down.state, 'disconnected');
    assert.equal(down.state === 'disconnected' && down.reason.message, 'connection lost (AWS_ERROR_MQTT_UNEXPECTED_HANGUP)');
    client.emit('attemptingConnect');
    client.emit('connectionFailure', { error: crtError('AWS_IO_SOCKET_CONNECTION_REFUSED') });
    client.emit('attemptingConnect');
    const retrying = b.last();
    assert.equal(retrying.state === 'disconnected' && retrying.reason.message, 'connection refused (AWS_IO_SOCKET_CONNECTION_REFUSED)',
      'retries keep showing why the last attempt failed');
  });

  it('subscribes again on every connect, only the filters no other covers, and routes each message once', async () => {
    const a = user();
    const b = user();
    const wide = sub('iotsensors/#');
    const narrow = sub('iotsensors/infer/result');
    conn.register(a);
    conn.register(b);
    conn.subscribe(a, wide);
    conn.subscribe(b, narrow);
    const client = FakeClient.all[0];
    assert.deepEqual(client.subscribed, [], 'nothing is sent before the connection is up');
    client.emit('connectionSuccess', {});
    await tick();
    client.emit('connectionSuccess', {});
    await tick();
    assert.deepEqual(client.subscribed, [['iotsensors/#@1'], ['iotsensors/#@1']]);
    client.receive('iotsensors/infer/result', '"happy"');
    client.receive('iotsensors/train', '{}');
    assert.deepEqual(wide.got, ['iotsensors/infer/result "happy"', 'iotsensors/train {}']);
    assert.deepEqual(narrow.got, ['iotsensors/infer/result "happy"']);
    await conn.deregister(a);
    assert.deepEqual(client.subscribed.at(-1), ['iotsensors/infer/result@1'], 'the narrower filter takes over');
    assert.deepEqual(client.unsubscribed, [['iotsensors/#']]);
  });

  it('reports a filter the broker refuses to the nodes that asked for it', async () => {
    const a = user();
    const s = sub('iotsensors/secret');
    conn.register(a);
    conn.subscribe(a, s);
    FakeClient.all[0].refuse.add('iotsensors/secret');
    FakeClient.all[0].emit('connectionSuccess', {});
    await tick();
    assert.match(s.errors[0]?.message ?? '', /subscription to iotsensors\/secret refused by the broker, reason 135/);
  });

  it('queues QoS 1 while down, sends the queue in order after the subscriptions, and keeps later messages behind it', async () => {
    const a = user();
    conn.register(a);
    conn.subscribe(a, sub('iotsensors/infer/result'));
    const client = FakeClient.all[0];
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('q0'), 0), /not connected: QoS 0/);
    const queued = ['1', '2', '3', '4'].map((p) => conn.publish('iotsensors/train', Buffer.from(p), 1));
    await assert.rejects(queued[0], /dropped from the full offline queue \(3 messages\)/);
    assert.match(warnings[0], /offline queue full \(3\): dropped the oldest message for iotsensors\/train/);
    client.emit('connectionSuccess', {});
    const late = conn.publish('iotsensors/train', Buffer.from('5'), 1);
    await Promise.all([...queued.slice(1), late]);
    assert.deepEqual(client.published.map((p) => String(p.payload)), ['2', '3', '4', '5']);
    assert.deepEqual(client.subscribed, [['iotsensors/infer/result@1']]);
  });

  it('turns rejected strings and refusing PUBACKs into Errors for that message', async () => {
    conn.register(user());
    const client = FakeClient.all[0];
    client.emit('connectionSuccess', {});
    client.publishOutcome = () => Promise.reject('libaws-c-mqtt: AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY, gone');
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('x'), 1), (e: Error) => e instanceof Error && /^not connected/.test(e.message));
    client.publishOutcome = () => Promise.resolve({ reasonCode: 135 });
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('x'), 1), /refused by the broker, reason 135/);
    client.publishOutcome = () => Promise.resolve({ reasonCode: 16 });
    await conn.publish('iotsensors/train', Buffer.from('x'), 1); // 16: no subscribers, still delivered
  });

  it('stops, waits for stopped, then closes the client when the last node leaves; a new node starts a new one', async () => {
    const a = user();
    conn.register(a);
    const first = FakeClient.all[0];
    await conn.deregister(a);
    assert.deepEqual(first.calls, ['start', 'stop', 'close']);
    conn.register(user());
    assert.equal(FakeClient.all.length, 2);
    await conn.close();
    assert.deepEqual(FakeClient.all[1].calls, ['start', 'stop', 'close']);
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('x'), 1), /connection closed/);
  });

  it('survives a client whose native stop or close throws, and starts a new one for the next node', async () => {
    const a = user();
    conn.register(a);
    const first = FakeClient.all[0];
    first.close = () => {
      throw new Error('native handle already released');
    };
    await conn.deregister(a); // resolves: a redeploy must not hang or reject on a broken client
    assert.match(warnings.join('\n'), /did not close cleanly: native handle already released/);
    const b = user();
    conn.register(b);
    await tick();
    assert.equal(FakeClient.all.length, 2, 'the next node gets a new client');
    FakeClient.all[1].stop = () => {
      throw new Error('stop failed');
    };
    await conn.deregister(b);
    assert.deepEqual(FakeClient.all[1].calls, ['start', 'close'], 'closed even though stop threw');
  });

  it('reports a client that will not start as failed, and releases it', () => {
    const start = FakeClient.prototype.start;
    FakeClient.prototype.start = function (this: FakeClient) {
      throw new Error('libaws-c-io: AWS_IO_TLS_CTX_ERROR, bad key');
    };
    try {
      const a = user();
      conn.register(a);
      const s = a.last();
      assert.equal(s.state === 'failed' && s.reason.message, 'TLS set-up failed: the device certificate, key or CA could not be loaded (a matching PEM pair?) (AWS_IO_TLS_CTX_ERROR)');
      assert.deepEqual(FakeClient.all[0].calls, ['close']);
    } finally {
      FakeClient.prototype.start = start;
    }
  });

  it('tries a failed start again once every node has left, e.g. after the key file was copied in', async () => {
    const keyPath = join(dir, 'late.key');
    const late = new IotConnection({
      host: 'h', port: 8883, clientId: 'c', cert: { path: join(dir, 'cert.pem') }, key: { path: keyPath },
      keepAliveSeconds: 1200, cleanSession: true, minReconnectDelayMs: 100, maxReconnectDelayMs: 400,
      offlineQueueLimit: 3, loadSdk: () => fakeSdk,
    });
    try {
      const a = user();
      late.register(a);
      assert.equal(a.last().state, 'failed');
      await late.deregister(a);
      writeFileSync(keyPath, 'x');
      const b = user();
      late.register(b);
      assert.equal(b.last().state, 'connecting');
      assert.equal(FakeClient.all.length, 1);
    } finally {
      await late.close();
    }
  });

  it('rejects what waits in the queue when the flow stops', async () => {
    conn.register(user());
    const waiting = assert.rejects(conn.publish('iotsensors/train', Buffer.from('x'), 1), /connection closed/);
    await conn.close();
    await waiting;
  });
});
