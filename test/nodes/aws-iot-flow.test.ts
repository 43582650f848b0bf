// The shipped flows/aws-iot.json: safe to import (nothing connects until the user sets the broker), and
// once pointed at a broker and enabled, records reach iotsensors/train and answers make the round trip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { startBroker, sideSubscribe, type Broker } from '../support/mosquitto';
import { execFileSync } from 'node:child_process';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { INFER_RULE_SQL } from '../../src/contracts/iot-topics';
import { createInferHandler, type InferEvent } from '../../cloud/lambda/infer-handler';
import { applyRule, parseRule } from '../support/iot-sql';
import { LoopbackPeer } from '../support/loopback-peer';
import { predictions, sageMakerFaults, startSageMakerPeer } from '../support/sagemaker-peer';
import brokerNode = require('../../nodes/aws-iot-broker/aws-iot-broker');
import inNode = require('../../nodes/aws-iot-in/aws-iot-in');
import outNode = require('../../nodes/aws-iot-out/aws-iot-out');

type FlowNode = { id: string; type: string; d?: boolean; [key: string]: unknown };
const core = (file: string) => require(join(require.resolve('node-red/package.json'), '..', '..', '@node-red/nodes/core', file));
const nodes = [brokerNode, inNode, outNode, core('common/20-inject.js'), core('common/60-link.js'), core('common/90-comment.js'),
  core('common/21-debug.js'), core('function/15-change.js'), core('function/10-function.js')];

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
    const iot = flow.filter((n) => n.type === 'emotion-aws-iot-in' || n.type === 'emotion-aws-iot-out');
    assert.equal(iot.length, 5);
    assert.ok(iot.every((n) => n.d === true), 'every aws-iot in/out node is disabled');
    const cfg = flow.find((n) => n.type === 'emotion-aws-iot-broker')!;
    assert.match(String(cfg.host), /^x+-ats\.iot\./);
    // the answers' subscription follows the broker's client id (the thing): two Pis, one flow
    assert.deepEqual(iot.map((n) => n.topic).sort(), ['infer', 'infer/result', 'infer/result', 'infer/result/{thing}', 'train']);
    assert.equal(cfg.topicPrefix, 'iotsensors');
  });

  it('sends records to iotsensors/train and brings answers back from iotsensors/infer/result once enabled', async () => {
    const me = broker.clients['emotion-pi'];
    const flow = shipped().map((n) => {
      const copy = { ...n };
      if (copy.type === 'emotion-aws-iot-in' || copy.type === 'emotion-aws-iot-out') delete copy.d;
      if (copy.type === 'emotion-aws-iot-broker') {
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

  it('takes the Detect round trip through the cloud: the window (records and means) to iotsensors/infer, the Lambda\'s answer back as emotion-infer\'s msg', async function () {
    this.timeout(30000);
    const me = broker.clients['emotion-pi'];
    const flow = shipped().map((n) => {
      const copy = { ...n };
      if (copy.type === 'emotion-aws-iot-in' || copy.type === 'emotion-aws-iot-out') delete copy.d;
      if (copy.type === 'tab') copy.env = [{ name: 'DETECT_WINDOW_S', value: '0.4', type: 'num' }];
      if (copy.type === 'emotion-aws-iot-broker') {
        Object.assign(copy, { host: 'localhost', port: String(broker.port), certPath: me.cert, keyPath: me.key, caPath: broker.caPath,
          minReconnectDelay: '100', maxReconnectDelay: '400' });
      }
      if (copy.id === 'awsiot-debug-answer' || copy.id === 'awsiot-debug-errors' || copy.id === 'awsiot-window-out') Object.assign(copy, { type: 'helper' });
      return copy;
    });
    // The cloud, played by the real handler: the IoT rule (its SQL, with the publisher's client id as
    // thing), the SageMaker runtime peer, and a data-plane peer that publishes to the broker as IoT Core would.
    const sm = await startSageMakerPeer();
    sm.answer = () => predictions([0.1, 0.2, 0.7], 2);
    const side = broker.clients['side-sub'];
    const dataPlane = await LoopbackPeer.start((req) => {
      const topic = decodeURIComponent(new URL(req.url, 'http://peer').pathname.slice('/topics/'.length));
      execFileSync('mosquitto_pub', ['-h', 'localhost', '-p', String(broker.port), '--cafile', broker.caPath, '--cert', side.cert, '--key', side.key,
        '-i', 'cloud-lambda', '-q', '1', '-t', topic, '-s'], { input: req.body });
      return { status: 200, body: '{}' };
    });
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const sagemaker = new SageMakerRuntimeClient({ endpoint: sm.peer.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const iotData = new IoTDataPlaneClient({ endpoint: dataPlane.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    // who may ask for whom is checked in test/cloud/infer-handler.test.ts; this device may ask for anyone
    const mayAsk = async () => ({ allowed: true as const });
    // Ana's endpoint has been idle: its first answer comes after a cold start, announced first ("warming-up")
    sm.coldStart = { idleMs: 60_000, startMs: 800, mode: 'hold' };
    const lambda = createInferHandler({ sagemaker, iotData, endpointPrefix: 'emotion', labels: ['angry', 'happy', 'sad'], threshold: 0, timeoutMs: 200, waitMs: 5000, mayAsk, log: () => {} });
    const rule = await sideSubscribe(broker, 'iotsensors/infer');
    const inferRule = parseRule(INFER_RULE_SQL);
    let handled = 0;
    const invoke = async () => {
      await rule.waitFor(handled + 1, 10000);
      const line = rule.lines[handled++];
      const payload = JSON.parse(line.slice('iotsensors/infer '.length));
      await lambda(applyRule(inferRule, payload, { clientid: 'emotion-pi' }) as InferEvent);
      return payload;
    };
    try {
      await helper.load(nodes, flow);
      const answers: NodeMessage[] = [];
      const errors: NodeMessage[] = [];
      helper.getNode('awsiot-debug-answer').on('input', (m: NodeMessage) => answers.push(m));
      helper.getNode('awsiot-debug-errors').on('input', (m: NodeMessage) => errors.push(m));
      const opened: NodeMessage[] = [];
      helper.getNode('awsiot-window-out').on('input', (m: NodeMessage) => opened.push(m));
      const detect = helper.getNode('awsiot-detect-in') as Node & { receive(m: NodeMessage): void };
      await new Promise((r) => setTimeout(r, 500)); // the broker connection and the result subscription
      detect.receive({ payload: 'start', participant: 'Ana', _client: { socketId: 'tab-ana' } } as NodeMessage);
      detect.receive({ payload: { participant: 'Ana', timestamp: 1000, gsr: 2.4, bpm: 70, session: 's' } } as NodeMessage);
      detect.receive({ payload: { participant: 'Ana', timestamp: 2000, gsr: 2.6, bpm: null, session: 's' } } as NodeMessage); // no contact: not counted
      detect.receive({ payload: { participant: 'Ana', timestamp: 3000, gsr: 2.8, bpm: 74.5, session: 's' } } as NodeMessage);
      for (let i = 0; i < 50 && opened.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      // (JSON: the function node's objects come from its sandbox, another realm)
      assert.deepEqual(JSON.parse(JSON.stringify(opened.map((m) => [m.topic, m.payload, (m as { _client?: object })._client]))), [['window', { participant: 'Ana', seconds: 0.4 }, { socketId: 'tab-ana' }]],
        "as emotion-infer's output 2, on a copy of the start msg: how long the window collects, for the progress bar");
      const sent = await invoke();
      const records = [{ timestamp: 1000, gsr: 2.4, bpm: 70 }, { timestamp: 3000, gsr: 2.8, bpm: 74.5 }];
      assert.deepEqual({ ...sent, requestId: typeof sent.requestId }, { participant: 'Ana', records, gsr: 2.6, bpm: 72.25, requestId: 'string' });
      assert.equal(sm.invocations()[0].endpoint, participantEndpointName('emotion', 'Ana'));
      for (let i = 0; i < 250 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const answer = answers[0] as NodeMessage & { emotion: Record<string, unknown> };
      assert.equal(answer?.payload, 'sad');
      assert.deepEqual(sm.coldStarts(), { [participantEndpointName('emotion', 'Ana')]: 1 }, 'the answer came through a cold start');
      assert.equal(errors.length, 0, 'the "warming-up" notice is not an error, and not an answer');
      assert.equal(answers.length, 1);
      assert.equal(answer.topic, 'iotsensors/infer/result/emotion-pi');
      assert.deepEqual({ ...(answer as { _client?: object })._client }, { socketId: 'tab-ana' }, 'the start msg carried on: only the tab that asked sees the answer');
      assert.deepEqual({ label: answer.emotion.label, confidence: answer.emotion.confidence, features: answer.emotion.features, source: answer.emotion.source, requestId: answer.emotion.requestId },
        { label: 'sad', confidence: 0.7, features: { gsr: 2.6, bpm: 72.25 }, source: 'sagemaker', requestId: sent.requestId });

      sm.peer.inject(sageMakerFaults.noEndpoint(participantEndpointName('emotion', 'Bo')));
      detect.receive({ payload: 'start', participant: 'Bo', _client: { socketId: 'tab-bo' } } as NodeMessage);
      detect.receive({ payload: { participant: 'Bo', gsr: 1.5, bpm: 65, session: 's' } } as NodeMessage);
      await invoke();
      for (let i = 0; i < 250 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(String((errors[0] as NodeMessage & { error: { message: string } })?.error?.message), /^AWS: no model for participant "Bo"/);
      assert.deepEqual({ ...(errors[0] as { _client?: object })._client }, { socketId: 'tab-bo' }, "Bo's error goes to Bo's tab, not to every tab");
      assert.equal(answers.length, 1);
    } finally {
      await rule.stop();
      sagemaker.destroy();
      iotData.destroy();
      await Promise.all([sm.stop(), dataPlane.stop()]);
    }
  });
});
