// The training workflow's two functions with the real S3 and SageMaker runtime clients against loopback
// peers: "Prepare channels" on Parquet files shaped as Firehose writes them (bad rows, a damaged file,
// another participant's partition), and "Evaluate on validation rows" on a batch-answering endpoint.
import assert from 'node:assert/strict';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { heldOutSummary, WORKFLOW_ERRORS } from '../../src/aws/training-workflow';
import { createEvaluateHandler } from '../../cloud/lambda/train-evaluate-handler';
import { linearLearnerImage } from '../../cloud/lambda/linear-learner-image';
import { createPrepareHandler } from '../../cloud/lambda/train-prepare-handler';
import { trainModel } from '../../src/model/train';
import { linearLearnerChannels } from '../../src/model/linear-learner-csv';
import type { SensorRecord } from '../../src/record/record';
import { RECOMMENDED_FEATURES, type FeatureSetName } from '../../src/signal/window-features';
import { readChannel } from '../support/linear-learner-csv';
import { firehoseParquet, type StoredRow } from '../support/firehose-parquet';
import { S3Peer } from '../support/s3-peer';
import { startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';

const BUCKET = 'emotion-records';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
type Row = StoredRow;
const parquet = firehoseParquet;

/** `seconds` one-second rows of one session; mood k sits at gsr k+1 (readable in the CSV). */
function session(mood: string, k: number, start: number, seconds: number): Row[] {
  return Array.from({ length: seconds }, (_, i) => ({ timestamp: start + i * 1000, gsr: k + 1 + i / 1000, bpm: 70 + k * 10, mood, session: `${mood}-${start}` }));
}

const records = (rows: Row[], participant: string) => rows.map((r) => ({ ...r, participant })) as unknown as SensorRecord[];

describe('cloud training functions (real S3 / SageMaker runtime clients, loopback peers)', () => {
  let s3: S3Peer;
  let sm: SageMakerPeer;
  let s3Client: S3Client;
  const logs: string[] = [];
  before(async () => {
    [s3, sm] = await Promise.all([S3Peer.start(), startSageMakerPeer()]);
    s3Client = new S3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials, forcePathStyle: true, maxAttempts: 1 });
  });
  after(async () => {
    s3Client.destroy();
    await Promise.all([s3.stop(), sm.stop()]);
  });
  beforeEach(() => {
    s3.objects.clear();
    s3.pageSize = 1000;
    logs.length = 0;
  });

  const run = (participant: string, extra: Record<string, unknown> = {}, featureSet?: FeatureSetName) =>
    createPrepareHandler({
      s3: s3Client,
      bucket: BUCKET,
      recordsPrefix: 'records/',
      trainingPrefix: 'training/',
      endpointPrefix: 'emotion',
      featureSet,
      trainingImage: () => linearLearnerImage('eu-central-1'),
      log: (l) => logs.push(l),
    })({
      input: { participant, endpointName: participantEndpointName('emotion', participant), labels: ['angry', 'happy', 'sad'], ...extra },
      executionName: `${participantEndpointName('emotion', participant)}-run1`,
    });

  it('writes the local trainer\'s channels from the participant\'s partition only, past bad rows and a damaged file', async () => {
    const first = [...session('angry', 0, 0, 40), ...session('happy', 1, 100_000, 40)];
    const second = [...session('sad', 2, 200_000, 40)];
    const bad: Row[] = [
      { timestamp: 250_000, gsr: null, bpm: 70, mood: 'sad', session: 'sad-200000' },
      { timestamp: 250_001, gsr: Number.NaN, bpm: 70, mood: 'sad', session: 'sad-200000' },
      { timestamp: 250_002, gsr: 3, bpm: 70, mood: 'bored', session: 'sad-200000' },
      { timestamp: 250_003, gsr: 3, bpm: 70, mood: null, session: 'sad-200000' },
    ];
    s3.pageSize = 2; // three files and a damaged one: two pages
    s3.put(BUCKET, 'records/participant=Ana/2026/11/30/part-1', parquet(first));
    s3.put(BUCKET, 'records/participant=Ana/2026/11/30/part-2', parquet([...second, ...bad]));
    s3.put(BUCKET, 'records/participant=Ana/2026/11/30/part-3', 'not parquet at all');
    s3.put(BUCKET, 'records/participant=Anabel/2026/11/30/part-1', parquet(session('angry', 7, 0, 40)));
    s3.put(BUCKET, 'records/participant=Bo/2026/11/30/part-1', parquet(session('happy', 8, 0, 40)));

    const out = await run('Ana');
    const endpoint = participantEndpointName('emotion', 'Ana');
    assert.equal(out.endpointName, endpoint);
    assert.ok(out.trainingJobName.startsWith(`${endpoint.slice(0, 54)}-`) && out.trainingJobName.length <= 63);
    assert.equal(out.modelName, out.trainingJobName);
    assert.equal(out.numClasses, '3');
    assert.equal(out.featureDim, '2');
    assert.equal(out.trainingImage, '664544806723.dkr.ecr.eu-central-1.amazonaws.com/linear-learner:1', "the region's image, from the table in code");
    assert.equal(out.trainS3Uri, `s3://${BUCKET}/training/${endpoint}/${out.trainingJobName}/train/`);
    const train = s3.text(BUCKET, `training/${endpoint}/${out.trainingJobName}/train/train.csv`)!;
    const validation = s3.text(BUCKET, out.validationKey)!;
    const expected = linearLearnerChannels(records([...first, ...second, ...bad], 'Ana'), { participant: 'Ana', labels: ['angry', 'happy', 'sad'] });
    assert.equal(train, expected.train, 'the same writer, the same seed: the same file as record-store exports');
    assert.equal(validation, expected.validation);
    const rows = readChannel(train + validation, 2);
    assert.equal(rows.y.length, 90, '30 s per mood after warm-up; the four bad rows dropped');
    assert.ok(rows.x.every(([gsr], i) => Math.floor(gsr) === rows.y[i] + 1), 'no row of Anabel (7) or Bo (8), labels match moods');
    assert.equal(out.miniBatchSize, String(expected.rows.train));
    assert.deepEqual([out.rows.droppedInvalid, out.rows.unreadableFiles, out.rows.records], [4, 1, 124]);
    assert.ok(logs.some((l) => l.includes('part-3') && l.includes('not readable as Parquet')));
    // what the workflow reports first: the local trainer's held-out evaluation of the same records
    const local = trainModel(records([...first, ...second, ...bad], 'Ana'), { participant: 'Ana', labels: ['angry', 'happy', 'sad'] });
    assert.deepEqual(out.heldOut, heldOutSummary(local.metrics));
    assert.equal(out.heldOut.verdict, 'not-measurable', 'one 40-s session per mood');
    assert.deepEqual(out.heldOut.sessionsPerMood, { angry: 1, happy: 1, sad: 1 });
  });

  it('trains the stack\'s feature set: window features in the model\'s order, feature_dim its length', async () => {
    // 90-s sessions with a skin response every 20 s, steeper the higher the mood's index
    const shaped = (mood: string, k: number, start: number) =>
      session(mood, k, start, 90).map((r, i) => ({ ...r, gsr: Number(r.gsr) + (k + 1) * 0.01 * (i % 20 < 5 ? i % 20 : 0) + i * k * 0.001 }));
    const rows = [...shaped('angry', 0, 0), ...shaped('happy', 1, 200_000), ...shaped('sad', 2, 400_000)];
    s3.put(BUCKET, 'records/participant=Ana/2026/11/30/part-1', parquet(rows));
    const out = await run('Ana', { features: [...RECOMMENDED_FEATURES], windowSeconds: 30 }, 'recommended');
    assert.deepEqual([out.featureDim, out.features, out.windowSeconds], ['6', RECOMMENDED_FEATURES, 30]);
    const train = s3.text(BUCKET, `training/${out.endpointName}/${out.trainingJobName}/train/train.csv`)!;
    const options = { participant: 'Ana', labels: ['angry', 'happy', 'sad'], features: [...RECOMMENDED_FEATURES], windowSeconds: 30 };
    assert.equal(train, linearLearnerChannels(records(rows, 'Ana'), options).train);
    assert.ok(readChannel(train, 6).x.some((x) => x[4] > 0), 'skin responses counted');
    assert.deepEqual(out.heldOut, heldOutSummary(trainModel(records(rows, 'Ana'), options).metrics), 'held out with the same features');
    // an input without features (a caller other than emotion-train, e.g. the CLI) gets the stack's set
    assert.equal((await run('Ana', {}, 'recommended')).featureDim, '6');
  });

  it('refuses a run for other features than the stack answers with, saying what to change', async () => {
    s3.put(BUCKET, 'records/participant=Ana/2026/11/30/part-1', parquet([...session('angry', 0, 0, 40), ...session('happy', 1, 100_000, 40), ...session('sad', 2, 200_000, 40)]));
    await assert.rejects(run('Ana', { features: [...RECOMMENDED_FEATURES], windowSeconds: 30 }), (e: Error) => {
      assert.equal(e.name, WORKFLOW_ERRORS.featureSet);
      assert.match(e.message, /this stack trains and answers the "published" features \(gsr, bpm over 10 s\), not gsr, bpm, gsrSlope.* over 30 s: set emotion-train's Features to "published", or deploy the stack with -c features=<set>/);
      return true;
    });
    await assert.rejects(run('Ana', { windowSeconds: 60 }, 'recommended'), /over 60 s/);
    assert.equal([...s3.objects.keys()].filter((k) => k.includes('training/')).length, 0, 'no channels written');
  });

  it('reads the files of many list pages concurrently, and writes the same channels as one file after another', async () => {
    for (let day = 0; day < 30; day++) {
      const mood = ['angry', 'happy', 'sad'][day % 3];
      s3.put(BUCKET, `records/participant=Ana/2026/11/${String(day + 1).padStart(2, '0')}/part-1`, parquet(session(mood, day % 3, day * 86_400_000, 40)));
    }
    s3.pageSize = 7;
    const original = s3.peer.handler;
    let inFlight = 0;
    let most = 0;
    s3.peer.handler = async (req) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      try {
        return await original(req);
      } finally {
        inFlight--;
      }
    };
    try {
      const prepare = (concurrency: number) =>
        createPrepareHandler({ s3: s3Client, bucket: BUCKET, recordsPrefix: 'records/', trainingPrefix: 'training/', endpointPrefix: 'emotion', trainingImage: () => 'image', log: () => {}, concurrency })({
          input: { participant: 'Ana', endpointName: participantEndpointName('emotion', 'Ana'), labels: ['angry', 'happy', 'sad'] },
          executionName: `run-${concurrency}`,
        });
      const one = await prepare(1);
      assert.equal(most, 1);
      most = 0;
      const many = await prepare(8);
      assert.ok(most > 2 && most <= 8, `${most} requests at once`);
      assert.deepEqual(many.rows, one.rows);
      assert.equal(s3.text(BUCKET, many.validationKey), s3.text(BUCKET, one.validationKey), 'the same rows, in the same order');
    } finally {
      s3.peer.handler = original;
    }
  });

  it('too few rows of a mood fails as TrainingDataError with the trainer\'s sentence, writing nothing', async () => {
    s3.put(BUCKET, 'records/participant=Ana/a', parquet([...session('angry', 0, 0, 40), ...session('happy', 1, 100_000, 40), ...session('sad', 2, 200_000, 15)]));
    await assert.rejects(run('Ana'), (e: Error) => {
      assert.equal(e.name, WORKFLOW_ERRORS.trainingData);
      assert.match(e.message, /too few usable rows for participant 'Ana': 'sad' 5 \(need at least 10 each/);
      return true;
    });
    assert.deepEqual([...s3.objects.keys()].filter((k) => k.includes('training/')), []);
  });

  it('no records at all says where it looked', async () => {
    await assert.rejects(run('Nobody'), /no records for participant 'Nobody'.*none under s3:\/\/emotion-records\/records\/participant=Nobody\//);
  });

  it('refuses an endpoint name that is not the stack\'s for the participant, naming the prefix to set', async () => {
    s3.put(BUCKET, 'records/participant=Ana/a', parquet(session('angry', 0, 0, 40)));
    await assert.rejects(run('Ana', { endpointName: participantEndpointName('lab', 'Ana') }), (e: Error) => {
      assert.equal(e.name, 'EndpointNameMismatch');
      assert.match(e.message, /set emotion-train's and emotion-infer's Prefix to "emotion"/);
      return true;
    });
  });

  it('knows the Linear Learner image of the regions in its table, and says how to give one for another', () => {
    assert.equal(linearLearnerImage('us-east-1'), '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1');
    assert.throws(() => linearLearnerImage('xx-mars-1'), /no Linear Learner image known for region "xx-mars-1": give one with -c linearLearnerImage=<uri>/);
  });

  it('refuses a label list Linear Learner cannot train (multiclass needs 3 or more)', async () => {
    s3.put(BUCKET, 'records/participant=Ana/a', parquet(session('angry', 0, 0, 40)));
    await assert.rejects(run('Ana', { labels: ['angry', 'happy'] }), /needs at least 3 labels, got angry, happy/);
  });

  it('evaluates the new endpoint on every validation row in batches, into a confusion matrix', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `${i % 3},${(i % 3) + 1}.5,${70 + i % 7}`);
    s3.put(BUCKET, 'training/ep/job/validation/validation.csv', lines.join('\n') + '\n');
    // an endpoint that answers from gsr, except "sad" whenever bpm is 76
    const answer = (row: string) => (row.endsWith(',76') ? 2 : Math.floor(Number(row.split(',')[0])) - 1);
    sm.answer = (req) => {
      const predictions = req.body.toString('utf8').split('\n').map((row) => ({ score: [0, 1, 2].map((k) => (k === answer(row) ? 0.8 : 0.1)), predicted_label: answer(row) }));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ predictions }) };
    };
    sm.peer.requests.length = 0;
    const sagemaker = new SageMakerRuntimeClient({ endpoint: sm.peer.endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const evaluate = createEvaluateHandler({ s3: s3Client, sagemaker, bucket: BUCKET });
    const { confusion } = await evaluate({ endpointName: 'emotion-ana-0a1b2c3d', validationKey: 'training/ep/job/validation/validation.csv', numClasses: '3' });
    sagemaker.destroy();
    const expected = [0, 1, 2].map(() => [0, 0, 0]);
    for (const line of lines) expected[Number(line[0])][answer(line.slice(2))]++;
    assert.deepEqual(confusion, expected);
    assert.ok(expected[0][2] > 0 && expected[2][2] > 0, 'some rows are answered wrong');
    const calls = sm.invocations();
    assert.deepEqual(calls.map((c) => c.body.split('\n').length), [500, 500, 200]);
    assert.ok(calls.every((c) => c.endpoint === 'emotion-ana-0a1b2c3d' && c.contentType === 'text/csv'));
    assert.equal(calls[0].body.split('\n')[0], '1.5,70', 'features only, label stripped');
  });
});
