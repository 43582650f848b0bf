import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import type { NodeMessage } from 'node-red';
import type { ModelMetrics } from '../../src/model/model-file';
import { loadModel } from '../../src/model/model-store';
import { modelPath, participantRecordsDir } from '../../src/record/paths';
import type { SensorRecord } from '../../src/record/record';
import { RecordStore } from '../../src/record/record-store';
import { helper, withTempUserDir } from '../support/node-red';
import { nextMsg } from '../support/probes';
import { publishedLikeRecords } from '../reference/published-like';
import { RECOMMENDED_FEATURES } from '../../src/signal/window-features';
import { realRecords, SCENARIOS, trainReal } from '../support/real-affect-protocol';
import emotionTrainNode = require('../../nodes/emotion-train/emotion-train');
import emotionInferNode = require('../../nodes/emotion-infer/emotion-infer');

type Msg = NodeMessage & Record<string, unknown>;

/** Two 40 s sessions per mood, 1 s apart, moods apart in GSR and BPM with some overlap. */
function synthetic(participant: string, moods = ['angry', 'happy', 'sad']): SensorRecord[] {
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const centre: Record<string, [number, number]> = { angry: [6, 95], happy: [4, 80], sad: [2, 65], calm: [1, 55] };
  const records: SensorRecord[] = [];
  let t = 1_764_000_000_000;
  for (const mood of moods) {
    for (const take of [1, 2]) {
      for (let i = 0; i < 40; i++) {
        const [gsr, bpm] = centre[mood];
        records.push({ participant, timestamp: (t += 1000), gsr: gsr + noise(), bpm: bpm + 8 * noise(), mood, session: `${mood}-${take}`, simulated: true });
      }
    }
  }
  return records;
}

