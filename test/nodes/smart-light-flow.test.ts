// The shipped smart-light flow (flows/smart-light.json) in the Node-RED runtime, its core MQTT nodes
// talking to a real Mosquitto on a random loopback port: answers published to emotion/<participant> (as
// the Detect flow's MQTT out does) must set the light's colour and brightness, and "uncertain" must not.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper, withTempUserDir } from '../support/node-red';
import { until } from '../support/probes';

const core = (path: string) => require(`@node-red/nodes/core/${path}`) as NodeInitializer;
const coreNodes = ['common/20-inject', 'common/90-comment', 'function/10-switch', 'function/15-change', 'network/10-mqtt'].map(core);
type FlowNode = { id: string; type: string; [key: string]: unknown };
const shipped = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'smart-light.json'), 'utf8')) as FlowNode[];

describe('smart-light example flow (flows/smart-light.json) with a real MQTT broker', function () {
  this.timeout(30_000);
  withTempUserDir('emotion-smart-light-');
  let broker: ChildProcess;
  let port = 0;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emotion-mosquitto-'));
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
    server.close();
    await once(server, 'close');
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    const mosquitto = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';
    broker = spawn(mosquitto, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((resolve) => connect(port, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
      if (ok) break;
      if (i > 100) throw new Error('mosquitto did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    broker?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => helper.unload());

  it('sets colour and brightness per emotion and leaves the light alone when uncertain (or calm)', async () => {
    const flow = [
      ...shipped.map((n) => (n.type === 'mqtt-broker' ? { ...n, broker: '127.0.0.1', port: String(port) } : n)),
      // the test's side of the broker: the Detect flow publishing answers, and the light listening
      { id: 'answers', type: 'helper', z: 'emotion-iot-smart-light-tab', wires: [['publish']] },
      { id: 'publish', type: 'mqtt out', z: 'emotion-iot-smart-light-tab', topic: '', qos: '1', retain: 'false', broker: 'emotion-iot-mqtt-broker', wires: [] },
      { id: 'light-in', type: 'mqtt in', z: 'emotion-iot-smart-light-tab', topic: 'zigbee2mqtt/+/set', qos: '1', datatype: 'json', broker: 'emotion-iot-mqtt-broker', inputs: 0, wires: [['light']] },
      { id: 'light', type: 'helper', z: 'emotion-iot-smart-light-tab' },
    ];
    await helper.load(coreNodes as never, flow as never);
    const light: NodeMessage[] = [];
    helper.getNode('light').on('input', (m: NodeMessage) => light.push(m));
    await new Promise((r) => setTimeout(r, 1000)); // both subscriptions in place
    const answer = (payload: string) => helper.getNode('answers').send({ topic: 'emotion/Zoë', payload });
    answer('happy');
    answer('uncertain');
    answer('calm');
    answer('angry');
    await until(() => light.length >= 2);
    await new Promise((r) => setTimeout(r, 500)); // nothing else arrives
    assert.deepEqual(light.map((m) => m.topic), ['zigbee2mqtt/emotion-light/set', 'zigbee2mqtt/emotion-light/set']);
    assert.deepEqual(light.map((m) => m.payload), [
      { state: 'ON', color: { hex: '#ffe4b5' }, brightness: 229 },
      { state: 'ON', color: { hex: '#4a78c2' }, brightness: 102 },
    ]);
  });

  it("the Detect flow's answer has the topic emotion/<participant> the light listens to", () => {
    const inference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'inference.json'), 'utf8')) as FlowNode[];
    const topic = inference.find((n) => n.id === 'detect-result-topic') as unknown as { rules: { p: string; to: string }[]; wires: string[][] };
    assert.equal(topic.rules[0].p, 'topic');
    assert.equal(topic.rules[0].to, "'emotion/' & emotion.participant");
    assert.deepEqual(topic.wires, [['detect-result-out']]);
    const mqttOut = inference.find((n) => n.id === 'detect-mqtt-out')!;
    assert.equal(mqttOut.topic, '', 'a blank topic publishes to msg.topic');
    assert.equal(shipped.find((n) => n.id === 'smart-light-in')!.topic, 'emotion/+');
  });
});
