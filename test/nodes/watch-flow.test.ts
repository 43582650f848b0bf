// The alert path of the shipped watch flow (flows/watch.json) in the Node-RED runtime: arousal watch's alerts
// go to the core MQTT out node (a real Mosquitto with TLS client certificates, checked by another client)
// and to sns-notify (the real SNS client against the loopback SNS peer), exactly as shipped except for the
// broker address, the SNS endpoint, and enabling both. One alert per rising episode, none in the quiet period.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { sideSubscribe, startBroker, type Broker, type SideSubscriber } from '../support/mosquitto';
import { startSnsPeer, type SnsPeer } from '../support/sns-peer';
import arousalNode = require('../../nodes/arousal/arousal');
import snsNode = require('../../nodes/sns-notify/sns-notify');
import awsConfigNode = require('../../nodes/aws-config/aws-config');

const core = (path: string) => require(`@node-red/nodes/core/${path}`) as NodeInitializer;
type FlowNode = { id: string; type: string; [key: string]: unknown };
const shipped = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'watch.json'), 'utf8')) as FlowNode[];
const node = (id: string) => shipped.find((n) => n.id === id)!;
const T0 = Date.UTC(2026, 0, 1, 9);

/** 5 µS at rest, 7 µS during each rise (start, end in seconds), one record a second. */
function session(seconds: number, rises: [number, number][]) {
  return Array.from({ length: seconds }, (_, s) => ({
    participant: 'Ana',
    timestamp: T0 + s * 1000,
    gsr: (rises.some(([a, b]) => s >= a && s < b) ? 7 : 5) * (1 + 0.005 * Math.sin(s * 1.7)),
    bpm: 70,
  }));
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watch flow alerts (flows/watch.json) to a real MQTT broker and the SNS peer', function () {
  this.timeout(60_000);
  let broker: Broker;
  let sns: SnsPeer;
  let side: SideSubscriber;

  before(async () => {
    broker = await startBroker(['emotion-pi', 'side-sub']);
    sns = await startSnsPeer();
    side = await sideSubscribe(broker, 'arousal/#');
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await side?.stop();
    await sns?.stop();
    await broker?.dispose();
  });

  afterEach(() => helper.unload());

  it('publishes each episode\'s one alert to arousal/<participant> and by SNS, and nothing in the quiet period', async () => {
    const pi = broker.clients['emotion-pi'];
    const flow = [
      node('emotion-iot-watch-tab'),
      // the shipped arousal watch, with the quiet period of its shipped 10 minutes; everything else as shipped
      { ...node('watch-arousal'), wires: [[], ['watch-mqtt-out', 'watch-sns', 'alerts']] },
      { ...node('watch-mqtt-out'), d: false },
      { ...node('emotion-iot-mqtt-broker'), broker: 'localhost', port: String(broker.port), usetls: true, tls: 'tls', clientid: 'emotion-pi' },
      { id: 'tls', type: 'tls-config', name: '', cert: pi.cert, key: pi.key, ca: broker.caPath, verifyservercert: true, servername: '', alpnprotocol: '' },
      // sns-notify's own minimum interval (wall clock) is off here, so the node's quiet period is what counts
      { ...node('watch-sns'), d: false, intervalSeconds: '0', wires: [['published']] },
      { ...node('emotion-iot-aws-config'), endpoint: sns.peer.endpoint, maxAttempts: '1' },
      { id: 'alerts', type: 'helper', z: 'emotion-iot-watch-tab' },
      { id: 'published', type: 'helper', z: 'emotion-iot-watch-tab' },
    ];
    await helper.load([arousalNode, snsNode, awsConfigNode, core('network/10-mqtt'), core('network/05-tls')] as never, flow as never, {
      'emotion-iot-aws-config': { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
    await until(() => (helper.getNode('emotion-iot-mqtt-broker') as unknown as { connected?: boolean }).connected === true);
    const alerts: NodeMessage[] = [];
    helper.getNode('alerts').on('input', (m: NodeMessage) => alerts.push(m));
    const published: NodeMessage[] = [];
    helper.getNode('published').on('input', (m: NodeMessage) => published.push(m));

    // rises at 400 s (alert), at 900 s (still within 10 min of the first: none), at 1500 s (alert)
    for (const record of session(1800, [[400, 700], [900, 1000], [1500, 1800]])) {
      helper.getNode('watch-arousal').receive({ payload: record } as NodeMessage);
    }
    await until(() => published.length >= 2 && side.lines.length >= 2);
    await new Promise((r) => setTimeout(r, 500)); // nothing else arrives
    assert.equal(alerts.length, 2);
    const [first, second] = alerts.map((m) => m.payload as { timestamp: number; text: string });
    assert.ok(second.timestamp - first.timestamp >= 600_000);

    assert.equal(side.lines.length, 2);
    const [topic, json] = [side.lines[0].slice(0, side.lines[0].indexOf(' ')), side.lines[0].slice(side.lines[0].indexOf(' ') + 1)];
    assert.equal(topic, 'arousal/Ana');
    assert.deepEqual(JSON.parse(json), { ...(alerts[0].payload as object) });
    assert.equal((JSON.parse(json) as { text: string }).text, 'arousal rising for 1 min');

    const messages = sns.publishes().map((f) => [f.get('Message'), f.get('Subject')]);
    assert.deepEqual(messages, [
      [`Ana: arousal rising for 1 min (${new Date(first.timestamp).toISOString().slice(0, 16).replace('T', ' ')} UTC)`, 'Arousal watch: Ana'],
      [`Ana: ${second.text} (${new Date(second.timestamp).toISOString().slice(0, 16).replace('T', ' ')} UTC)`, 'Arousal watch: Ana'],
    ]);
  });
});
