import assert from 'node:assert/strict';
import { predictProbabilities, type ModelFile } from '../../src/model/model-file';
import { fitStandardisation } from '../../src/model/standardise';
import { prepareData, trainModel } from '../../src/model/train';
import { sessionWindows } from '../../src/model/windows';
import type { SensorRecord } from '../../src/record/record';
import { publishedLikeRecords } from '../reference/published-like';

const argmax = (p: number[]) => p.indexOf(Math.max(...p));
const withoutTime = (m: ModelFile) => ({ ...m, trainedAt: '' });

/** `seconds` one-second records per session of each mood, sessions of 60 s. */
function recorded(perMood: Record<string, number>, extra: (i: number) => Partial<SensorRecord> = () => ({})): SensorRecord[] {
  const centre: Record<string, [number, number]> = { angry: [9, 95], happy: [6, 80], sad: [4, 70], calm: [2, 60] };
  const out: SensorRecord[] = [];
  let t = 0;
  for (const [mood, seconds] of Object.entries(perMood)) {
    for (let i = 0; i < seconds; i++) {
      const wobble = Math.sin(i * 12.9898 + mood.length) * 1.5;
      out.push({
        participant: 'ana',
        timestamp: (t += 1000),
        gsr: centre[mood][0] + wobble,
        bpm: centre[mood][1] + 4 * Math.cos(i * 78.233),
        mood,
        session: `${mood}-${Math.floor(i / 60)}`,
        ...extra(i),
      });
    }
  }
  return out;
}

