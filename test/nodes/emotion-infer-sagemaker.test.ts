import assert from 'node:assert/strict';
import type { NodeMessage, NodeInitializer } from 'node-red';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { RECOMMENDED_FEATURES, windowFeatures } from '../../src/signal/window-features';
import { helper, withTempUserDir } from '../support/node-red';
import { testModel, writeTestModel } from '../support/infer-model';
import { predictions, sageMakerFaults, startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';
import { nextMsg, sleep, watchStatus } from '../support/probes';
import inferNode = require('../../nodes/emotion-infer/emotion-infer');
import awsConfigNode = require('../../nodes/aws-config/aws-config');
const catchNode = require('@node-red/nodes/core/common/25-catch') as NodeInitializer;

type Msg = NodeMessage & { emotion: Record<string, unknown> & { scores: Record<string, number> }; error?: { message: string } };

describe('emotion-infer node with the SageMaker backend', () => {
  const userDir = withTempUserDir('infer-sm-');
  let sm: SageMakerPeer;
  before(async () => {
    writeTestModel(userDir(), testModel('alice'));
    sm = await startSageMakerPeer();
  });
  after(() => sm.stop());
  beforeEach(() => {
    sm.peer.requests.length = 0;
    sm.answer = () => predictions([0.05, 0.9, 0.05], 1);
  });
  afterEach(() => helper.unload());

  const load = (cfg: Record<string, unknown> = {}, maxAttempts = '1') => {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sm.peer.endpoint, maxAttempts },
      {
        id: 'infer', z: 'tab', type: 'emotion-infer', mode: 'window', windowSeconds: '0.1', participant: 'alice', labels: '', threshold: '',
        backend: 'sagemaker', aws: 'awsconf', endpoint: 'emotion-ep', contentType: 'text/csv', timeoutMs: '1000', waitSeconds: '0', fallback: false, wires: [['out'], ['opened']], ...cfg,
      },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'opened', z: 'tab', type: 'helper' },
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
    return helper.load([inferNode, awsConfigNode, catchNode], flow, { awsconf: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  };
  const start = () => {
    const infer = helper.getNode('infer');
    infer.receive({ payload: 'start' } as NodeMessage);
    infer.receive({ payload: { gsr: 4.1234, bpm: 70 } } as NodeMessage);
    infer.receive({ payload: { gsr: 4.2, bpm: 75.5 } } as NodeMessage);
  };

  it('sends the window mean as CSV to the endpoint and maps its answer', async () => {
    await load();
    const out = nextMsg<Msg>('out');
    start();
    const msg = await out;
    assert.equal(msg.payload, 'happy');
    assert.equal(msg.emotion.source, 'sagemaker');
    assert.equal(msg.emotion.model, 'sagemaker:emotion-ep/AllTraffic');
    assert.deepEqual(msg.emotion.scores, { angry: 0.05, happy: 0.9, sad: 0.05 });
    const [inv] = sm.invocations();
    assert.deepEqual(inv, { endpoint: 'emotion-ep', contentType: 'text/csv', accept: 'application/json', body: '4.162,72.75' });
  });

  it('Features "recommended": collects 30 s, then sends the six columns in the set\'s order', async function () {
    this.timeout(45_000);
    await load({ featureSet: 'recommended' }); // the node's own window (0.1 s) gives way to the set's
    const statuses = watchStatus('infer');
    const out = nextMsg<Msg>('out', 40_000);
    const opened = nextMsg<Msg>('opened');
    const t0 = Date.now();
    // 30 s of records, one a second: a slow rise with two skin conductance responses on it
    const records = Array.from({ length: 30 }, (_, i) => ({
      timestamp: 1_764_000_000_000 + i * 1000,
      gsr: 4 + 0.01 * i + (i >= 8 && i < 12 ? 0.15 : 0) + (i >= 20 && i < 24 ? 0.2 : 0),
      bpm: 70 + (i % 4),
    }));
    const infer = helper.getNode('infer');
    infer.receive({ payload: 'start' } as NodeMessage);
    for (const r of records) infer.receive({ payload: r } as NodeMessage);
    assert.deepEqual(statuses[0], { fill: 'blue', shape: 'dot', text: 'collecting 30 s' });
    assert.deepEqual((await opened).payload, { participant: 'alice', seconds: 30 }, 'output 2 tells a progress bar the 30 s');
    await sleep(29_000);
    assert.equal(sm.invocations().length, 0, 'the endpoint is not asked before the 30 s are over');
    const msg = await out;
    assert.ok(Date.now() - t0 >= 29_900, `answered after ${Date.now() - t0} ms`);
    assert.equal(msg.payload, 'happy');
    const [inv] = sm.invocations();
    const expected = windowFeatures(records, 30); // the feature function training uses, on the same 30 s
    const columns = inv.body.split(',').map(Number);
    assert.equal(columns.length, 6, inv.body);
    assert.deepEqual(columns, RECOMMENDED_FEATURES.map((name) => expected[name]), `${inv.body} in the order ${RECOMMENDED_FEATURES.join(',')}`);
    assert.ok(expected.scrCount! >= 1 && expected.gsrSlope! > 0, 'the window has a shape to send');
    assert.deepEqual(RECOMMENDED_FEATURES.map((name) => (msg.emotion.features as Record<string, number>)[name]), columns, 'msg.emotion.features: what the endpoint was asked');
  });

  it('a Features set that is not one is a settings error', async () => {
    await load({ featureSet: 'best' });
    const caught = nextMsg<Msg>('caught');
    start();
    assert.match((await caught).error!.message, /Features must be "published" or "recommended" \(the set the endpoint was trained on\), not "best"/);
    await helper.unload();
    await load({ featureSet: 'best', backend: 'local' }); // the local backend reads the model file's own features
    const out = nextMsg<Msg>('out');
    start();
    assert.equal((await out).emotion.source, 'local');
  });

  it('needs no participant unless the local fallback is on', async () => {
    await load({ participant: '', mode: 'each' });
    const out = nextMsg<Msg>('out');
    helper.getNode('infer').receive({ payload: { gsr: 4, bpm: 70 } } as NodeMessage);
    const msg = await out;
    assert.equal(msg.payload, 'happy');
    assert.equal(msg.emotion.participant, '');
    await helper.unload();
    await load({ participant: '', mode: 'each', fallback: true });
    const caught = nextMsg<Msg>('caught');
    helper.getNode('infer').receive({ payload: { gsr: 4, bpm: 70 } } as NodeMessage);
    assert.match((await caught).error!.message, /no participant/);
  });

  it('with the endpoint blank, asks each participant\'s own endpoint and needs a participant', async () => {
    await load({ participant: '', mode: 'each', endpoint: '', endpointPrefix: 'lab-2' });
    const out = nextMsg<Msg>('out');
    helper.getNode('infer').receive({ payload: { gsr: 4, bpm: 70, participant: 'Bo Li' } } as NodeMessage);
    assert.equal((await out).emotion.model, `sagemaker:${participantEndpointName('lab-2', 'Bo Li')}/AllTraffic`);
    assert.match(sm.invocations()[0].endpoint, /^lab-2-bo-li-[0-9a-f]{24}$/);
    const caught = nextMsg<Msg>('caught');
    helper.getNode('infer').receive({ payload: { gsr: 4, bpm: 70 } } as NodeMessage);
    assert.match((await caught).error!.message, /no participant/);
  });

  it('a ModelError ends the message with a clear error when fallback is off', async () => {
    await load();
    sm.peer.inject(sageMakerFaults.modelError());
    const caught = nextMsg<Msg>('caught');
    start();
    const { error } = (await caught) as Msg & { error: { message: string; code?: string } };
    assert.match(error.message, /SageMaker endpoint "emotion-ep": the model failed \(ModelError/);
    assert.equal(error.code, 'ModelError', 'a Catch flow can switch on msg.error.code');
  });

  it('falls back to the local model on 5xx, marked in source', async () => {
    await load({ fallback: true });
    sm.peer.inject(sageMakerFaults.unavailable());
    const out = nextMsg<Msg>('out');
    start();
    const msg = await out;
    assert.equal(msg.emotion.source, 'local-fallback');
    assert.match(String(msg.emotion.fallbackReason), /HTTP 503/);
    assert.match(String(msg.emotion.model), /alice/);
  });

  it('when the local fallback has no model either, the error names both', async () => {
    await load({ fallback: true, participant: 'nobody' });
    sm.peer.inject(sageMakerFaults.unavailable());
    const caught = nextMsg<Msg>('caught');
    start();
    assert.match((await caught).error!.message, /HTTP 503 .*; the local fallback failed too: no model for participant "nobody" yet/);
  });

  it('does not fall back to a local model of window features over a window it did not learn: the error says why', async () => {
    const wanda = testModel('wanda', {
      features: ['gsr', 'bpm', 'scrCount'],
      standardisation: { mean: [5, 80, 1], std: [2, 10, 1] },
      weights: [[1, 3, 1], [0, 0, 0], [-1, -3, -1]],
      hyperparameters: { windowSeconds: 30 },
    });
    writeTestModel(userDir(), wanda);
    await load({ fallback: true, participant: 'wanda' });
    sm.peer.inject(sageMakerFaults.unavailable());
    const caught = nextMsg<Msg>('caught');
    start();
    assert.match((await caught).error!.message, /HTTP 503 .*; the local fallback failed too: the local model learned 30-s windows, this one was 0\.1 s/);
  });

  it('"each" mode with a set of window features is a settings error: there is no window to compute them over', async () => {
    await load({ mode: 'each', featureSet: 'recommended' });
    const caught = nextMsg<Msg>('caught');
    helper.getNode('infer').receive({ payload: { gsr: 4.1, bpm: 70 } } as NodeMessage);
    assert.match((await caught).error!.message, /the "recommended" features are computed over a 30-s window: set Mode to window, or Features to "published"/);
    assert.equal(sm.invocations().length, 0);
  });

  it('falls back when the endpoint is too slow, after the timeout, not after one timeout per SDK attempt', async () => {
    await load({ fallback: true }, ''); // the SDK's default 3 attempts
    sm.peer.inject({ kind: 'delay', ms: 3000 });
    const out = nextMsg<Msg>('out');
    start();
    const msg = await out;
    assert.equal(msg.emotion.source, 'local-fallback');
    assert.match(String(msg.emotion.fallbackReason), /did not answer within 1000 ms/);
    const latency = msg.emotion.latencyMs as number;
    assert.ok(latency >= 990 && latency < 2000, `answered ${latency} ms after the window closed`);
    assert.equal(sm.peer.requests.length, 1, 'no second attempt after the deadline');
  });

  it('through a cold start: shows "endpoint warming up", then sends the answer without another "start"', async () => {
    await load({ waitSeconds: '10' });
    sm.coldStart = { idleMs: 60_000, startMs: 1500, mode: 'hold' };
    const statuses = watchStatus('infer');
    const texts = () => statuses.map((s) => String(s.text ?? ''));
    try {
      const out = nextMsg<Msg>('out', 5000);
      start();
      const msg = await out;
      assert.equal(msg.payload, 'happy');
      assert.ok(texts().includes('endpoint warming up'), texts().join(' | '));
      assert.ok((msg.emotion.latencyMs as number) >= 1000, 'the answer is the one the warmed-up endpoint gave');
      assert.equal(sm.invocations().length, 1, 'the request in flight was answered, not sent again');
    } finally {
      sm.coldStart = null;
    }
  });

  it('keeps the access key id out of error messages', async () => {
    await load();
    sm.peer.inject({
      kind: 'status',
      status: 403,
      headers: { 'x-amzn-errortype': 'InvalidSignatureException' },
      body: JSON.stringify({ message: 'Signature expired for Credential=AKIDTEST/20261125/eu-west-1/sagemaker/aws4_request' }),
    });
    const caught = nextMsg<Msg>('caught');
    start();
    const text = (await caught).error!.message;
    assert.match(text, /rejected the request \(HTTP 403 InvalidSignatureException\): Signature expired for Credential=\*\*\*\//);
    assert.ok(!text.includes('AKIDTEST'));
  });

  it('without an aws-config the error says what to pick', async () => {
    await load({ aws: '' });
    const caught = nextMsg<Msg>('caught');
    start();
    assert.match((await caught).error!.message, /no aws-config selected/);
  });
});
