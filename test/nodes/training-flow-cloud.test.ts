// The shipped training page (flows/training.json) with emotion-train switched to the cloud backend: its
// "Train model" button starts the training workflow (a loopback Step Functions peer), the page's training
// state line shows each stage with the elapsed time, and the metrics panel gets the cloud metrics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { helper, withTempUserDir } from '../support/node-red';
import { SfnPeer } from '../support/sfn-peer';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');
import recordNode = require('../../nodes/sensor-record/sensor-record');
import storeNode = require('../../nodes/record-store/record-store');
import trainNode = require('../../nodes/emotion-train/emotion-train');
import awsConfigNode = require('../../nodes/aws-config/aws-config');

const core = (path: string) => require(`@node-red/nodes/core/${path}`) as NodeInitializer;
const coreNodes = ['common/20-inject', 'common/25-catch', 'common/25-status', 'common/90-comment', 'function/10-function', 'function/10-switch', 'function/15-change', 'function/89-delay'].map(core);
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:emotion-training';

type FlowNode = { id: string; type: string; [key: string]: unknown };

describe('training page with the cloud backend (flows/training.json)', function () {
  this.timeout(30000);
  withTempUserDir('emotion-training-cloud-');
  let sfn: SfnPeer;
  before(async () => {
    sfn = await SfnPeer.start();
    sfn.stateMachines.add(ARN);
  });
  after(async () => {
    await helper.unload();
    await sfn.stop();
  });

  it('"Train model" trains in the account, showing stage and elapsed time, then the metrics', async () => {
    const endpointName = participantEndpointName('emotion', 'demo');
    sfn.script = () => ({
      states: [
        { name: S.prepare, afterMs: 0 },
        // each stage lasts over a second of 0.1 s polls, so a loaded machine still sees every one
        { name: S.train, afterMs: 400 },
        { name: S.createEndpoint, afterMs: 1600 },
      ],
      endAfterMs: 2800,
      end: { status: 'SUCCEEDED', output: { participant: 'demo', endpointName, trainingJobName: 'job', evaluation: { confusion: [[5, 1, 0], [0, 6, 0], [0, 1, 5]] } } },
    });
    const flow = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'training.json'), 'utf8')) as FlowNode[])
      .filter((n) => !['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'emotion-aws-iot-broker'].includes(n.type))
      .map((n) => (n.type.startsWith('ui-') || n.type.startsWith('emotion-aws-iot-') ? { id: n.id, type: 'helper', z: n.z, wires: n.wires } : n))
      .map((n) => (n.id === 'training-train' ? { ...n, backend: 'cloud', aws: 'awsconf', stateMachineArn: ARN, endpointPrefix: 'emotion', pollSeconds: '0.1' } : n));
    flow.push({ id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sfn.endpoint, maxAttempts: '1' });
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, awsConfigNode, ...coreNodes] as never, flow, {
      awsconf: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
    const states: string[] = [];
    helper.getNode('training-train-state').on('input', (m: NodeMessage) => states.push(String(m.payload)));
    // choosing a participant first clears the panel and shows the (absent) model card: wait for metrics
    const metrics = new Promise<NodeMessage>((resolve) =>
      helper.getNode('training-metrics').on('input', (m: NodeMessage) => (m.payload as { accuracy?: number } | null)?.accuracy !== undefined && resolve(m)),
    );
    const tab = { _client: { socketId: 'tab-0' } }; // the browser tab the page answers
    helper.getNode('training-participant').send({ topic: 'participant', payload: 'demo', ...tab }); // typed on the page
    await new Promise((r) => setTimeout(r, 100));
    helper.getNode('training-train-button').send({ payload: 'train', topic: 'train', ...tab });
    const shown = (await metrics).payload as { accuracy: number; perClass: { label: string }[] };
    assert.equal(shown.accuracy, 16 / 18);
    assert.deepEqual(shown.perClass.map((c) => c.label), ['angry', 'happy', 'sad'], 'the metrics panel gets its per-class rows');
    assert.equal(JSON.parse(sfn.executions[0].input).participant, 'demo');
    const stages = states.map((s) => s.split(' ')[0]).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(stages.slice(0, 4), ['queued', 'preparing', 'training', 'deploying'], states.join(' | '));
    assert.ok(states.some((s) => /^training \d+ s$/.test(s)), states.join(' | '));
    // the status reaches the page through a status node, just after the metrics
    for (let i = 0; i < 50 && !states.at(-1)?.startsWith('demo:'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(states.at(-1), 'demo: 88.9% accuracy (cloud)');
  });
});
