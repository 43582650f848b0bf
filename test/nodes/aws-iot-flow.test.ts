// The shipped flows/aws-iot.json: safe to import (nothing connects until the user sets the broker), and
// once pointed at a broker and enabled, records reach iotsensors/train and answers make the round trip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { startBroker, sideSubscribe, type Broker } from '../support/mosquitto';
import brokerNode = require('../../nodes/aws-iot-broker/aws-iot-broker');
import inNode = require('../../nodes/aws-iot-in/aws-iot-in');
import outNode = require('../../nodes/aws-iot-out/aws-iot-out');

type FlowNode = { id: string; type: string; d?: boolean; [key: string]: unknown };
const core = (file: string) => require(join(require.resolve('node-red/package.json'), '..', '..', '@node-red/nodes/core', file));
const nodes = [brokerNode, inNode, outNode, core('common/20-inject.js'), core('common/60-link.js'), core('common/90-comment.js'),
  core('common/21-debug.js'), core('function/15-change.js')];

function shipped(): FlowNode[] {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'aws-iot.json'), 'utf8'));
}

describe('flows/aws-iot.json', () => {
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

  it('ships the in/out nodes disabled and the broker with a placeholder endpoint', () => {
    const flow = shipped();
    const iot = flow.filter((n) => n.type === 'aws-iot-in' || n.type === 'aws-iot-out');
    assert.equal(iot.length, 3);
    assert.ok(iot.every((n) => n.d === true), 'every aws-iot in/out node is disabled');
    const cfg = flow.find((n) => n.type === 'aws-iot-broker')!;
    assert.match(String(cfg.host), /^x+-ats\.iot\./);
    assert.deepEqual(iot.map((n) => n.topic).sort(), ['infer/result', 'infer/result', 'train']);
    assert.equal(cfg.topicPrefix, 'iotsensors');
  });

  it('sends records to iotsensors/train and brings answers back from iotsensors/infer/result once enabled', async () => {
    const me = broker.clients['emotion-pi'];
    const flow = shipped().map((n) => {
      const copy = { ...n };
      if (copy.type === 'aws-iot-in' || copy.type === 'aws-iot-out') delete copy.d;
      if (copy.type === 'aws-iot-broker') {
        Object.assign(copy, { host: 'localhost', port: String(broker.port), certPath: me.cert, keyPath: me.key, caPath: broker.caPath,
          minReconnectDelay: '100', maxReconnectDelay: '400' });
      }
      if (copy.id === 'awsiot-debug-result') Object.assign(copy, { type: 'helper' });
      return copy;
    });
    const side = await sideSubscribe(broker, 'iotsensors/#');
    try {
      await helper.load(nodes, flow);
      const answers: NodeMessage[] = [];
      helper.getNode('awsiot-debug-result').on('input', (m: NodeMessage) => answers.push(m));
      (helper.getNode('awsiot-sample') as Node & { receive(m: NodeMessage): void }).receive({});
      (helper.getNode('awsiot-answers-in') as Node & { receive(m: NodeMessage): void }).receive({
        payload: 'happy', participant: 'p1', emotion: { label: 'happy', index: 1, confidence: 0.91 },
      } as NodeMessage);
      const lines = await side.waitFor(2);
      const train = lines.find((l) => l.startsWith('iotsensors/train '))!;
      const record = JSON.parse(train.slice('iotsensors/train '.length));
      assert.deepEqual(Object.keys(record).sort(), ['bpm', 'gsr', 'mood', 'participant', 'session', 'timestamp']);
      for (let i = 0; i < 100 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(answers[0]?.topic, 'iotsensors/infer/result');
      const answer = answers[0].payload as Record<string, unknown>;
      assert.deepEqual({ ...answer, timestamp: 0 }, { label: 'happy', index: 1, confidence: 0.91, participant: 'p1', timestamp: 0 });
    } finally {
      await side.stop();
    }
  });
});