describe('emotion-train node', () => {
  const userDir = withTempUserDir('emotion-train-');
  before(() => new RecordStore(userDir()).append([...synthetic('Ana'), ...synthetic('Bo', ['happy', 'sad']), ...synthetic('Cal', ['angry', 'happy', 'sad', 'calm'])]));
  afterEach(() => helper.unload());

  const flow = (config: Record<string, unknown> = {}) => [
    { id: 'tab', type: 'tab' },
    { id: 'train', type: 'emotion-train', z: 'tab', participant: '', labels: '', warmupSeconds: '5', testFraction: '0.25', seed: '3', l2: '', smote: 'auto', maxIterations: '', wires: [['out']], ...config },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
  const send = (msg: Record<string, unknown>) => helper.getNode('train').receive(msg as NodeMessage);
  async function errorOf(msg: Record<string, unknown>): Promise<string> {
    const caught = nextMsg<Msg>(helper.getNode('caught'));
    send(msg);
    return String(((await caught).error as { message: string }).message);
  }

  it('answers topic "model" with the saved model\'s metrics and card, without training (null when none)', async () => {
    await helper.load(emotionTrainNode, flow());
    const trained = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana' });
    const card = (await trained).card as { participant: string; trainedAt: string; testRows: number };
    assert.equal(card.participant, 'Ana');
    const shown = nextMsg<Msg>(helper.getNode('out'));
    send({ topic: 'model', participant: 'ana' });
    const msg = await shown;
    assert.deepEqual(msg.card, card, 'the same card, read back from the file');
    assert.equal((msg.payload as ModelMetrics).labels.length, 3);
    const none = nextMsg<Msg>(helper.getNode('out'));
    send({ topic: 'model', participant: 'Nobody' });
    const empty = await none;
    assert.equal(empty.payload, null);
    assert.equal(empty.card, null);
  });

  it('trains an optional mood someone recorded (calm) as a fourth class, which emotion-infer then answers', async () => {
    await helper.load([emotionTrainNode, emotionInferNode] as never, [
      ...flow({ optionalLabels: 'calm' }),
      { id: 'infer', type: 'emotion-infer', z: 'tab', mode: 'each', labels: 'angry,happy,sad', wires: [['answer']] },
      { id: 'answer', type: 'helper', z: 'tab' },
    ] as never);
    const out = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Cal' });
    assert.deepEqual(((await out).payload as ModelMetrics).labels, ['angry', 'happy', 'sad', 'calm']);
    const answer = nextMsg<Msg>(helper.getNode('answer'));
    helper.getNode('infer').receive({ payload: { participant: 'Cal', gsr: 1, bpm: 55 } } as NodeMessage);
    const emotion = (await answer).emotion as { label: string; scores: Record<string, number> };
    assert.equal(emotion.label, 'calm');
    assert.deepEqual(Object.keys(emotion.scores), ['angry', 'happy', 'sad', 'calm']);
    // and Ana, who never recorded calm, keeps a three-mood model
    const ana = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana' });
    assert.deepEqual(((await ana).payload as ModelMetrics).labels, ['angry', 'happy', 'sad']);
  });

  // The delay itself (milliseconds) is a speed figure: bench/train-worker.ts measures it. Here: the flows keep
  // running while a big training runs, which they would not if it trained on their thread.
  it('trains in a worker thread: the flows\' event loop keeps turning while 11,000 rows train', async function () {
    this.timeout(60_000);
    await new RecordStore(userDir()).append(publishedLikeRecords(11_000).map((r) => ({ ...r, participant: 'Big' })));
    await helper.load(emotionTrainNode, flow());
    const out = nextMsg<Msg>(helper.getNode('out'), 55_000);
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    const start = performance.now();
    send({ participant: 'Big' });
    const msg = await out;
    clearInterval(ticking);
    const elapsedMs = performance.now() - start;
    assert.equal((msg.model as { rows: { total: number } }).rows.total, 11_000);
    // a 10 ms timer fires ~100 times a second on a free loop; a training on this thread would let it fire ~once
    assert.ok(ticks >= elapsedMs / 100, `a 10 ms timer fired ${ticks} times in the ${elapsedMs.toFixed(0)} ms the training took`);
  });

  it('trains on the stored records, saves the model and emits its metrics', async () => {
    await helper.load(emotionTrainNode, flow());
    const out = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana', payload: 'train' });
    const msg = await out;
    const metrics = msg.payload as ModelMetrics;
    assert.ok(metrics.accuracy! > 0.8, `accuracy ${metrics.accuracy}`);
    assert.deepEqual(metrics.labels, ['angry', 'happy', 'sad']);
    assert.equal(metrics.confusion.flat().reduce((a, b) => a + b, 0), metrics.testWindows, 'held-out windows');
    assert.equal(metrics.roc?.length, 3);
    const info = msg.model as { path: string; participant: string; trainedAt: string; simulated: boolean; rows: Record<string, number> };
    assert.equal(info.path, modelPath(userDir(), 'Ana'));
    assert.equal(info.participant, 'Ana');
    assert.equal(info.simulated, true);
    assert.equal(info.rows.total, 240);
    assert.ok(info.rows.droppedWarmup >= 6 * 5 && info.rows.droppedWarmup <= 6 * 6, `dropped ${info.rows.droppedWarmup}`);
    const saved = loadModel(userDir(), 'Ana');
    assert.equal(saved.trainedAt, info.trainedAt);
    assert.equal(saved.hyperparameters.warmupSeconds, 5);
    assert.equal(saved.hyperparameters.testFraction, 0.25);
    assert.equal(saved.hyperparameters.seed, 3);
    const statuses = (helper.getNode('train') as unknown as { status: { args: [{ text?: string }][] } }).status.args.map((a) => a[0].text);
    assert.ok(statuses.some((t) => /^training \d+%$/.test(t ?? '')), `statuses ${statuses.join(' | ')}`);
    // two sessions per mood, but back to back: one sitting, so not measurable yet (yellow)
    assert.match(statuses.at(-1) ?? '', /^Ana: \d+\.\d% on held-out windows, not measurable yet$/);
  });

  it('emits what a person will really get, on a real recording: held-out accuracy, balanced, chance, interval, sessions, verdict', async () => {
    const two = SCENARIOS.find((s) => s.name === 'two sessions per mood')!;
    await new RecordStore(userDir()).append(realRecords('S06', two.recorded));
    await helper.load(emotionTrainNode, flow({ labels: 'rest,stress', warmupSeconds: '', testFraction: '', seed: '' }));
    const out = nextMsg<Msg>(helper.getNode('out'), 60_000);
    send({ participant: 'S06' });
    const msg = await out;
    const m = msg.payload as ModelMetrics;
    const expected = trainReal('S06', two).metrics; // the trainer itself, on the same records
    for (const field of ['accuracy', 'balancedAccuracy', 'chance', 'interval', 'sessionsPerMood', 'testWindows', 'verdict', 'verdictReason', 'randomSplitAccuracy', 'heldOut'] as const) {
      assert.deepEqual(m[field], expected[field], field);
    }
    assert.deepEqual(m.sessionsPerMood, { rest: 2, stress: 2 });
    assert.equal(m.chance, 0.5);
    assert.equal(m.accuracy, (m.confusion[0][0] + m.confusion[1][1]) / m.testWindows!, 'accuracy is the held-out windows\' figure');
    assert.ok(m.interval![0] < m.balancedAccuracy! && m.balancedAccuracy! < m.interval![1]);
    assert.notEqual(m.randomSplitAccuracy, m.accuracy, 'the random split is kept apart, under its own name');
    const card = msg.card as { verdict: string; balancedAccuracy: number; sessionsPerMood: Record<string, number> };
    assert.equal(card.verdict, m.verdict);
    assert.equal(card.balancedAccuracy, m.balancedAccuracy);
    const statuses = (helper.getNode('train') as unknown as { status: { args: [{ text?: string; fill?: string }][] } }).status.args.map((a) => a[0]);
    const words = { 'separable': 'can tell the moods apart', 'not-separable': 'not better than chance', 'not-measurable': 'not measurable yet' };
    const expectedText = `S06: ${(m.balancedAccuracy! * 100).toFixed(1)}% on held-out windows, ${words[m.verdict!]}`;
    assert.equal(statuses.at(-1)?.text, expectedText);
    assert.equal(statuses.at(-1)?.fill, m.verdict === 'separable' ? 'green' : 'yellow');
  });

  it('takes the participant from msg.payload.participant or the node', async () => {
    await helper.load(emotionTrainNode, flow({ participant: 'Ana' }));
    let out = nextMsg<Msg>(helper.getNode('out'));
    send({ payload: null });
    assert.equal(((await out).model as { participant: string }).participant, 'Ana');
    out = nextMsg<Msg>(helper.getNode('out'));
    send({ payload: { participant: 'Ana', gsr: 1 } });
    assert.equal(((await out).model as { participant: string }).participant, 'Ana');
  });

  it('refuses a second training while one runs', async () => {
    await helper.load(emotionTrainNode, flow());
    const out = nextMsg<Msg>(helper.getNode('out'));
    const caught = nextMsg<Msg>(helper.getNode('caught'));
    send({ participant: 'Ana' });
    send({ participant: 'Ana' });
    assert.match(String(((await caught).error as { message: string }).message), /already training "Ana"/);
    assert.ok(((await out).payload as ModelMetrics).accuracy! > 0.8);
  });

  it('does not save a model when the participant\'s records are deleted while it trains', async () => {
    await new RecordStore(userDir()).append(synthetic('Cy'));
    await helper.load(emotionTrainNode, flow());
    const node = helper.getNode('train') as unknown as { status(s: { text?: string }): void };
    const status = node.status.bind(node);
    node.status = (s) => {
      // record-store's delete, landing between the read and the save (the fit itself is synchronous)
      if (/^training/.test(s.text ?? '')) rmSync(participantRecordsDir(userDir(), 'Cy'), { recursive: true, force: true });
      status(s);
    };
    assert.match(await errorOf({ participant: 'Cy' }), /records of "Cy" were deleted while training: the model was not saved/);
    assert.equal(existsSync(modelPath(userDir(), 'Cy')), false);
  });

  it('says clearly when a participant has no data, or too little of a mood', async () => {
    await helper.load(emotionTrainNode, flow());
    assert.match(await errorOf({ participant: 'Nobody' }), /no records for participant 'Nobody'/);
    assert.match(await errorOf({ participant: 'Bo' }), /too few usable rows for participant 'Bo': 'angry' 0.*record more 'angry'/);
    assert.match(await errorOf({}), /no participant: set one in the node or send msg.participant/);
    assert.match(await errorOf({ participant: '../../etc' }), /invalid participant name/);
    const out = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana' });
    assert.ok(((await out).payload as ModelMetrics).accuracy! > 0.8, 'the node keeps working after errors');
  });

  it('reports bad settings on every msg', async () => {
    await helper.load(emotionTrainNode, flow({ testFraction: '1.5' }));
    assert.match(await errorOf({ participant: 'Ana' }), /test fraction must be at most 0.99/);
  });

  it('Features "recommended" trains the skin response shape over 30 s on a real recording: the model file says so', async () => {
    const two = SCENARIOS.find((s) => s.name === 'two sessions per mood')!;
    await new RecordStore(userDir()).append(realRecords('S02', two.recorded));
    await helper.load(emotionTrainNode, flow({ labels: 'rest,stress', warmupSeconds: '', testFraction: '', seed: '', featureSet: 'recommended', windowSeconds: '' }));
    const out = nextMsg<Msg>(helper.getNode('out'), 60_000);
    send({ participant: 'S02' });
    const msg = await out;
    const saved = loadModel(userDir(), 'S02');
    assert.deepEqual(saved.features, [...RECOMMENDED_FEATURES]);
    assert.equal(saved.hyperparameters.windowSeconds, 30, "the set's own window, kept in the model file");
    const m = msg.payload as ModelMetrics;
    assert.equal(m.windowSeconds, 30, 'measured on 30-s held-out windows');
    // the trainer itself on the same records with the same set gives the same figures
    const expected = trainReal('S02', two, { features: [...RECOMMENDED_FEATURES], windowSeconds: 30 }).metrics;
    for (const field of ['balancedAccuracy', 'testWindows', 'sessionsPerMood', 'verdict'] as const) assert.deepEqual(m[field], expected[field], field);
    assert.notDeepEqual(m.balancedAccuracy, trainReal('S02', two).metrics.balancedAccuracy, 'not the published model\'s figure');
  });

  it('a flow saved before Features and Window trains the published mean GSR and BPM over 10 s, as before', async () => {
    // flow() has neither setting, nor a settings version: as saved before they existed
    await helper.load(emotionTrainNode, flow());
    const out = nextMsg<Msg>(helper.getNode('out'));
    send({ participant: 'Ana' });
    assert.equal(((await out).payload as ModelMetrics).windowSeconds, 10);
    const saved = loadModel(userDir(), 'Ana');
    assert.deepEqual(saved.features, ['gsr', 'bpm']);
    assert.equal(saved.hyperparameters.windowSeconds, 10);
  });

  it('a Features set or a Window that is not one is a settings error: red status, named in English', async () => {
    const statusOf = () => (helper.getNode('train') as unknown as { status: { args: [{ fill?: string; text?: string }][] } }).status.args.at(-1)?.[0];
    await helper.load(emotionTrainNode, flow({ featureSet: 'best' }));
    assert.deepEqual(statusOf(), { fill: 'red', shape: 'ring', text: 'check Features' });
    assert.match(await errorOf({ participant: 'Ana' }), /Features must be "published" or "recommended", not "best"$/);
    await helper.unload();
    await helper.load(emotionTrainNode, flow({ featureSet: 'recommended', windowSeconds: '45' }));
    assert.deepEqual(statusOf(), { fill: 'red', shape: 'ring', text: 'check Window' });
    assert.match(await errorOf({ participant: 'Ana' }), /Window must be one of 10, 30, 60 s, or blank for the feature set's own; not "45"$/);
  });
});
