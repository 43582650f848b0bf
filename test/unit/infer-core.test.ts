import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { answerEmotion } from '../../src/model/emotion-answer';
import { parseLabels, scoresByLabel } from '../../src/model/label-map';
import { LocalModels, createLocalBackend, orderFeatures, type OrderedBackend } from '../../src/model/local-backend';
import type { ModelFile } from '../../src/model/model-file';
import { modelPath } from '../../src/record/paths';
import { WindowAverage, readFeatures } from '../../src/model/window-average';
import { CollectionWindow } from '../../src/model/collection-window';
import { testModel, writeTestModel } from '../support/infer-model';

const labels = ['angry', 'happy', 'sad'];

describe('infer core: labels', () => {
  it('defaults to the published mapping and parses an edited list', () => {
    assert.deepEqual(parseLabels(''), ['angry', 'happy', 'sad']);
    assert.deepEqual(parseLabels(' calm , tense '), ['calm', 'tense']);
  });
  it('rejects duplicates, a single label and the reserved "uncertain"', () => {
    assert.throws(() => parseLabels('a,a'), /unique/);
    assert.throws(() => parseLabels('a'), /at least two/);
    assert.throws(() => parseLabels('a,uncertain'), /reserved/);
  });
  it('keys scores by label and refuses a class-count mismatch', () => {
    assert.deepEqual(scoresByLabel(labels, [0.1, 0.2, 0.7]), { angry: 0.1, happy: 0.2, sad: 0.7 });
    assert.throws(() => scoresByLabel(['a', 'b'], [0.1, 0.2, 0.7]), /3 classes but 2 labels/);
  });
});

