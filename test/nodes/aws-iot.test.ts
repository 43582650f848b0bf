// aws-iot-broker / aws-iot-in / aws-iot-out against a real Mosquitto with mutual TLS (client
// certificates), standing in for AWS IoT Core: the same SDK client, the same TLS handshake.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Node, NodeMessage } from 'node-red';
import type { SinonSpy } from 'sinon';
import { helper } from '../support/node-red';
import { startBroker, sideSubscribe, type Broker } from '../support/mosquitto';
import brokerNode = require('../../nodes/aws-iot-broker/aws-iot-broker');
import inNode = require('../../nodes/aws-iot-in/aws-iot-in');
import outNode = require('../../nodes/aws-iot-out/aws-iot-out');
import type { IotBrokerNode } from '../../nodes/aws-iot-broker/broker-user';
import { IotConnection } from '../../src/aws/iot-connection';
import { unbuiltAwsCrt, useUnloadableModule, type UnbuiltProject } from '../support/unbuilt-addon';

type FlowNode = { id: string; type: string; [key: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };
type TestNode = Node & { receive(msg: NodeMessage): void };
type ErrorMsg = NodeMessage & { error: { message: string; source: { id: string } } };

const nodes = [brokerNode, inNode, outNode];

function statuses(node: Node): Status[] {
  const spy = node.status as unknown as SinonSpy;
  return spy.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0] as Status);
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function waitForStatus(node: Node, match: (s: Status) => boolean, what: string): Promise<Status> {
  return waitFor(`status ${what} (seen: ${JSON.stringify(statuses(node))})`, () => {
    const last = statuses(node).at(-1);
    return last && match(last) ? last : undefined;
  });
}

const connected = (s: Status) => s.fill === 'green' && s.shape === 'dot' && s.text === 'connected';

/** Collects what a helper node receives. */
function collect(id: string): NodeMessage[] {
  const got: NodeMessage[] = [];
  helper.getNode(id).on('input', (msg: NodeMessage) => got.push(msg));
  return got;
}

