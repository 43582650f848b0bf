import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ModelFile } from '../../src/model/model-file';
import { deleteModel, loadModel, saveModel } from '../../src/model/model-store';
import { modelPath } from '../../src/record/paths';

function model(participant: string): ModelFile {
  return {
    format: 'emotion-iot-model', version: 1, participant, features: ['gsr', 'bpm'], labels: ['angry', 'happy', 'sad'],
    standardisation: { mean: [3, 75], std: [1, 10] }, weights: [[1, 2], [0, -1], [-1, -1]], bias: [0.1, 0, -0.1],
    hyperparameters: { l2: 1 },
    metrics: { accuracy: 0.9, labels: ['angry', 'happy', 'sad'], confusion: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], perClass: [] },
    trainedAt: '2026-11-25T19:00:00.000Z', simulated: true,
    rows: { total: 10, train: 8, test: 2, droppedWarmup: 0, droppedInvalid: 0, synthetic: 0 },
  };
}

describe('model store', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'emotion-models-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves atomically as a 0600 file and loads the same model back', async () => {
    const path = saveModel(dir, model('Ana Lopez'));
    assert.equal(path, modelPath(dir, 'Ana Lopez'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(dirname(path))).mode & 0o777, 0o700);
    assert.deepEqual(loadModel(dir, 'ana lopez'), model('Ana Lopez'));
    const next = { ...model('Ana Lopez'), trainedAt: '2026-11-25T20:00:00.000Z' };
    saveModel(dir, next);
    assert.equal(loadModel(dir, 'Ana Lopez').trainedAt, next.trainedAt);
    assert.deepEqual(await readdir(dirname(path)), ['ana lopez-.json']);
  });

  it('says what to do when a participant has no model yet', () => {
    assert.throws(() => loadModel(dir, 'Bo'), {
      message: 'no model for participant "Bo" yet: record happy, sad and angry data on the Training page and press "Train model"',
    });
  });

  it('refuses damaged or mismatched model files with a clear reason', async () => {
    const path = saveModel(dir, model('Ana'));
    await writeFile(path, '{"format":"emotion-iot-mo');
    assert.throws(() => loadModel(dir, 'Ana'), /model file for participant "Ana" was damaged \(.*\) and is moved to .*set-aside\/models\/ana-~\S+\.json: train the model again/);
    assert.throws(() => loadModel(dir, 'Ana'), /no model for participant "Ana" yet/, 'out of the way of the next training');
    await writeFile(path, JSON.stringify({ ...model('Ana'), version: 2 }));
    assert.throws(() => loadModel(dir, 'Ana'), /version 2 is newer/);
    await writeFile(path, JSON.stringify({ ...model('Ana'), bias: [0, 0] }));
    assert.throws(() => loadModel(dir, 'Ana'), /weights do not match/);
    assert.throws(() => saveModel(dir, { ...model('Ana'), standardisation: { mean: [1], std: [1] } }), /standardisation/);
    const classes = ['angry', 'happy', 'sad'].map((label) => ({ label, mean: [0, 0], cov: [[1, 0], [0, 1]], rows: 70 }));
    const phasic = (std: number) => ({ classes, phasic: [{ label: 'happy', mean: -4, std, windows: 70 }], threshold: 2.8 });
    saveModel(dir, { ...model('Ana'), familiarity: phasic(0.4) });
    assert.throws(() => saveModel(dir, { ...model('Ana'), familiarity: phasic(0) }), /familiarity.phasic/);
  });

  it('refuses a tampered model at load with what is wrong: whose it is, standardisation, familiarity', async () => {
    const path = saveModel(dir, model('Alice'));
    const classes = ['angry', 'happy', 'sad'].map((label) => ({ label, mean: [0, 0], cov: [[1, 0], [0, 1]], rows: 70 }));
    const tampered: [Record<string, unknown>, RegExp][] = [
      [{ participant: 'Bob' }, /for participant "Alice" .* is the model of "Bob": it never answers for someone else/],
      [{ participant: '../x' }, /its participant is not a valid name/],
      [{ standardisation: { mean: [3, 75], std: [1e-300, 10] } }, /standardisation\.std\[0\] is 1e-300, below 0\.000001/],
      [{ standardisation: { mean: [3, 75], std: [0, 10] } }, /standardisation\.std\[0\] is 0/],
      [{ familiarity: { classes, threshold: null } }, /familiarity\.threshold is null, not a positive number/],
      [{ familiarity: { classes, threshold: -1 } }, /familiarity\.threshold is -1, not a positive number/],
      [{ familiarity: { classes: classes.map((c) => ({ ...c, cov: null })), threshold: 2.8 } }, /familiarity .*not a finite number/],
      [{ familiarity: { classes: classes.map((c) => ({ ...c, cov: [['1', 0], [0, 1]] })), threshold: 2.8 } }, /familiarity .*not a finite number/],
      [{ familiarity: { classes: classes.map((c) => ({ ...c, mean: [null, 0] })), threshold: 2.8 } }, /familiarity .*not a finite number/],
    ];
    for (const [change, why] of tampered) {
      await writeFile(path, JSON.stringify({ ...model('Alice'), ...change }));
      assert.throws(() => loadModel(dir, 'Alice'), why, JSON.stringify(change));
    }
    // fields this version does not know (a newer trainer's metrics or calibration) do not matter
    await writeFile(path, JSON.stringify({ ...model('Alice'), familiarity: { classes, threshold: 2.8 }, calibration: { method: 'x' }, verdict: 'separable' }));
    assert.equal(loadModel(dir, 'ALICE').participant, 'Alice');
  });

  it('deletes a participant model', () => {
    saveModel(dir, model('Ana'));
    assert.equal(deleteModel(dir, 'Ana'), true);
    assert.equal(deleteModel(dir, 'Ana'), false);
    assert.throws(() => loadModel(dir, 'Ana'), /no model/);
  });
});