describe('infer core: features and window average', () => {
  it('reads gsr and bpm, and names what is wrong', () => {
    assert.deepEqual(readFeatures({ gsr: 4.5, bpm: 70, participant: 'x' }), { gsr: 4.5, bpm: 70 });
    assert.throws(() => readFeatures('start'), /expected a record/);
    assert.throws(() => readFeatures({ gsr: 4 }), /no BPM/);
    assert.throws(() => readFeatures({ gsr: 4, bpm: null }), /no BPM/);
    assert.throws(() => readFeatures({ gsr: 'x', bpm: 70 }), /gsr/);
    assert.throws(() => readFeatures({ gsr: 4, bpm: -3 }), /bpm/);
  });
  it('averages valid records and counts the unusable ones', () => {
    const w = new WindowAverage();
    w.add({ gsr: 2, bpm: 60 });
    w.add({ gsr: 4, bpm: 80 });
    w.add({ gsr: 9, bpm: null });
    assert.deepEqual(w.mean(1000), { gsr: 3, bpm: 70 });
    assert.equal(w.rejected, 1);
  });
  it('rounds the mean to 3 decimals, as records are', () => {
    const w = new WindowAverage();
    [1, 1, 2].forEach((gsr) => w.add({ gsr, bpm: 70 }));
    assert.deepEqual(w.mean(1000), { gsr: 1.333, bpm: 70 });
  });
  it('adds the phasic activity of the window\'s GSR readings once it holds 5 or more', () => {
    const w = new WindowAverage();
    [5, 5, 5, 5].forEach((gsr) => w.add({ gsr, bpm: 70 }));
    assert.equal(w.mean(1000).gsrPhasic, undefined, 'four readings say nothing');
    w.add({ gsr: 5.5, bpm: 70 });
    const { gsrPhasic } = w.mean(1000);
    assert.ok(gsrPhasic! > 0.02 && gsrPhasic! < 0.05, `${gsrPhasic}`);
  });
  it('an empty window is a clear error', () => {
    const w = new WindowAverage();
    w.add({ gsr: 1, bpm: null });
    assert.throws(() => w.mean(10000), /no valid records arrived in the 10 s window \(1 unusable, last: record has no BPM/);
  });
  it('orders features by the model\'s names', () => {
    assert.deepEqual(orderFeatures(['bpm', 'gsr'], { gsr: 1, bpm: 2 }), [2, 1]);
    assert.throws(() => orderFeatures(['hrv'], { gsr: 1, bpm: 2 }), /feature "hrv"/);
  });
});

describe('infer core: collection window', () => {
  it('collects until the window closes, then resolves with the mean', async () => {
    const ticks: number[] = [];
    const win = new CollectionWindow(50, (s) => ticks.push(s));
    const closed = win.open();
    assert.equal(win.add({ gsr: 2, bpm: 70 }), true);
    const result = await closed;
    assert.ok('average' in result);
    assert.deepEqual(result.average.mean(50), { gsr: 2, bpm: 70 });
    assert.equal(win.isOpen, false);
    assert.equal(win.add({ gsr: 2, bpm: 70 }), false, 'records after the window are not collected');
    assert.deepEqual(ticks, [1]);
  });
  it('counts the whole seconds left down for the status', async () => {
    const ticks: number[] = [];
    await new CollectionWindow(1300, (s) => ticks.push(s)).open();
    assert.deepEqual(ticks, [2, 1]);
  });
  it('cancel and restart resolve the earlier window with why it ended', async () => {
    const win = new CollectionWindow(30, () => {});
    const first = win.open();
    win.add({ gsr: 1, bpm: 60 });
    const second = win.open();
    assert.deepEqual(await first, { cancelled: 'restarted' });
    const r = await second;
    assert.ok('average' in r);
    assert.equal(r.average.count, 0, 'the restart dropped the earlier records');
    const third = win.open();
    win.cancel();
    assert.deepEqual(await third, { cancelled: 'stopped' });
  });
});

describe('infer core: local backend and answers', () => {
  it('predicts the expected classes with the test model', async () => {
    const b = createLocalBackend(testModel());
    assert.equal((await b.predict([8, 100])).index, 0);
    assert.equal((await b.predict([2, 60])).index, 2);
    const tie = await b.predict([5, 80]);
    tie.scores.forEach((s) => assert.ok(Math.abs(s - 1 / 3) < 1e-12));
  });

  const ask = (backend: OrderedBackend, extra: Partial<Parameters<typeof answerEmotion>[0]> = {}) =>
    answerEmotion({ backend, features: { gsr: 8, bpm: 100 }, participant: 'alice', labels, threshold: 0, startedAt: performance.now(), ...extra });

  it('builds msg.emotion with label, scores by label, confidence and source', async () => {
    const a = await ask(createLocalBackend(testModel()));
    assert.equal(a.label, 'angry');
    assert.equal(a.index, 0);
    assert.equal(a.source, 'local');
    assert.equal(a.confidence, a.scores.angry);
    assert.deepEqual(Object.keys(a.scores), labels);
    assert.deepEqual(a.features, { gsr: 8, bpm: 100 });
    assert.match(a.model, /alice/);
    assert.ok(a.latencyMs >= 0 && a.latencyMs < 1000);
  });
  it('answers "uncertain" below the threshold, keeping the guess', async () => {
    const a = await ask(createLocalBackend(testModel()), { features: { gsr: 5, bpm: 80 }, threshold: 0.5 });
    assert.equal(a.label, 'uncertain');
    assert.equal(a.index, -1);
    assert.equal(a.guess, 'angry');
  });
  it('falls back when the primary backend fails, and marks it', async () => {
    const failing: OrderedBackend = { source: 'sagemaker', featureNames: ['gsr', 'bpm'], predict: () => Promise.reject(new Error('endpoint down')) };
    const a = await ask(failing, { fallback: () => createLocalBackend(testModel()) });
    assert.equal(a.source, 'local-fallback');
    assert.equal(a.fallbackReason, 'endpoint down');
    assert.equal(a.label, 'angry');
    await assert.rejects(ask(failing), /endpoint down/);
  });
  it('when the fallback fails too, the error names both failures', async () => {
    const failing: OrderedBackend = { source: 'sagemaker', featureNames: ['gsr', 'bpm'], predict: () => Promise.reject(new Error('endpoint down')) };
    const noModel = () => {
      throw new Error('no model for participant "alice" yet');
    };
    await assert.rejects(ask(failing, { fallback: noModel }), /^Error: endpoint down; the local fallback failed too: no model for participant "alice" yet$/);
  });
});

describe('infer core: model cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'infer-core-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads once and reloads when the file changes', async () => {
    let loads = 0;
    const load = (p: string): ModelFile => {
      loads += 1;
      return JSON.parse(readFileSync(modelPath(dir, p), 'utf8')) as ModelFile;
    };
    const models = new LocalModels(load, (p) => modelPath(dir, p));
    const path = writeTestModel(dir, testModel('alice'));
    models.backend('alice');
    models.backend('alice');
    assert.equal(loads, 1);
    writeTestModel(dir, testModel('alice', { weights: [[-1, -3], [0, 0], [1, 3]] }));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const b = models.backend('alice');
    assert.equal(loads, 2);
    assert.equal((await b.predict([8, 100])).index, 2, 'the new model answers');
  });
  it('keeps one entry per person whatever the spelling, and at most its limit of people', () => {
    let loads = 0;
    const models = new LocalModels((p) => (loads++, testModel(p)), (p) => modelPath(dir, p), 3);
    for (const p of ['Zoë', 'ZOË', 'Zoe\u0308', 'ZoË']) {
      writeTestModel(dir, testModel(p));
      models.backend(p);
    }
    assert.equal(models.size, 1);
    for (const p of ['ana', 'bo', 'cy', 'dee']) {
      writeTestModel(dir, testModel(p));
      models.backend(p);
    }
    assert.equal(models.size, 3, 'the least recently asked for are forgotten');
    const before = loads;
    models.backend('DEE');
    assert.equal(loads, before, 'the most recent stays');
  });
  it('passes the loader\'s error through when there is no model', () => {
    const models = new LocalModels(() => { throw new Error('no model yet'); }, (p) => modelPath(dir, p));
    assert.throws(() => models.backend('bob'), /no model yet/);
  });
});
