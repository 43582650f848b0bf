// The inference Lambda's handler with the real SageMaker runtime, IoT data-plane and SNS clients
// against loopback peers: what the device receives on its result topic in every case.
import assert from 'node:assert/strict';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SNSClient } from '@aws-sdk/client-sns';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createParticipantCheck } from '../../cloud/lambda/device-participants';
import { createInferHandler, type InferDeps, type InferEvent } from '../../cloud/lambda/infer-handler';
import { ECHO_LIMITS } from '../../cloud/lambda/echo';
import { participantsAttribute } from '../../cloud/lib/participant-list';
import { RECOMMENDED_FEATURES, windowFeatures, type FeatureSetName } from '../../src/signal/window-features';
import { iotFaults, REGION, startIotPeer, type IotPeer } from '../support/iot-peer';
import { predictions, sageMakerFaults, startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';
import { snsFault, startSnsPeer, type SnsPeer } from '../support/sns-peer';
import type { NodeMessage } from 'node-red';
import { helper, withTempUserDir } from '../support/node-red';
import inferNode = require('../../nodes/emotion-infer/emotion-infer');
import awsConfigNode = require('../../nodes/aws-config/aws-config');

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:emotion-emotion';
const request: InferEvent = { participant: 'Ana', gsr: 2.5, bpm: 72.3, requestId: 'req-1', thing: 'pi-kitchen' };

describe('inference Lambda handler (iotsensors/infer)', function () {
  this.timeout(20000);
  let sm: SageMakerPeer;
  let iot: IotPeer;
  let sns: SnsPeer;
  let logs: string[];
  let clients: { destroy(): void }[];

  beforeEach(async () => {
    [sm, iot, sns] = await Promise.all([startSageMakerPeer(), startIotPeer(), startSnsPeer()]);
    logs = [];
    clients = [];
    // the Pi as cloud:device provisioned it: for Ana and Zoe Smith
    iot.things.set('pi-kitchen', { principals: [], attributes: { participants: participantsAttribute(['Ana', 'Zoe Smith']) } });
  });
  afterEach(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([sm.stop(), iot.stop(), sns.stop()]);
  });

  function handler(opts: { sagemakerAttempts?: number; notify?: boolean; threshold?: number; timeoutMs?: number; waitMs?: number; anyone?: boolean; featureSet?: FeatureSetName } = {}) {
    const sagemaker = new SageMakerRuntimeClient({ endpoint: sm.peer.endpoint, region: REGION, credentials, maxAttempts: opts.sagemakerAttempts ?? 1 });
    const iotData = new IoTDataPlaneClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const iotControl = new IoTClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const snsClient = new SNSClient({ endpoint: sns.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    clients.push(sagemaker, iotData, iotControl, snsClient);
    const deps: InferDeps = {
      sagemaker,
      iotData,
      sns: opts.notify === false ? undefined : { client: snsClient, topicArn: TOPIC_ARN },
      endpointPrefix: 'emotion',
      labels: ['angry', 'happy', 'sad'],
      featureSet: opts.featureSet,
      threshold: opts.threshold ?? 0,
      timeoutMs: opts.timeoutMs ?? 2000,
      waitMs: opts.waitMs ?? 2000,
      mayAsk: opts.anyone ? async () => ({ allowed: true as const }) : createParticipantCheck(iotControl),
      log: (line) => logs.push(line),
    };
    return createInferHandler(deps);
  }

  function published() {
    const all = iot.publishes();
    assert.equal(all.length, 1, 'one answer per request');
    return { ...all[0], body: JSON.parse(all[0].payload) as Record<string, unknown> };
  }

  it('asks the participant\'s endpoint and publishes msg.emotion to the device\'s own result topic, and to SNS', async () => {
    sm.answer = () => predictions([0.1, 0.2, 0.7], 2.0);
    await handler()(request);
    assert.deepEqual(sm.invocations(), [{ endpoint: participantEndpointName('emotion', 'Ana'), contentType: 'text/csv', accept: 'application/json', body: '2.5,72.3' }]);
    const { topic, qos, body } = published();
    assert.equal(topic, 'iotsensors/infer/result/pi-kitchen');
    assert.equal(qos, 1);
    assert.deepEqual(Object.keys(body).sort(), ['confidence', 'features', 'guess', 'index', 'label', 'latencyMs', 'model', 'participant', 'requestId', 'scores', 'source', 'timestamp']);
    assert.deepEqual(
      { label: body.label, index: body.index, guess: body.guess, scores: body.scores, confidence: body.confidence, features: body.features, source: body.source, participant: body.participant, requestId: body.requestId },
      { label: 'sad', index: 2, guess: 'sad', scores: { angry: 0.1, happy: 0.2, sad: 0.7 }, confidence: 0.7, features: { gsr: 2.5, bpm: 72.3 }, source: 'sagemaker', participant: 'Ana', requestId: 'req-1' },
    );
    assert.match(String(body.model), new RegExp(`^sagemaker:${participantEndpointName('emotion', 'Ana')}/AllTraffic$`));
    assert.ok(typeof body.latencyMs === 'number' && body.latencyMs >= 0);
    const [form] = sns.publishes();
    assert.equal(form.get('TopicArn'), TOPIC_ARN);
    // the filter attribute a subscription for Ana matches (cloud:notify), the participant's canonical key
    assert.equal(form.get('MessageAttributes.entry.1.Name'), 'participant');
    assert.equal(form.get('MessageAttributes.entry.1.Value.StringValue'), 'ana');
    assert.match(String(form.get('Message')), /^Ana seems sad \(70% sure\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    assert.equal(form.get('Subject'), 'Emotion detector: sad');
  });

  it('answers "uncertain" below the confidence threshold, as emotion-infer does', async () => {
    sm.answer = () => predictions([0.3, 0.4, 0.3], 1);
    await handler({ threshold: 0.6, notify: false })(request);
    const { body } = published();
    assert.deepEqual([body.label, body.index, body.guess], ['uncertain', -1, 'happy']);
  });

  it('publishes a clear error result when the participant has no endpoint (never trained)', async () => {
    const name = participantEndpointName('emotion', 'Zoe Smith');
    sm.peer.inject(sageMakerFaults.noEndpoint(name));
    await handler()({ ...request, participant: 'Zoe Smith' });
    const { topic, body } = published();
    assert.equal(topic, 'iotsensors/infer/result/pi-kitchen');
    assert.deepEqual(body.error, { code: 'NoEndpoint', message: `no model for participant "Zoe Smith": endpoint ${name} does not exist; train one in the cloud first` });
    assert.equal(body.participant, 'Zoe Smith');
    assert.equal(body.requestId, 'req-1');
    assert.equal(sns.publishes().length, 0, 'nobody is told about a non-answer');
    assert.match(logs.join('\n'), /no answer for iotsensors\/infer\/result\/pi-kitchen: no model for participant/);
  });

  it('publishes the endpoint\'s failure (ModelError) as an error result', async () => {
    sm.peer.inject(sageMakerFaults.modelError());
    await handler()(request);
    const { body } = published();
    assert.equal((body.error as { code: string }).code, 'ModelError');
    assert.match((body.error as { message: string }).message, /the model failed \(ModelError: its container answered HTTP 500\)/);
  });

  it('rides out one throttled call with the SDK\'s retry, and reports persistent throttling as an error result', async () => {
    sm.peer.inject(sageMakerFaults.throttling());
    await handler({ sagemakerAttempts: 3, notify: false })(request);
    assert.equal(sm.invocations().length, 2);
    assert.equal(published().body.label, 'happy');

    iot.peer.requests.length = 0;
    sm.peer.inject(sageMakerFaults.throttling(), sageMakerFaults.throttling());
    await handler({ sagemakerAttempts: 2, notify: false })(request);
    const { body } = published();
    assert.equal((body.error as { code: string }).code, 'ThrottlingException');
    assert.match((body.error as { message: string }).message, /is throttling or not ready/);
  });

  it('refuses a request without usable features before calling SageMaker', async () => {
    await handler()({ ...request, bpm: null });
    assert.deepEqual(published().body.error, { code: 'BadRequest', message: 'record has no BPM (is the ear clip on?)' });
    iot.peer.requests.length = 0;
    await handler()({ ...request, participant: '../etc' });
    assert.equal((published().body.error as { code: string }).code, 'BadRequest');
    assert.equal(sm.invocations().length, 0);
  });

  describe('with the stack\'s feature set', () => {
    /** 30 s of a real-looking window: a slow rise with one skin response. */
    const records = Array.from({ length: 30 }, (_, i) => ({ timestamp: 1_700_000_000_000 + i * 1000, gsr: 2.5 + i * 0.004 + (i >= 12 && i < 18 ? 0.05 * (i - 11) : 0), bpm: 72 + (i % 3) }));

    it('computes the recommended features from the device\'s window records and asks the endpoint in the model\'s order', async () => {
      sm.answer = () => predictions([0.1, 0.2, 0.7], 2);
      await handler({ featureSet: 'recommended' })({ ...request, gsr: undefined, bpm: undefined, records });
      const expected = windowFeatures(records, 30);
      const sent = sm.invocations()[0].body.split(',').map(Number);
      assert.equal(sent.length, 6);
      assert.deepEqual(sent, RECOMMENDED_FEATURES.map((name) => expected[name]));
      assert.ok(expected.scrCount! >= 1 && expected.gsrSlope! > 0, 'the window\'s shape is in the request');
      assert.equal(published().body.label, 'sad');
    });

    it('a published stack answers the means of the records, or of a published device\'s { gsr, bpm }', async () => {
      sm.answer = () => predictions([0.1, 0.2, 0.7], 2);
      await handler()({ ...request, records: [{ timestamp: 0, gsr: 2, bpm: 70 }, { timestamp: 1000, gsr: 3, bpm: 74 }] });
      await handler()(request);
      assert.deepEqual(sm.invocations().map((i) => i.body), ['2.5,72', '2.5,72.3']);
    });

    it('refuses, before calling SageMaker, means where the models need records, and a window shorter than theirs', async () => {
      await handler({ featureSet: 'recommended' })(request);
      assert.equal((published().body.error as { code: string }).code, 'BadRequest');
      assert.match((published().body.error as { message: string }).message, /answer 30-s windows of records: send \{ participant, records/);
      iot.peer.requests.length = 0;
      await handler({ featureSet: 'recommended' })({ ...request, records: records.slice(0, 20) });
      assert.match((published().body.error as { message: string }).message, /holds 20 usable records over 19 s; this stack's models learned from 30-s windows \(a record a second\): set the aws-iot tab's DETECT_WINDOW_S to 30/);
      iot.peer.requests.length = 0;
      await handler({ featureSet: 'recommended' })({ ...request, records: records.map((r) => ({ ...r, bpm: null })) });
      assert.match((published().body.error as { message: string }).message, /holds no usable records \(30 unusable, last: record has no BPM \(is the ear clip on\?\)\): check the sensors/);
      assert.equal(sm.invocations().length, 0);
    });

    it('answers a longer window from its last 30 s, as the models learned (not from more skin responses than they saw)', async () => {
      sm.answer = () => predictions([0.1, 0.2, 0.7], 2);
      const earlier = records.map((r) => ({ ...r, timestamp: r.timestamp - 30_000, gsr: r.gsr - 0.2 }));
      await handler({ featureSet: 'recommended' })({ ...request, records: [...records, ...earlier].reverse() });
      const expected = windowFeatures(records, 30);
      assert.deepEqual(sm.invocations()[0].body.split(',').map(Number), RECOMMENDED_FEATURES.map((name) => expected[name]));
    });
  });

  it('echoes every field of a request short in its error result, whatever its size', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    await handler()({ ...request, participant: `Ann ${huge}`, requestId: huge, gsr: huge as unknown as number });
    const { payload, body } = published();
    assert.ok(payload.length < 2000, `the reply holds ${payload.length} bytes`);
    assert.equal((body.error as { code: string }).code, 'BadRequest');
    assert.equal(body.participant, `Ann ${'x'.repeat(ECHO_LIMITS.participant - 5)}…`);
    assert.equal([...String(body.requestId)].length, ECHO_LIMITS.requestId);
    assert.ok((body.error as { message: string }).message.length <= ECHO_LIMITS.message);
    assert.ok(logs.every((l) => l.length < 1000), 'and the log');
  });

  it('fails the invocation when the answer cannot be published, so Lambda retries it', async () => {
    iot.peer.inject(iotFaults.throttled()); // the data plane's only request here is the Publish
    await assert.rejects(handler({ notify: false, anyone: true })(request), (e: Error) => e.name === 'ThrottlingException');
  });

  it('still answers the device when SNS refuses, and logs why', async () => {
    sns.peer.inject(snsFault(403, 'AuthorizationError', 'not allowed'));
    await handler()(request);
    assert.equal(published().body.label, 'happy');
    assert.match(logs.join('\n'), /answer for Ana not sent by SNS: not allowed to publish/);
  });

  it('refuses a participant the device was not provisioned for, before calling SageMaker, and logs it', async () => {
    await handler()({ ...request, participant: 'Ben' });
    const { topic, body } = published();
    assert.equal(topic, 'iotsensors/infer/result/pi-kitchen', 'the asking device hears why');
    assert.deepEqual(body.error, { code: 'NotPermitted', message: 'device "pi-kitchen" is not provisioned for participant "Ben": add them with npm run cloud:device -- pi-kitchen --set-participants <names>' });
    assert.equal(sm.invocations().length, 0);
    assert.equal(sns.publishes().length, 0);
    assert.deepEqual(JSON.parse(logs.find((l) => l.startsWith('{"refused"'))!), { refused: 'detection', thing: 'pi-kitchen', participant: 'Ben', reason: (body.error as { message: string }).message });
    // one person however typed: "ANA" is Ana
    iot.peer.requests.length = 0;
    await handler()({ ...request, participant: 'ANA' });
    assert.equal(published().body.label, 'happy');
  });

  it('refuses every participant for a thing without a participant list, or an unknown thing', async () => {
    iot.things.set('old-pi', { principals: [], attributes: {} });
    await handler()({ ...request, thing: 'old-pi' });
    assert.match(String((published().body.error as { message: string }).message), /device "old-pi" has no participant list: give it one with npm run cloud:device -- old-pi --set-participants/);
    iot.peer.requests.length = 0;
    await handler()({ ...request, thing: 'stranger' });
    assert.equal((published().body.error as { code: string }).code, 'NotPermitted');
    assert.equal(sm.invocations().length, 0);
  });

  it('through a cold start: tells the device "warming up", then publishes the answer, without a second request', async () => {
    sm.coldStart = { idleMs: 60_000, startMs: 1200, mode: 'hold' };
    await handler({ timeoutMs: 300, waitMs: 8000, notify: false })(request);
    const all = iot.publishes().map((p) => ({ topic: p.topic, body: JSON.parse(p.payload) as Record<string, unknown> }));
    assert.equal(all.length, 2);
    assert.deepEqual(all.map((p) => p.topic), ['iotsensors/infer/result/pi-kitchen', 'iotsensors/infer/result/pi-kitchen']);
    assert.equal(all[0].body.status, 'warming-up');
    assert.equal(all[0].body.requestId, 'req-1');
    assert.match(String(all[0].body.message), /the answer follows within 8 s/);
    assert.equal(all[1].body.label, 'happy');
    assert.equal(sm.invocations().length, 1);
  });

  it('never waits past the function\'s own time: the wait ends early enough to publish why', async () => {
    sm.coldStart = { idleMs: 60_000, startMs: 5000, mode: 'hold' };
    const t0 = Date.now();
    await handler({ timeoutMs: 300, waitMs: 60_000, notify: false })(request, { getRemainingTimeInMillis: () => 11_500 });
    const last = JSON.parse(iot.publishes().at(-1)!.payload) as { error: { code: string; message: string } };
    assert.equal(last.error.code, 'TimeoutError');
    assert.match(last.error.message, /did not answer within 1500 ms, a cold start included/);
    assert.ok(Date.now() - t0 < 4000);
  });

  it('refuses an event without a valid thing name: there is nowhere to answer', async () => {
    await assert.rejects(handler()({ ...request, thing: 'a/b' }), /not a thing name/);
    assert.equal(iot.publishes().length, 0);
  });
});

describe('inference Lambda and the emotion-infer node: one answer', function () {
  this.timeout(20000);
  withTempUserDir('infer-lambda-node-');
  let sm: SageMakerPeer;
  let iot: IotPeer;
  before(async () => {
    [sm, iot] = await Promise.all([startSageMakerPeer(), startIotPeer()]);
    sm.answer = () => predictions([0.15, 0.6, 0.25], 1);
  });
  after(async () => {
    await helper.unload();
    await Promise.all([sm.stop(), iot.stop()]);
  });

  it('publishes exactly the msg.emotion the node emits for the same endpoint and window means', async () => {
    const endpoint = participantEndpointName('emotion', 'Ana');
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'awsconf', type: 'emotion-aws-config', region: REGION, endpoint: sm.peer.endpoint, maxAttempts: '1' },
      {
        id: 'infer', z: 'tab', type: 'emotion-infer', mode: 'each', windowSeconds: '10', participant: 'Ana', labels: 'angry,happy,sad', threshold: '0.5',
        backend: 'sagemaker', aws: 'awsconf', endpoint, contentType: 'text/csv', timeoutMs: '2000', fallback: false, wires: [['out']],
      },
      { id: 'out', z: 'tab', type: 'helper' },
    ];
    await helper.load([inferNode, awsConfigNode], flow, { awsconf: credentials });
    const fromNode = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out').once('input', (m: NodeMessage & { emotion: Record<string, unknown> }) => resolve(m.emotion)));
    helper.getNode('infer').receive({ payload: { gsr: 2.5, bpm: 72.3 } } as NodeMessage);
    const nodeEmotion = await fromNode;

    const sagemaker = new SageMakerRuntimeClient({ endpoint: sm.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const iotData = new IoTDataPlaneClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    try {
      const allowAll = async () => ({ allowed: true as const });
      await createInferHandler({ sagemaker, iotData, endpointPrefix: 'emotion', labels: ['angry', 'happy', 'sad'], threshold: 0.5, timeoutMs: 2000, waitMs: 2000, mayAsk: allowAll, log: () => {} })(request);
    } finally {
      sagemaker.destroy();
      iotData.destroy();
    }
    const lambdaEmotion = JSON.parse(iot.publishes()[0].payload) as Record<string, unknown>;
    const comparable = ({ latencyMs: _l, timestamp: _t, requestId: _r, ...rest }: Record<string, unknown>) => rest;
    assert.deepEqual(comparable(lambdaEmotion), comparable(nodeEmotion));
    assert.deepEqual(Object.keys(lambdaEmotion).sort(), [...Object.keys(nodeEmotion), 'requestId'].sort());
  });
});
