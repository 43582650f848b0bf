// The shipped AWS example flow (flows/aws.json) in the Node-RED runtime, its AWS nodes enabled and its
// aws-config pointed at one loopback peer that speaks Firehose, SageMaker runtime, SNS and Step Functions:
// training records reach Firehose, a detection reaches SNS, and "train in the cloud" runs the training
// workflow, with nothing sent to AWS.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { WORKFLOW_STATES } from '../../src/aws/training-workflow';
import { helper } from '../support/node-red';
import { LoopbackPeer } from '../support/loopback-peer';
import { FirehosePeer } from '../support/firehose-peer';
import { startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';
import { SfnPeer } from '../support/sfn-peer';
import { startSnsPeer, type SnsPeer } from '../support/sns-peer';
import awsConfigNode = require('../../nodes/aws-config/aws-config');
import firehosePushNode = require('../../nodes/firehose-push/firehose-push');
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');
import recordNode = require('../../nodes/sensor-record/sensor-record');
import inferNode = require('../../nodes/emotion-infer/emotion-infer');
import snsNode = require('../../nodes/sns-notify/sns-notify');
import trainNode = require('../../nodes/emotion-train/emotion-train');

const injectNode = require('@node-red/nodes/core/common/20-inject') as NodeInitializer;
const changeNode = require('@node-red/nodes/core/function/15-change') as NodeInitializer;
const commentNode = require('@node-red/nodes/core/common/90-comment') as NodeInitializer;

type FlowNode = { id: string; type: string; d?: boolean; [key: string]: unknown };

const until = async (cond: () => boolean, ms = 15000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('AWS example flow (flows/aws.json)', function () {
  this.timeout(30000);
  let dir: string;
  let router: LoopbackPeer;
  let firehose: FirehosePeer;
  let sagemaker: SageMakerPeer;
  let sns: SnsPeer;
  let sfn: SfnPeer;

  before(() => helper.startServer());
  after(() => {
    helper.settings({}); // do not leave this file's (deleted) user dir to the next test file
    return helper.stopServer();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aws-flow-'));
    helper.settings({ userDir: dir });
    [firehose, sagemaker, sns, sfn] = await Promise.all([FirehosePeer.start(), startSageMakerPeer(), startSnsPeer(), SfnPeer.start()]);
    // One endpoint for the config node: route each request to the peer of its service.
    router = await LoopbackPeer.start((req) => {
      if (String(req.headers['x-amz-target']).startsWith('AWSStepFunctions.')) return sfn.peer.handler(req);
      if (req.headers['x-amz-target']) return firehose.peer.handler(req);
      if (req.url.startsWith('/endpoints/')) return sagemaker.peer.handler(req);
      return sns.peer.handler(req);
    });
  });
  afterEach(async () => {
    await helper.unload();
    await Promise.all([router.stop(), firehose.peer.stop(), sagemaker.stop(), sns.stop(), sfn.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const load = async () => {
    const flow = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'aws.json'), 'utf8')) as FlowNode[]).map((n) => {
      const node: FlowNode = { ...n };
      delete node.d; // the AWS nodes ship disabled
      if (node.type === 'emotion-aws-config') node.endpoint = router.endpoint;
      if (node.type === 'debug') node.type = 'helper';
      if (node.type === 'emotion-infer') node.windowSeconds = '1';
      if (node.type === 'emotion-firehose-push') node.maxDelay = '50';
      if (node.type === 'emotion-sensor-record') node.tick = '0.2';
      if (node.type === 'emotion-train') node.pollSeconds = '0.1';
      return node;
    });
    assert.ok(flow.some((n) => n.type === 'emotion-aws-config' && !('credentials' in n)), 'the example holds no credentials');
    const nodes = [injectNode, changeNode, commentNode, awsConfigNode, firehosePushNode, hatNode, gsrNode, earNode];
    await helper.load([...nodes, bpmNode, recordNode, inferNode, snsNode, trainNode], flow, {
      'emotion-iot-aws-config': { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' },
    });
  };
  const collect = (id: string) => {
    const msgs: NodeMessage[] = [];
    helper.getNode(id).on('input', (msg: NodeMessage) => msgs.push(msg));
    return msgs;
  };
  const press = (id: string) => (helper.getNode(id) as unknown as { receive(msg: NodeMessage): void }).receive({});

  it('sends training records to Firehose, and on "detect now" asks SageMaker and publishes to SNS', async () => {
    await load();
    const reports = collect('aws-report');
    const answers = collect('aws-answer');
    const published = collect('aws-published');
    const toInfer = collect('aws-infer');
    press('aws-start-happy');
    // Beat detection needs a few seconds of pulse before records carry a BPM.
    await until(() => toInfer.some((m) => typeof (m.payload as { bpm?: unknown }).bpm === 'number'));
    press('aws-detect');
    await until(() => published.length === 1 && firehose.accepted.length >= 2 && reports.length >= 1);

    const records = firehose.acceptedObjects<{ participant: string; mood: string; gsr: number }>();
    for (const r of records) {
      assert.equal(r.participant, 'demo');
      assert.equal(r.mood, 'happy');
      assert.equal(typeof r.gsr, 'number');
    }
    assert.equal(firehose.calls[0].stream, 'emotion-iot-records');
    assert.deepEqual(Object.keys(reports[0].payload as object), ['sent', 'retried', 'failed', 'spooled', 'lost', 'resent']);

    const invocation = router.requests.find((r) => r.url.startsWith('/endpoints/'))!;
    assert.equal(invocation.url, `/endpoints/${participantEndpointName('emotion', 'demo')}/invocations`, "the participant's endpoint");
    assert.equal(invocation.headers['content-type'], 'text/csv');
    assert.match(invocation.body.toString(), /^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'one CSV row: gsr,bpm');
    assert.equal(answers[0].payload, 'happy');
    const form = new URLSearchParams(router.requests.find((r) => r.body.includes('Action=Publish'))!.body.toString());
    assert.equal(form.get('TopicArn'), 'arn:aws:sns:us-east-1:123456789012:emotion-alerts');
    assert.match(form.get('Message') ?? '', /^demo seems happy \(\d+% sure\) at /);
    assert.ok((published[0].sns as { messageId?: string }).messageId);
  });

  it('"train in the cloud" starts the training workflow for the participant and shows its progress and metrics', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:emotion-iot-training';
    sfn.stateMachines.add(arn);
    const endpointName = participantEndpointName('emotion', 'demo');
    sfn.script = () => ({
      states: [
        { name: WORKFLOW_STATES.prepare, afterMs: 0 },
        { name: WORKFLOW_STATES.train, afterMs: 300 },
        { name: WORKFLOW_STATES.createEndpoint, afterMs: 600 },
      ],
      endAfterMs: 900,
      end: { status: 'SUCCEEDED', output: { participant: 'demo', endpointName, trainingJobName: 'job', evaluation: { confusion: [[2, 0, 0], [0, 2, 0], [0, 1, 1]] } } },
    });
    await load();
    const progress = collect('aws-cloud-progress');
    const metrics = collect('aws-cloud-metrics');
    press('aws-train-cloud-btn');
    await until(() => metrics.length === 1);
    assert.equal(JSON.parse(sfn.executions[0].input).participant, 'demo');
    assert.equal((metrics[0].payload as { accuracy: number }).accuracy, 5 / 6);
    assert.equal((metrics[0] as NodeMessage & { model: { endpointName: string } }).model.endpointName, endpointName);
    assert.deepEqual([...new Set(progress.map((m) => (m.payload as { stage: string }).stage))], ['queued', 'preparing', 'training', 'deploying', 'ready']);
  });
});