describe('aws-iot nodes on a mutual-TLS broker', function () {
  let broker: Broker;
  before(async () => {
    broker = await startBroker(['emotion-pi', 'side-sub']);
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await broker?.dispose();
  });
  afterEach(() => helper.unload());

  function flow(brokerCfg: Record<string, unknown> = {}, extra: FlowNode[] = []): FlowNode[] {
    const me = broker.clients['emotion-pi'];
    return [
      { id: 't1', type: 'tab' },
      {
        id: 'b1', type: 'emotion-aws-iot-broker', z: 't1', host: 'localhost', port: String(broker.port), clientId: 'emotion-pi',
        certPath: me.cert, keyPath: me.key, caPath: broker.caPath, topicPrefix: 'iotsensors', keepAlive: '',
        cleanSession: true, minReconnectDelay: '100', maxReconnectDelay: '400', queueLimit: '', ...brokerCfg,
      },
      { id: 'out', type: 'emotion-aws-iot-out', z: 't1', broker: 'b1', topic: 'train', qos: '1' },
      { id: 'in', type: 'emotion-aws-iot-in', z: 't1', broker: 'b1', topic: 'train', qos: '1', format: 'auto', wires: [['h']] },
      { id: 'h', type: 'helper', z: 't1' },
      { id: 'c', type: 'catch', z: 't1', scope: null, uncaught: false, wires: [['hc']] },
      { id: 'hc', type: 'helper', z: 't1' },
      ...extra,
    ];
  }

  const record = (i: number) => ({ participant: 'p1', timestamp: 1700000000000 + i, gsr: 2.125 + i, bpm: 71.5, mood: 'happy', session: 's1' });

  it('round-trips JSON records through out and in, and another MQTT client sees them too', async () => {
    await helper.load(nodes, flow({}, [
      { id: 'inAll', type: 'emotion-aws-iot-in', z: 't1', broker: 'b1', topic: '+', qos: '0', format: 'buffer', wires: [['h2']] },
      { id: 'h2', type: 'helper', z: 't1' },
    ]));
    const got = collect('h');
    const raw = collect('h2');
    const side = await sideSubscribe(broker, 'iotsensors/#');
    try {
      const out = helper.getNode('out') as TestNode;
      for (let i = 0; i < 3; i++) out.receive({ payload: record(i) });
      await waitFor('3 records on the in node', () => (got.length >= 3 ? got : undefined));
      assert.deepEqual(got.map((m) => m.payload), [0, 1, 2].map(record));
      assert.deepEqual(got.map((m) => m.topic), Array(3).fill('iotsensors/train'));
      await waitFor('3 raw records', () => (raw.length >= 3 ? raw : undefined));
      assert.ok(Buffer.isBuffer(raw[0].payload), 'format buffer gives a Buffer');
      assert.deepEqual(JSON.parse(String(raw[0].payload)), record(0));
      const lines = await side.waitFor(3);
      assert.deepEqual(lines, [0, 1, 2].map((i) => `iotsensors/train ${JSON.stringify(record(i))}`));
      for (const id of ['out', 'in', 'inAll']) assert.ok(connected(statuses(helper.getNode(id)).at(-1)!), `${id} shows connected`);
    } finally {
      await side.stop();
    }
  });

  it('with Clean session off, gets the QoS 1 messages published while Node-RED was stopped', async () => {
    await helper.load(nodes, flow({ cleanSession: false }));
    let got = collect('h');
    (helper.getNode('out') as TestNode).receive({ payload: record(0) });
    await waitFor('the subscription to work', () => (got.length >= 1 ? got : undefined));
    await helper.unload(); // Node-RED stops (or the Pi restarts); the broker keeps the session
    const side = broker.clients['side-sub'];
    execFileSync('mosquitto_pub', ['-h', 'localhost', '-p', String(broker.port), '--cafile', broker.caPath, '--cert', side.cert,
      '--key', side.key, '-i', 'side-sub', '-q', '1', '-t', 'iotsensors/train', '-m', JSON.stringify(record(1))]);
    await helper.load(nodes, flow({ cleanSession: false }));
    got = collect('h');
    await waitFor('the message sent while away', () => (got.some((m) => isDeepStrictEqual(m.payload, record(1))) ? got : undefined));
    // QoS 1 is at-least-once: record 0 may come again when Node-RED stopped before its PUBACK reached the broker
    assert.deepEqual(got.map((m) => m.payload).filter((p) => !isDeepStrictEqual(p, record(0))), [record(1)]);
  });

  it('delivers QoS 1 messages sent while the broker is down once it is back, in order', async () => {
    await helper.load(nodes, flow());
    const out = helper.getNode('out') as TestNode;
    const got = collect('h');
    await waitForStatus(out, connected, 'connected');
    await broker.stop();
    const down = await waitForStatus(out, (s) => s.fill === 'red' && s.shape === 'ring', 'disconnected');
    assert.match(down.text ?? '', /^disconnected: connection (lost|refused)/);
    for (let i = 0; i < 5; i++) out.receive({ payload: record(i) });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got.length, 0);
    await broker.restart();
    await waitFor('5 records after the restart', () => (got.length >= 5 ? got : undefined));
    assert.deepEqual(got.map((m) => m.payload), [0, 1, 2, 3, 4].map(record));
    assert.ok(connected(statuses(helper.getNode('in')).at(-1)!), 'the in node shows connected again');
  });

  it('keeps at most the queue limit while down, dropping the oldest with a warning and an error for it', async () => {
    await helper.load(nodes, flow({ queueLimit: '2' }));
    const out = helper.getNode('out') as TestNode;
    const got = collect('h');
    const errors = collect('hc') as ErrorMsg[];
    await waitForStatus(out, connected, 'connected');
    await broker.stop();
    await waitForStatus(out, (s) => s.fill === 'red', 'disconnected');
    for (let i = 0; i < 3; i++) out.receive({ payload: record(i) });
    await waitFor('the drop error', () => (errors.length ? errors : undefined));
    assert.match(errors[0].error.message, /dropped from the full offline queue \(2 messages\)/);
    assert.deepEqual(errors[0].payload, record(0));
    await broker.restart();
    await waitFor('2 records after the restart', () => (got.length >= 2 ? got : undefined));
    assert.deepEqual(got.map((m) => m.payload), [record(1), record(2)]);
    const warned = (helper.getNode('b1').warn as unknown as SinonSpy).getCalls().map((c) => String(c.args[0]));
    assert.ok(warned.some((w) => /offline queue full \(2\): dropped the oldest message for iotsensors\/train/.test(w)), warned.join('\n'));
  });

  it('connects with PEMs pasted into the credential store instead of file paths', async () => {
    const me = broker.clients['emotion-pi'];
    const pem = (path: string) => readFileSync(path, 'utf8');
    await helper.load(nodes, flow({ certPath: '', keyPath: '', caPath: '' }), {
      b1: { certPem: pem(me.cert), keyPem: pem(me.key), caPem: pem(broker.caPath) },
    });
    await waitForStatus(helper.getNode('out'), connected, 'connected');
  });

  it('shows a refused client certificate (signed by another CA) as a red disconnected status', async () => {
    await helper.load(nodes, flow({ certPath: broker.rogue.cert, keyPath: broker.rogue.key }));
    const s = await waitForStatus(helper.getNode('out'), (st) => st.fill === 'red', 'red');
    assert.equal(s.shape, 'ring');
    assert.match(s.text ?? '', /^disconnected: TLS handshake failed/);
  });

  it("shows and logs a broker whose certificate the CA does not vouch for, within seconds, instead of staying 'connecting' silently", async () => {
    await helper.load(nodes, flow({ caPath: join(broker.dir, 'rogue-ca.pem') }));
    const out = helper.getNode('out');
    const started = Date.now();
    // aws-crt itself reports it only after 10-25 s; Node's own TLS handshake names it after the 3 s probe delay
    const s = await waitFor('a red status', () => statuses(out).find((st) => st.fill === 'red'), 9_000);
    assert.ok(Date.now() - started < 9_000);
    assert.match(s.text ?? '', /^disconnected: TLS handshake failed/);
    const b1 = helper.getNode('b1');
    const logged = (b1.warn as unknown as SinonSpy).getCalls().map((c) => String(c.args[0]));
    assert.equal(logged.length, 1, `the cause is logged once: ${JSON.stringify(logged)}`);
    assert.equal(logged[0], `cannot connect to localhost:${broker.port}: TLS handshake failed: the broker's certificate is not signed by the configured CA certificate; retrying`);
  }).timeout(20_000);

  it('names a missing key file in the status, the log and every message error', async () => {
    const missing = join(broker.dir, 'no-such.key');
    await helper.load(nodes, flow({ keyPath: missing }));
    const out = helper.getNode('out') as TestNode;
    const errors = collect('hc') as ErrorMsg[];
    const s = await waitForStatus(out, (st) => st.fill === 'red', 'red');
    assert.equal(s.text, `private key file not found: ${missing}`);
    out.receive({ payload: record(0) });
    const err = await waitFor('an error for the msg', () => errors.find((e) => e.error.source.id === 'out' && e.payload !== undefined));
    assert.equal(err.error.message, `Error: private key file not found: ${missing}`);
    const logged = (out.error as unknown as SinonSpy).getCalls().filter((c) => c.thisValue === out).map((c) => String(c.args[0]));
    assert.ok(logged.includes(`private key file not found: ${missing}`), 'reported once at start, without a msg to wait for');
  });

  it('refuses bad topics and oversized payloads for that message only', async () => {
    await helper.load(nodes, flow({}, [
      { id: 'outMsg', type: 'emotion-aws-iot-out', z: 't1', broker: 'b1', topic: '', qos: '0' },
      { id: 'inBad', type: 'emotion-aws-iot-in', z: 't1', broker: 'b1', topic: 'infer/#/x', qos: '1', format: 'auto', wires: [[]] },
      { id: 'inJson', type: 'emotion-aws-iot-in', z: 't1', broker: 'b1', topic: 'raw', qos: '1', format: 'json', wires: [['h']] },
    ]));
    const errors = collect('hc') as ErrorMsg[];
    const got = collect('h');
    const bad = await waitForStatus(helper.getNode('inBad'), (s) => s.fill === 'red', 'red');
    assert.match(bad.text ?? '', /# must be the last level/);
    const outMsg = helper.getNode('outMsg') as TestNode;
    await waitForStatus(outMsg, connected, 'connected');
    outMsg.receive({ topic: 'infer/+', payload: 1 });
    outMsg.receive({ payload: 1 });
    outMsg.receive({ topic: 'a/b/c/d/e/f/g/h', payload: 1 });
    outMsg.receive({ topic: 'train', payload: 'x'.repeat(128 * 1024 + 1) });
    outMsg.receive({ topic: 'train', payload: { ok: true } });
    await waitFor('4 errors and the good message', () => (errors.filter((e) => e.error.source.id === 'outMsg').length >= 4 && got.length ? true : undefined));
    const messages = errors.filter((e) => e.error.source.id === 'outMsg').map((e) => e.error.message);
    assert.match(messages[0], /wildcards/);
    assert.match(messages[1], /no topic/);
    assert.match(messages[2], /8 slashes/, 'the prefix counts towards the 7-slash limit');
    assert.match(messages[3], /over the AWS IoT limit of 131072/);
    assert.deepEqual(got.map((m) => [m.topic, m.payload]), [['iotsensors/train', { ok: true }]]);
    outMsg.receive({ topic: 'raw', payload: 'not json' });
    const notJson = await waitFor('the not-JSON error', () => errors.find((e) => e.error.source.id === 'inJson'));
    assert.match(notJson.error.message, /payload is not JSON/);
    assert.deepEqual([notJson.topic, notJson.payload], ['iotsensors/raw', 'not json']);
    assert.equal(got.length, 1, 'nothing is sent for a message that is not JSON');
  });

  it('keeps a narrower subscription working when the wider one that covered it goes away', async () => {
    const me = broker.clients['emotion-pi'];
    const conn = new IotConnection({
      host: 'localhost', port: broker.port, clientId: 'emotion-pi-2', cert: { path: me.cert }, key: { path: me.key },
      ca: { path: broker.caPath }, keepAliveSeconds: 60, cleanSession: true, minReconnectDelayMs: 100,
      maxReconnectDelayMs: 400, offlineQueueLimit: 10,
    });
    try {
      const wide: string[] = [];
      const narrow: string[] = [];
      const wideUser = { onState: () => {} };
      const narrowUser = { onState: () => {} };
      conn.register(wideUser);
      conn.register(narrowUser);
      conn.subscribe(wideUser, { filter: 'iotsensors/#', qos: 1, onMessage: (t) => wide.push(t), onError: assert.fail });
      conn.subscribe(narrowUser, { filter: 'iotsensors/infer/result', qos: 1, onMessage: (t) => narrow.push(t), onError: assert.fail });
      await conn.publish('iotsensors/infer/result', Buffer.from('"happy"'), 1);
      await waitFor('one copy each', () => (wide.length && narrow.length ? true : undefined));
      await conn.deregister(wideUser);
      await conn.publish('iotsensors/infer/result', Buffer.from('"sad"'), 1);
      await waitFor('the narrow one again', () => (narrow.length === 2 ? true : undefined));
      assert.deepEqual([wide.length, narrow.length], [1, 2], 'each subscriber got each message exactly once');
    } finally {
      await conn.close();
    }
  });

  it('gets every QoS 1 message already handed to the client acknowledged when the broker dies mid-burst', async () => {
    const me = broker.clients['emotion-pi'];
    const conn = new IotConnection({
      host: 'localhost', port: broker.port, clientId: 'emotion-pi-3', cert: { path: me.cert }, key: { path: me.key },
      ca: { path: broker.caPath }, keepAliveSeconds: 60, cleanSession: true, minReconnectDelayMs: 100,
      maxReconnectDelayMs: 300, offlineQueueLimit: 10,
    });
    try {
      const seen: string[] = [];
      conn.register({ onState: (st) => seen.push(st.state) });
      await waitFor('connected', () => (conn.state.state === 'connected' ? true : undefined));
      // The SDK paces publishes at AWS IoT's 100/s, so a burst of 200 is still in flight when the broker stops.
      const burst = Array.from({ length: 200 }, (_, i) => conn.publish('iotsensors/train', Buffer.from(JSON.stringify(record(i))), 1));
      await new Promise((r) => setTimeout(r, 400));
      await broker.stop();
      await waitFor('disconnected', () => (conn.state.state === 'disconnected' ? true : undefined));
      await broker.restart();
      const results = await Promise.allSettled(burst);
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      assert.ok(seen.indexOf('disconnected') < seen.lastIndexOf('connected'), 'it went down and came back');
    } finally {
      await conn.close();
    }
  });

  it('stops the shared client when the flow stops', async () => {
    await helper.load(nodes, flow());
    await waitForStatus(helper.getNode('out'), connected, 'connected');
    const conn = (helper.getNode('b1') as unknown as IotBrokerNode).connection!;
    const client = (conn as unknown as { client: Record<'stop' | 'close', (...args: unknown[]) => void> }).client;
    const calls: string[] = [];
    for (const name of ['stop', 'close'] as const) {
      const real = client[name].bind(client);
      client[name] = (...args) => {
        calls.push(name);
        real(...args);
      };
    }
    const disconnects = () => broker.log().split('Client emotion-pi disconnected').length;
    const before = disconnects();
    await helper.unload();
    assert.deepEqual(calls, ['stop', 'close'], 'stopped, then its native resources released');
    await waitFor('the broker to log a DISCONNECT (not a dropped connection)', () => (disconnects() === before + 1 ? true : undefined), 3000);
    assert.equal(conn.state.state, 'idle');
    await assert.rejects(conn.publish('iotsensors/train', Buffer.from('{}'), 1), /connection closed/);
  });
});

