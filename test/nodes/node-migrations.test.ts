// Flows saved with version 0.1.0, their type names fixed by the README's sed command, in the real Node-RED
// runtime: every node of this package starts from its old settings, and where a migration adds a setting
// (nodes/lib/migrations.ts) the node behaves as it did in 0.1.0. The editor's side of the same migrations
// is checked in test/e2e/editor-flows.test.ts.
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import type { Node, NodeInitializer, NodeMessage } from 'node-red';
import { combineFlows, type FlowNode } from '../../demo/combine-flows';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import type { SensorRecord } from '../../src/record/record';
import { RecordStore } from '../../src/record/record-store';
import { syntheticPulse } from '../../src/signal/synthetic-pulse';
import { flows010Renamed } from '../support/flows-0.1.0';
import { helper, withTempUserDir } from '../support/node-red';
import { predictions, startSageMakerPeer } from '../support/sagemaker-peer';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');
import recordNode = require('../../nodes/sensor-record/sensor-record');
import storeNode = require('../../nodes/record-store/record-store');
import trainNode = require('../../nodes/emotion-train/emotion-train');
import inferNode = require('../../nodes/emotion-infer/emotion-infer');
import awsConfigNode = require('../../nodes/aws-config/aws-config');
import firehoseNode = require('../../nodes/firehose-push/firehose-push');
import snsNode = require('../../nodes/sns-notify/sns-notify');
import brokerNode = require('../../nodes/aws-iot-broker/aws-iot-broker');
import iotInNode = require('../../nodes/aws-iot-in/aws-iot-in');
import iotOutNode = require('../../nodes/aws-iot-out/aws-iot-out');

const nodeModules = [hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, inferNode, awsConfigNode, firehoseNode, snsNode, brokerNode, iotInNode, iotOutNode] as NodeInitializer[];
type Msg = NodeMessage & Record<string, unknown>;

/** Our nodes of the 0.1.0 flows, renamed, on their tabs; wires to other nodes (core, dashboard) cut. */
const old = combineFlows([...flows010Renamed().values()]).filter((n) => n.type === 'tab' || n.type.startsWith('emotion-'));
const ids = new Set(old.map((n) => n.id));
const ours: FlowNode[] = old.map((n) => (n.wires ? { ...n, wires: n.wires.map((port) => port.filter((id) => ids.has(id))) } : n));
const oldNode = (type: string, extra: Record<string, unknown> = {}) => ({ ...ours.find((n) => n.type === type)!, ...extra });