describe('trainModel', () => {
  const records = publishedLikeRecords(1500, 11, 60);

  it('returns a complete model file, fitted on every clean row, scored on held-out windows', () => {
    const model = trainModel(records, { participant: 'ana' });
    assert.equal(model.format, 'emotion-iot-model');
    assert.equal(model.participant, 'ana');
    assert.deepEqual(model.features, ['gsr', 'bpm']);
    assert.deepEqual(model.labels, ['angry', 'happy', 'sad']);
    assert.equal(model.weights.length, 3);
    assert.ok(model.weights.every((w) => w.length === 2) && model.bias.length === 3);
    assert.ok(!Number.isNaN(Date.parse(model.trainedAt)));
    assert.deepEqual(JSON.parse(JSON.stringify(model)), model, 'survives JSON (no NaN or Infinity)');

    const data = prepareData(records, { participant: 'ana' });
    assert.deepEqual(model.standardisation, fitStandardisation(data.clean.x), 'standardisation from every clean row');
    assert.equal(model.rows.fitted, data.clean.x.length);
    // every mood was recorded in many 60-s sessions, all angry, then happy, then sad: sad's sessions after its
    // first follow one of every mood (each answered by a model trained on the sessions before it); angry's and
    // happy's never do, so their last session is answered by a model trained on every other
    const sessions = sessionWindows(data.clean, 10);
    const of = (k: number) => sessions.filter((s) => s.label === k);
    const windows = [...of(2).slice(1), of(0).at(-1)!, of(1).at(-1)!].reduce((n, s) => n + s.windows.length, 0);
    assert.equal(model.metrics.heldOut, 'leave-one-session-out');
    assert.equal(model.metrics.testWindows, windows);
    assert.equal(model.metrics.confusion.flat().reduce((a, b) => a + b, 0), windows, 'the confusion counts windows, not seconds');
    assert.ok(model.metrics.balancedAccuracy! > 0.85, `balanced accuracy ${model.metrics.balancedAccuracy}`);
    // ... but all in one sitting (back to back): how it does on another day is not measured
    assert.equal(model.metrics.verdict, 'not-measurable');
    assert.match(model.metrics.verdictReason!, /comes from one sitting/);
    assert.deepEqual(
      model.metrics.roc!.map((r) => r.label),
      model.labels,
    );
    assert.ok(model.metrics.roc!.every((r) => r.auc > 0.9 && r.auc <= 1));
    // the published figure, kept under its own name: single seconds of a random split
    assert.equal(model.metrics.randomSplit!.testRows, data.test.x.length);
    assert.equal(model.metrics.randomSplitAccuracy, model.metrics.randomSplit!.accuracy);
    assert.ok(model.metrics.randomSplitAccuracy! > 0.85);
  });

  it('accounts for every record: train + test + warm-up + invalid = total', () => {
    const input = [...recorded({ angry: 120, happy: 120, sad: 120 }), { participant: 'ana', timestamp: 1, session: 'x', mood: 'sad' } as SensorRecord];
    const model = trainModel(input, { participant: 'ana', warmupSeconds: 10 });
    const r = model.rows;
    assert.equal(r.total, 361);
    assert.equal(r.droppedWarmup, 6 * 10, 'two 60 s sessions per mood, 10 s each');
    assert.equal(r.droppedInvalid, 1);
    assert.equal(r.train + r.test + r.droppedWarmup + r.droppedInvalid, r.total);
    assert.equal(r.test, 3 * 20, 'the random split');
    assert.equal(r.fitted, r.train + r.test, 'the saved model: every clean row');
  });

  it('oversamples the fitted rows with SMOTE when a mood is under-represented, and only then', () => {
    const imbalanced = recorded({ angry: 300, happy: 300, sad: 130 });
    const auto = trainModel(imbalanced, { participant: 'ana', warmupSeconds: 0 });
    // the saved model fits 300 / 300 / 130 rows -> 170 synthetic sad rows
    assert.equal(auto.rows.synthetic, 170);
    assert.equal(auto.hyperparameters.smoteApplied, true);
    assert.equal(auto.rows.test, 60 + 60 + 26, 'random-split test rows are real rows only');
    assert.equal(auto.hyperparameters.sklearnC, 1 / (1e-4 * (auto.rows.fitted! + auto.rows.synthetic)));
    const off = trainModel(imbalanced, { participant: 'ana', warmupSeconds: 0, smote: 'off' });
    assert.equal(off.rows.synthetic, 0);
    const balanced = trainModel(recorded({ angry: 300, happy: 300, sad: 290 }), { participant: 'ana', warmupSeconds: 0 });
    assert.equal(balanced.rows.synthetic, 0);
    assert.equal(balanced.hyperparameters.smoteApplied, false);
  });

  it('marks the model simulated when any record came from the simulated hat', () => {
    assert.equal(trainModel(recorded({ angry: 40, happy: 40, sad: 40 }), { participant: 'a', warmupSeconds: 0 }).simulated, false);
    const sim = recorded({ angry: 40, happy: 40, sad: 40 }, (i) => (i === 3 ? { simulated: true } : {}));
    assert.equal(trainModel(sim, { participant: 'a', warmupSeconds: 0 }).simulated, true);
  });

  it('learns window features by name over its detection window, with other labels', () => {
    // the same GSR and BPM in both; stressed: beat intervals swinging by 80 ms, calm: by 10 ms (RMSSD 80 vs 10)
    const input = recorded({ angry: 80, happy: 80, sad: 80 }, (i) => ({ ibiMs: [800 + (i % 2 ? 40 : -40)] })).map((r, i) => ({
      ...r,
      gsr: 5 + (i % 3) * 0.1,
      bpm: 75 + (i % 5),
      mood: r.mood === 'angry' ? 'stressed' : 'calm',
      ...(r.mood === 'angry' ? {} : { ibiMs: [800 + (i % 2 ? 5 : -5)] }),
    }));
    const model = trainModel(input, { participant: 'a', features: ['gsr', 'bpm', 'hrvRmssd'], windowSeconds: 10, labels: ['calm', 'stressed'], warmupSeconds: 0 });
    assert.deepEqual(model.features, ['gsr', 'bpm', 'hrvRmssd']);
    assert.equal(model.hyperparameters.windowSeconds, 10);
    assert.equal(model.weights.length, 2);
    assert.equal(model.weights[0].length, 3);
    assert.equal(argmax(predictProbabilities(model, [5.1, 77, 80])), 1);
    assert.equal(argmax(predictProbabilities(model, [5.1, 77, 10])), 0);
  });

  it('refuses a feature it does not know, naming the ones it does', () => {
    assert.throws(() => trainModel(records, { participant: 'a', features: ['gsr', 'pupil'] }), /unknown feature 'pupil' \(known: gsr, bpm, gsrSlope/);
  });

  it('is reproducible for a seed', () => {
    const a = trainModel(records, { participant: 'ana', seed: 5 });
    assert.deepEqual(withoutTime(a), withoutTime(trainModel(records, { participant: 'ana', seed: 5 })));
    assert.notDeepEqual(a.weights, trainModel(records, { participant: 'ana', seed: 6 }).weights);
  });

  it('reports progress stage by stage, never going backwards, ending at 1', () => {
    const seen: [string, number][] = [];
    trainModel(records, { participant: 'ana' }, (stage, fraction) => seen.push([stage, fraction]));
    const stages = [...new Set(seen.map(([s]) => s))];
    assert.deepEqual(stages, ['cleaning', 'splitting', 'evaluating', 'calibrating', 'fitting', 'done']);
    seen.forEach(([, f], i) => assert.ok(i === 0 || f >= seen[i - 1][1], `progress went back at ${seen[i][0]}`));
    assert.deepEqual(seen.at(-1), ['done', 1]);
  });

  it('trains an optional mood (e.g. calm) as a fourth class only for a participant who recorded it', () => {
    const withCalm = trainModel(recorded({ angry: 60, happy: 60, sad: 60, calm: 60 }), { participant: 'ana', optionalLabels: ['calm'] });
    assert.deepEqual(withCalm.labels, ['angry', 'happy', 'sad', 'calm']);
    assert.equal(argmax(predictProbabilities(withCalm, [2, 60])), 3);
    assert.deepEqual(withCalm.rowsPerLabel && Object.keys(withCalm.rowsPerLabel), ['angry', 'happy', 'sad', 'calm']);
    assert.equal(withCalm.familiarity?.classes.length, 4);
    const without = trainModel(recorded({ angry: 60, happy: 60, sad: 60 }), { participant: 'ana', optionalLabels: ['calm'] });
    assert.deepEqual(without.labels, ['angry', 'happy', 'sad']);
    assert.throws(
      () => trainModel(recorded({ angry: 60, happy: 60, sad: 60, calm: 12 }), { participant: 'ana', optionalLabels: ['calm'] }),
      /'calm' 2 .*record more 'calm' data first/,
    );
  });

  describe('errors a user can act on', () => {
    it('no records at all', () => {
      assert.throws(() => trainModel([], { participant: 'ana' }), /no records for participant 'ana'/);
    });

    it('a mood with no rows, saying how many rows were invalid', () => {
      const input = [...recorded({ angry: 100, happy: 100 }), ...recorded({ sad: 30 }, () => ({ bpm: Number.NaN }))];
      assert.throws(
        () => trainModel(input, { participant: 'ana', warmupSeconds: 0 }),
        /^Error: too few usable rows for participant 'ana': 'sad' 0 \(need at least 10 each; 30 rows were invalid\): record more 'sad' data first$/,
      );
    });

    it('a mood with too few rows, saying how many were dropped as warm-up', () => {
      assert.throws(
        () => trainModel(recorded({ angry: 100, happy: 100, sad: 15 }), { participant: 'ana', warmupSeconds: 10 }),
        /too few usable rows .*'sad' 5 \(need at least 10 each; the first 10 s of each session are dropped as warm-up.*record more 'sad' data/,
      );
    });

    it('with window features, sessions too short for a window and the warm-up: the error says how long to record', () => {
      const features = ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize'];
      assert.throws(
        () => trainModel(recorded({ angry: 35, happy: 35, sad: 35 }), { participant: 'ana', features, windowSeconds: 30 }),
        /'angry' 0, 'happy' 0, 'sad' 0 \(need at least 10 each; with 30-s windows a session's first 39 s give no rows: record sessions of 60 s or more;/,
      );
      assert.throws(
        () => trainModel(recorded({ angry: 70, happy: 70, sad: 70 }), { participant: 'ana', features, windowSeconds: 60 }),
        /'angry' 0, 'happy' 0, 'sad' 0 .*with 60-s windows a session's first 69 s give no rows: record sessions of 90 s or more;/,
      );
      assert.doesNotThrow(() => trainModel(recorded({ angry: 60, happy: 60, sad: 60 }), { participant: 'ana', features, windowSeconds: 30 }), 'the advised minute is enough');
    });

    it('every short mood at once, not only the first', () => {
      assert.throws(
        () => trainModel(recorded({ angry: 3, happy: 100, sad: 12 }), { participant: 'ana', warmupSeconds: 5 }),
        /too few usable rows for participant 'ana': 'angry' 0, 'sad' 7 .*record more 'angry', 'sad' data first/,
      );
    });

    it('an invalid option, named', () => {
      const input = recorded({ angry: 50, happy: 50, sad: 50 });
      assert.throws(() => trainModel(input, { participant: 'ana', testFraction: 1 }), /invalid training option: testFraction/);
      assert.throws(() => trainModel(input, { participant: 'ana', labels: ['sad'] }), /invalid training option: labels/);
      assert.throws(() => trainModel(input, { participant: 'ana', l2: -1 }), /invalid training option: l2/);
      assert.throws(() => trainModel(input, { participant: '' }), /invalid training option: participant/);
      assert.throws(() => trainModel(input, { participant: 'a', smote: 'yes' as 'auto' }), /invalid training option: smote/);
    });

    it('a solver that does not converge', () => {
      assert.throws(() => trainModel(records, { participant: 'ana', maxIterations: 1, tolerance: 1e-15 }), /did not converge in 1 iterations/);
    });
  });
});
