import assert from 'node:assert/strict';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createSageMakerBackend, checkEndpointName } from '../../src/aws/sagemaker-backend';
import { encodeRequest, parseContentType, parseResponse } from '../../src/aws/sagemaker-format';
import { predictions, sageMakerFaults, startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';

describe('aws sagemaker: wire format', () => {
  it('encodes one CSV row (no header) or the JSON instances form, 3 decimals', () => {
    assert.equal(encodeRequest([4.56789, 72], ['gsr', 'bpm'], 'text/csv'), '4.568,72');
    assert.equal(encodeRequest([4.56789, 72], ['gsr', 'bpm'], 'application/json'), '{"instances":[{"features":[4.568,72]}]}');
  });
  it('sends the window\'s shape features as computed: 3 decimals would erase a slow slope', () => {
    const names = ['gsr', 'bpm', 'gsrSlope', 'scrCount'];
    assert.equal(encodeRequest([4.56789, 72.00049, 0.000412345, 2], names, 'text/csv'), '4.568,72,0.000412345,2');
  });
  it('accepts only the two content types the Linear Learner takes', () => {
    assert.equal(parseContentType(''), 'text/csv');
    assert.throws(() => parseContentType('application/x-recordio-protobuf'), /text\/csv or application\/json/);
  });
  it('parses the multiclass answer, with an integer or float predicted_label', () => {
    assert.deepEqual(parseResponse('{"predictions":[{"score":[0.1,0.7,0.2],"predicted_label":1}]}', 3), { scores: [0.1, 0.7, 0.2], index: 1 });
    assert.equal(parseResponse('{"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":2.0}]}', 3).index, 2);
  });
  it('rejects answers that do not fit the labels', () => {
    assert.throws(() => parseResponse('<html>', 3), /not JSON/);
    assert.throws(() => parseResponse('{"predictions":[]}', 3), /no predictions\[0\]/);
    assert.throws(() => parseResponse('{"predictions":[{"score":0.4,"predicted_label":0}]}', 3), /multiclass_classifier/);
    assert.throws(() => parseResponse('{"predictions":[{"score":[0.5,0.5],"predicted_label":0}]}', 3), /2 class scores, expected 3/);
    assert.throws(() => parseResponse('{"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":3}]}', 3), /not a class index 0..2/);
    assert.throws(() => parseResponse('{"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":1.5}]}', 3), /not a class index/);
  });
  it('checks endpoint names', () => {
    assert.equal(checkEndpointName('linear-learner-ep'), 'linear-learner-ep');
    assert.throws(() => checkEndpointName(''), /not valid/);
    assert.throws(() => checkEndpointName('a/../b'), /not valid/);
  });
});

describe('aws sagemaker: real client against the loopback peer', () => {
  let sm: SageMakerPeer;
  let client: SageMakerRuntimeClient;
  const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
  before(async () => {
    sm = await startSageMakerPeer();
    client = new SageMakerRuntimeClient({ region: 'eu-west-1', credentials, endpoint: sm.peer.endpoint, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await sm.stop();
  });
  beforeEach(() => {
    sm.peer.requests.length = 0;
    sm.answer = () => predictions([0.05, 0.9, 0.05], 1);
  });

  const backend = (contentType: 'text/csv' | 'application/json' = 'text/csv') =>
    createSageMakerBackend(client, { endpointName: 'emotion-ep', contentType, featureSet: 'published', numClasses: 3, timeoutMs: 300 });

  it('POSTs the CSV row to /endpoints/{name}/invocations, signed, and maps the answer', async () => {
    const p = await backend().predict([4.56789, 72.0004]);
    assert.deepEqual(p, { scores: [0.05, 0.9, 0.05], index: 1, model: 'sagemaker:emotion-ep/AllTraffic' });
    const [req] = sm.peer.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/endpoints/emotion-ep/invocations');
    assert.match(String(req.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/sagemaker\/aws4_request/);
    assert.equal(req.headers['content-type'], 'text/csv');
    assert.equal(req.headers.accept, 'application/json');
    assert.deepEqual(req.body, Buffer.from('4.568,72', 'utf8'));
  });
  it('sends the JSON form when asked', async () => {
    await backend('application/json').predict([3, 81.25]);
    const [inv] = sm.invocations();
    assert.equal(inv.contentType, 'application/json');
    assert.equal(inv.body, '{"instances":[{"features":[3,81.25]}]}');
  });
  it('accepts predicted_label written as a float (1.0)', async () => {
    sm.answer = () => predictions([0.2, 0.1, 0.7], '2.0');
    assert.equal((await backend().predict([1, 60])).index, 2);
  });
  it('an out-of-range predicted_label is an error, not a wrong label', async () => {
    sm.answer = () => predictions([0.2, 0.1, 0.7], 7);
    await assert.rejects(backend().predict([1, 60]), /predicted_label 7 is not a class index 0..2/);
  });
  it('ModelError (424) names the model failure, without retrying', async () => {
    sm.peer.inject(sageMakerFaults.modelError());
    await assert.rejects(backend().predict([1, 60]), (e: Error) => {
      assert.equal(e.name, 'ModelError');
      assert.match(e.message, /SageMaker endpoint "emotion-ep": the model failed \(ModelError: its container answered HTTP 500\)/);
      return true;
    });
    assert.equal(sm.peer.requests.length, 1);
  });
  it('throttling (ThrottlingException, or 429 ModelNotReady) says so', async () => {
    sm.peer.inject(sageMakerFaults.throttling(), sageMakerFaults.notReady());
    await assert.rejects(backend().predict([1, 60]), /is throttling or not ready \(ThrottlingException\)/);
    await assert.rejects(backend().predict([1, 60]), /is throttling or not ready \(ModelNotReadyException\)/);
  });
  it('5xx is reported as an AWS-side failure', async () => {
    sm.peer.inject(sageMakerFaults.unavailable());
    await assert.rejects(backend().predict([1, 60]), /failed on the AWS side \(HTTP 503 ServiceUnavailable\)/);
  });
  it('a slow endpoint times out with the configured time', async () => {
    sm.peer.inject({ kind: 'delay', ms: 1500 });
    const t0 = Date.now();
    await assert.rejects(backend().predict([1, 60]), /did not answer within 300 ms/);
    assert.ok(Date.now() - t0 < 1200, 'gave up before the slow answer came');
  });
  it('a ValidationError (400, e.g. an unknown endpoint) says the request was rejected', async () => {
    sm.peer.inject({ kind: 'status', status: 400, headers: { 'x-amzn-errortype': 'ValidationError' }, body: '{"message":"Endpoint emotion-ep of account 123456789012 not found."}' });
    await assert.rejects(backend().predict([1, 60]), /rejected the request \(HTTP 400 ValidationError\): Endpoint emotion-ep of account 123456789012 not found/);
  });
  it('the timeout is one deadline for all the SDK attempts, not one per attempt', async () => {
    const retrying = new SageMakerRuntimeClient({ region: 'eu-west-1', credentials, endpoint: sm.peer.endpoint }); // 3 attempts, as aws-config by default
    const within = (timeoutMs: number) =>
      createSageMakerBackend(retrying, { endpointName: 'emotion-ep', contentType: 'text/csv', featureSet: 'published', numClasses: 3, timeoutMs });
    try {
      sm.peer.inject({ kind: 'delay', ms: 3000 }); // per attempt, a second attempt would be answered at once
      const t0 = Date.now();
      await assert.rejects(within(1000).predict([1, 60]), /did not answer within 1000 ms/);
      assert.ok(Date.now() - t0 < 2000, `gave up after ${Date.now() - t0} ms`);
      assert.equal(sm.peer.requests.length, 1, 'no attempt after the deadline');
      sm.peer.requests.length = 0;
      sm.peer.inject(sageMakerFaults.unavailable());
      assert.equal((await within(10_000).predict([1, 60])).index, 1, 'a 503 is retried within the deadline');
      assert.deepEqual(sm.peer.requests.map((r) => r.fault), ['status', undefined]);
    } finally {
      retrying.destroy();
    }
  });
  it('a peer that is down is reported as unreachable', async () => {
    const gone = await startSageMakerPeer();
    await gone.stop();
    const c = new SageMakerRuntimeClient({ region: 'eu-west-1', credentials, endpoint: gone.peer.endpoint, maxAttempts: 1 });
    try {
      const b = createSageMakerBackend(c, { endpointName: 'emotion-ep', contentType: 'text/csv', featureSet: 'published', numClasses: 3, timeoutMs: 300 });
      await assert.rejects(b.predict([1, 60]), /SageMaker endpoint "emotion-ep" unreachable \(ECONNREFUSED\)/);
    } finally {
      c.destroy();
    }
  });
  it('a connection reset is reported as unreachable', async () => {
    sm.peer.inject({ kind: 'reset' });
    await assert.rejects(backend().predict([1, 60]), (e: Error & { code?: string }) => {
      assert.match(e.message, /SageMaker endpoint "emotion-ep" unreachable \(ECONNRESET\)/);
      assert.equal(e.code, 'ECONNRESET');
      assert.equal(e.name, 'NetworkError', 'a reset is not a timeout');
      return true;
    });
  });

  describe('through a serverless cold start', () => {
    afterEach(() => {
      sm.coldStart = null;
    });
    const coldBackend = (endpointName: string, waitMs: number, onWarming?: () => void) =>
      createSageMakerBackend(client, { endpointName, contentType: 'text/csv', featureSet: 'published', numClasses: 3, timeoutMs: 200, waitMs, onWarming });

    it('holds the first request past the warm timeout, says it is warming up once, and answers; the next one is warm', async () => {
      sm.coldStart = { idleMs: 60_000, startMs: 800, mode: 'hold' };
      let warnings = 0;
      const t0 = Date.now();
      assert.equal((await coldBackend('cold-hold', 5000, () => warnings++).predict([1, 60])).index, 1);
      assert.ok(Date.now() - t0 >= 700, 'the answer came after the container started');
      assert.equal(warnings, 1);
      warnings = 0;
      await coldBackend('cold-hold', 5000, () => warnings++).predict([1, 60]);
      assert.equal(warnings, 0, 'a warm endpoint answers within the timeout');
      assert.deepEqual(sm.coldStarts()['cold-hold'], 1);
    });

    it('asks again while the endpoint answers "not ready", and answers when it is', async () => {
      sm.coldStart = { idleMs: 60_000, startMs: 1200, mode: 'not-ready' };
      let warnings = 0;
      sm.peer.requests.length = 0;
      assert.equal((await coldBackend('cold-429', 8000, () => warnings++).predict([1, 60])).index, 1);
      assert.equal(warnings, 1);
      assert.ok(sm.peer.requests.length >= 2, `asked ${sm.peer.requests.length} times`);
    });

    it('without a cold-start wait, the warm timeout is final (the old behaviour)', async () => {
      sm.coldStart = { idleMs: 60_000, startMs: 800, mode: 'hold' };
      await assert.rejects(coldBackend('cold-off', 200).predict([1, 60]), /did not answer within 200 ms$/);
    });

    it('a cold start longer than the whole wait ends with how long it waited', async () => {
      sm.coldStart = { idleMs: 60_000, startMs: 3000, mode: 'not-ready' };
      let warnings = 0;
      const t0 = Date.now();
      await assert.rejects(coldBackend('cold-long', 1000, () => warnings++).predict([1, 60]), /did not answer within 1000 ms, a cold start included/);
      assert.ok(Date.now() - t0 >= 950 && Date.now() - t0 < 2500, `gave up after ${Date.now() - t0} ms`);
      assert.equal(warnings, 1);
      sm.coldStart = null;
    });
  });
});