function next(id: string, ms = 5000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message at ${id} within ${ms} ms`)), ms);
    helper.getNode(id).once('input', (msg: Msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

describe('0.1.0 flows in the runtime: node settings migrations', function () {
  this.timeout(20000);
  const userDir = withTempUserDir('emotion-migrations-');
  afterEach(() => helper.unload());

  it('starts every node of the 0.1.0 flows from its old settings, with no settings error', async () => {
    // the AWS nodes stay disabled, as 0.1.0 shipped them: enabled they would reach AWS
    await helper.load(nodeModules as never, ours);
    const enabled = ours.filter((n) => n.type !== 'tab' && !n.d);
    for (const n of enabled) assert.equal((helper.getNode(n.id) as Node | null)?.type, n.type, `${n.id} runs`);
    assert.ok(new Set(enabled.map((n) => n.type)).size >= 10, 'most types run');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the Grove readers sample the simulated hat meanwhile
    // a node with settings it cannot read says so in the log (readSettingsOrFail), as does a failed reading
    const entries = helper.log().args.map((args) => args[0] as { level: number; type?: string; msg: unknown });
    assert.deepEqual(entries.filter((e) => e.level <= 20).map((e) => `${e.type}: ${String(e.msg)}`), []);
  });

  it('pulse-bpm without the Signal setting counts an ear clip pulse, as 0.1.0 did', async () => {
    const ppg = syntheticPulse({ bpm: 72, durationS: 40 }).samples; // an ear clip's pulse, as grove-ear-hr sends it
    const load = (id: string, extra: Record<string, unknown>) => [
      oldNode('emotion-pulse-bpm', { id, z: 'tab', wires: [[`${id}-out`]], ...extra }),
      { id: `${id}-out`, type: 'helper', z: 'tab' },
    ];
    await helper.load(bpmNode, [{ id: 'tab', type: 'tab' }, ...load('old', {}), ...load('pulse', { waveform: 'pulse' }), ...load('ecg', { waveform: 'ecg' })]);
    assert.equal(oldNode('emotion-pulse-bpm').waveform, undefined, 'the 0.1.0 node has no Signal setting');
    const out: Record<string, unknown[]> = { old: [], pulse: [], ecg: [] };
    for (const id of Object.keys(out)) helper.getNode(`${id}-out`).on('input', (m: Msg) => out[id].push(m.payload));
    for (let i = 0; i < ppg.length; i += 100) {
      for (const id of Object.keys(out)) helper.getNode(id).receive({ topic: 'pulse', payload: { t0: 1_700_000_000_000 + i * 10, rateHz: 100, samples: ppg.slice(i, i + 100) } } as NodeMessage);
      await new Promise(setImmediate);
    }
    assert.ok(out.old.filter((bpm) => typeof bpm === 'number').length > 30, 'BPM from the 0.1.0 node');
    assert.deepEqual(out.old, out.pulse, 'the same BPM as a node set to pulse');
    assert.notDeepEqual(out.old, out.ecg, 'and not what the ECG detector makes of it');
  });

  it('emotion-train without the backend setting trains locally, as 0.1.0 did', async () => {
    const records: SensorRecord[] = [];
    let t = 1_764_000_000_000;
    for (const [mood, gsr, bpm] of [['angry', 6, 95], ['happy', 4, 80], ['sad', 2, 65]] as const) {
      for (let i = 0; i < 80; i++) records.push({ participant: 'demo', timestamp: (t += 1000), gsr: gsr + (i % 7) / 10, bpm: bpm + (i % 5), mood, session: `${mood}-${i < 40 ? 1 : 2}`, simulated: true });
    }
    await new RecordStore(userDir()).append(records);
    const statuses: string[] = [];
    await helper.load(trainNode, [{ id: 'tab', type: 'tab' }, oldNode('emotion-train', { id: 'train', z: 'tab', wires: [['out']] }), { id: 'out', type: 'helper', z: 'tab' }]);
    (helper.getNode('train') as unknown as EventEmitter).on('call:status', (call: { args: [{ text?: string }] }) => statuses.push(String(call.args[0].text)));
    const trained = next('out', 15000);
    helper.getNode('train').receive({ participant: 'demo' } as NodeMessage);
    const msg = await trained;
    assert.ok(typeof (msg.model as { path?: string }).path === 'string', 'a local model file');
    assert.ok(statuses.some((s) => /^training \d+ ?%/.test(s)), statuses.join(' | '));
  });

  it("emotion-infer on SageMaker with a blank endpoint asks the participant's endpoint under the stack's default prefix", async () => {
    const sm = await startSageMakerPeer();
    try {
      sm.answer = () => predictions([0.1, 0.8, 0.1], 1);
      const infer = oldNode('emotion-infer', { id: 'infer', z: 'tab', d: false, backend: 'sagemaker', aws: 'aws', endpoint: '', mode: 'each', wires: [['out']] });
      assert.equal(infer.endpointPrefix, undefined, 'the 0.1.0 node has no endpoint prefix');
      await helper.load(
        [inferNode, awsConfigNode] as never,
        [{ id: 'tab', type: 'tab' }, { ...oldNode('emotion-aws-config'), id: 'aws', endpoint: sm.peer.endpoint, maxAttempts: '1' }, infer, { id: 'out', type: 'helper', z: 'tab' }],
        { aws: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
      );
      const out = next('out');
      helper.getNode('infer').receive({ payload: { gsr: 4, bpm: 70 } } as NodeMessage);
      assert.equal((await out).payload, 'happy');
      assert.equal(sm.invocations()[0].endpoint, participantEndpointName('emotion', 'demo'));
    } finally {
      await sm.stop();
    }
  });
});