describe('aws-iot nodes when aws-crt has no native binary (its install script skipped)', () => {
  let unbuilt: UnbuiltProject;
  let restore: () => void;
  before(async () => {
    unbuilt = unbuiltAwsCrt();
    // aws-iot-device-sdk-v2 fails the way it does when it loads aws-crt's native part
    restore = useUnloadableModule('aws-iot-device-sdk-v2', unbuilt.loadError());
    await helper.startServer();
  });
  after(async () => {
    restore();
    unbuilt.remove();
    await helper.stopServer();
  });
  afterEach(() => helper.unload());

  it('says so at start on every IoT node, red with a short reason, and logs the command that fixes it', async () => {
    const flow: FlowNode[] = [
      { id: 't1', type: 'tab' },
      { id: 'b1', type: 'emotion-aws-iot-broker', z: 't1', host: 'example.iot.eu-west-1.amazonaws.com', port: '8883', clientId: 'pi', certPath: '/c', keyPath: '/k' },
      { id: 'out', type: 'emotion-aws-iot-out', z: 't1', broker: 'b1', topic: 'train', qos: '1' },
      { id: 'in', type: 'emotion-aws-iot-in', z: 't1', broker: 'b1', topic: 'train', qos: '1', format: 'auto', wires: [[]] },
    ];
    await helper.load(nodes, flow as never);
    const fix = `cd ${join(__dirname, '..', '..')} && npm approve-scripts aws-crt && npm rebuild aws-crt`;
    for (const id of ['in', 'out']) {
      const node = helper.getNode(id);
      const s = await waitForStatus(node, (st) => st.fill === 'red', 'red');
      assert.deepEqual(s, { fill: 'red', shape: 'ring', text: 'aws-crt not built (see log)' });
      const logged = (node.error as unknown as SinonSpy).getCalls().filter((c) => c.thisValue === node).map((c) => String(c.args[0]));
      assert.equal(logged.length, 1, `${id} logs it once`);
      assert.match(logged[0], /^aws-crt is installed but its native addon was never built/);
      assert.ok(logged[0].includes(fix), logged[0]);
    }
  });
});
