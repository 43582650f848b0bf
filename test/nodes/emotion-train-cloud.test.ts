import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { RECOMMENDED_FEATURES } from '../../src/signal/window-features';
import { helper, withTempUserDir } from '../support/node-red';
import { SfnPeer } from '../support/sfn-peer';
import { nextMsg } from '../support/probes';
import emotionTrainNode = require('../../nodes/emotion-train/emotion-train');
import awsConfigNode = require('../../nodes/aws-config/aws-config');

type Msg = NodeMessage & Record<string, unknown>;

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:emotion-training';

describe('emotion-train node with the cloud backend', () => {
  withTempUserDir('emotion-train-cloud-');
  let sfn: SfnPeer;
  before(async () => {
    sfn = await SfnPeer.start();
    sfn.stateMachines.add(ARN);
  });
  after(() => sfn.stop());
  beforeEach(() => {
    sfn.peer.requests.length = 0;
  });
  afterEach(() => helper.unload());

  const load = (config: Record<string, unknown> = {}) => {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sfn.endpoint, maxAttempts: '1' },
      {
        id: 'train', type: 'emotion-train', z: 'tab', participant: '', labels: 'sad,angry,happy', warmupSeconds: '5', testFraction: '0.25', seed: '3',
        l2: '', smote: 'auto', maxIterations: '', backend: 'cloud', aws: 'awsconf', stateMachineArn: ARN, endpointPrefix: '', pollSeconds: '0.1',
        wires: [['out'], ['progress']], ...config,
      },
      { id: 'out', type: 'helper', z: 'tab' },
      { id: 'progress', type: 'helper', z: 'tab' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ];
    return helper.load([emotionTrainNode, awsConfigNode], flow, { awsconf: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'secret' } });
  };
  const send = (msg: Record<string, unknown>) => helper.getNode('train').receive(msg as NodeMessage);

  it('starts the workflow for the participant, reports each stage with elapsed time, and ends with the metrics and endpoint', async () => {
    const endpointName = participantEndpointName('emotion', 'Ana');
    sfn.script = () => ({
      states: [
        { name: S.prepare, afterMs: 0 },
        { name: S.train, afterMs: 500 },
        { name: S.waitEndpoint, afterMs: 1000 },
      ],
      endAfterMs: 1500,
      end: {
        status: 'SUCCEEDED',
        output: { participant: 'Ana', endpointName, trainingJobName: 'job-1', evaluation: { confusion: [[3, 1, 0], [0, 4, 0], [0, 0, 4]] }, rows: { train: 36, validation: 12 } },
      },
    });
    await load();
    const progress: Msg[] = [];
    helper.getNode('progress').on('input', (m: Msg) => progress.push(m));
    const out = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana', payload: 'train' });
    const msg = await out;

    const input = JSON.parse(sfn.executions.at(-1)!.input) as Record<string, unknown>;
    // a flow saved before Features and Window: the published set over 10 s, as the workflow trained it then
    assert.deepEqual(input, { participant: 'Ana', endpointName, labels: ['sad', 'angry', 'happy'], warmupSeconds: 5, testFraction: 0.25, seed: 3, features: ['gsr', 'bpm'], windowSeconds: 10 });
    const metrics = msg.payload as { accuracy: number; labels: string[]; perClass: { label: string; recall: number }[] };
    assert.equal(metrics.accuracy, 11 / 12);
    assert.deepEqual(metrics.labels, ['sad', 'angry', 'happy']);
    assert.deepEqual(metrics.perClass.map((c) => [c.label, c.recall]), [['sad', 0.75], ['angry', 1], ['happy', 1]]);
    const model = msg.model as Record<string, unknown>;
    assert.equal(model.backend, 'cloud');
    assert.equal(model.endpointName, endpointName);
    assert.equal(model.trainingJobName, 'job-1');
    assert.deepEqual([model.features, model.windowSeconds], [['gsr', 'bpm'], 10], 'what emotion-infer must ask the endpoint');

    const stages = progress.map((m) => (m.payload as { stage: string }).stage).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(stages, ['queued', 'preparing', 'training', 'deploying', 'ready']);
    const last = progress.at(-1)!;
    assert.equal(last.topic, 'progress');
    assert.match(String((last.payload as { elapsed: string }).elapsed), /^[1-9] s$/);
    assert.ok((last.payload as { elapsedMs: number }).elapsedMs >= 1500);
    const status = (helper.getNode('train') as unknown as { status: { args: [{ text: string }][] } }).status;
    const texts = status.args.map((a) => a[0].text);
    assert.ok(texts.some((t) => /^training \d+ s$/.test(t)), texts.join(' | '));
    assert.equal(texts.at(-1), 'Ana: 91.7% accuracy (cloud)');
  });

  it('sends the Features set and its Window with the workflow input, and names what the endpoint learned in msg.model', async () => {
    // a stack of that set: the workflow ends with the features Prepare trained
    const output = { participant: 'Ana', endpointName: participantEndpointName('emotion', 'Ana'), trainingJobName: 'job-2', finalMetrics: [{ MetricName: 'validation:multiclass_accuracy', Value: 0.8 }] };
    sfn.script = (input) => ({
      states: [{ name: S.prepare, afterMs: 0 }],
      endAfterMs: 100,
      end: { status: 'SUCCEEDED', output: { ...output, features: input.features, windowSeconds: input.windowSeconds } },
    });
    const inputOf = async (config: Record<string, unknown>) => {
      await load(config);
      const out = nextMsg<Msg>(helper.getNode('out'));
      send({ participant: 'Ana' });
      const model = (await out).model as Record<string, unknown>;
      await helper.unload();
      const { features, windowSeconds } = JSON.parse(sfn.executions.at(-1)!.input) as Record<string, unknown>;
      assert.deepEqual([model.features, model.windowSeconds], [features, windowSeconds]);
      return { features, windowSeconds };
    };
    assert.deepEqual(await inputOf({ featureSet: 'recommended', windowSeconds: '' }), { features: [...RECOMMENDED_FEATURES], windowSeconds: 30 });
    assert.deepEqual(await inputOf({ featureSet: 'recommended', windowSeconds: '60' }), { features: [...RECOMMENDED_FEATURES], windowSeconds: 60 });
    assert.deepEqual(await inputOf({ featureSet: 'published', windowSeconds: '' }), { features: ['gsr', 'bpm'], windowSeconds: 10 });
  });

  it('a stack deployed before feature sets, asked for the recommended set, says it trained the means and what to do', async () => {
    sfn.script = () => ({
      states: [{ name: S.prepare, afterMs: 0 }],
      endAfterMs: 100,
      end: { status: 'SUCCEEDED', output: { participant: 'Ana', endpointName: participantEndpointName('emotion', 'Ana'), trainingJobName: 'job-3', finalMetrics: [{ MetricName: 'validation:multiclass_accuracy', Value: 0.8 }] } },
    });
    await load({ featureSet: 'recommended', windowSeconds: '' });
    const caught = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Ana' });
    assert.match(((await caught).error as { message: string }).message, /the stack was deployed before feature sets and trained mean GSR and BPM, not gsr, bpm, gsrSlope, gsrPhasic, scrCount, scrSize: deploy the current cloud\/ \(npm run cloud:deploy\), or set Features to published/);
  });

  it('a workflow failure reaches a Catch node with its reason, without the access key id', async () => {
    const message = "no usable 'sad' rows for participant 'Bo' (0 rows were invalid): record some 'sad' data first";
    sfn.script = () => ({
      states: [{ name: S.prepare, afterMs: 0 }],
      endAfterMs: 100,
      end: { status: 'FAILED', error: WORKFLOW_ERRORS.trainingData, cause: JSON.stringify({ errorType: WORKFLOW_ERRORS.trainingData, errorMessage: message }) },
    });
    await load();
    const caught = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Bo' });
    const error = (await caught).error as { message: string; code: string };
    assert.ok(error.message.endsWith(`cloud training of "Bo": ${message}`), error.message);
    assert.equal(error.code, WORKFLOW_ERRORS.trainingData);

    sfn.stateMachines.delete(ARN);
    const again = nextMsg<Msg>(helper.getNode('caught'));
    sfn.peer.inject({ kind: 'status', status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/x with key AKIAABCDEFGHIJKLMNOP is not authorized' }) });
    send({ participant: 'Bo' });
    const denied = (await again).error as { message: string };
    sfn.stateMachines.add(ARN);
    assert.match(denied.message, /not allowed to start or follow the training workflow/);
    assert.doesNotMatch(denied.message, /AKIAABCDEFGHIJKLMNOP/);
  });

  it('refuses a second training while one runs, and a bad workflow ARN or no aws-config up front', async () => {
    sfn.script = () => ({ states: [{ name: S.train, afterMs: 0 }], endAfterMs: 60_000, end: { status: 'SUCCEEDED', output: {} } });
    await load();
    send({ participant: 'Ana' });
    const caught = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Ana' });
    assert.match(String(((await caught).error as { message: string }).message), /already training "Ana"/);
    await helper.unload();

    await load({ stateMachineArn: 'emotion-training' });
    const bad = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Ana' });
    assert.match(String(((await bad).error as { message: string }).message), /give the state machine ARN/);
    await helper.unload();

    await load({ aws: '' });
    const none = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Ana' });
    assert.match(String(((await none).error as { message: string }).message), /no aws-config selected/);
  });
});
