import assert from 'node:assert/strict';
import { calibrate, expectedCalibrationError, fitTemperature } from '../../src/model/calibration';
import { createLocalBackend } from '../../src/model/local-backend';
import { logits, predictProbabilities, softmax } from '../../src/model/model-file';
import { mulberry32 } from '../../src/model/prng';
import { SCENARIOS, trainReal } from '../support/real-affect-protocol';
import { stressPredictIds } from '../support/real-recordings';

/** n windows whose true classes are drawn from softmax(logits / trueTemperature). */
function drawn(n: number, trueTemperature: number, seed = 1): { logits: number[][]; actual: number[] } {
  const random = mulberry32(seed);
  const out = { logits: [] as number[][], actual: [] as number[] };
  for (let i = 0; i < n; i++) {
    const z = [0, 1, 2].map(() => 6 * random() - 3);
    const p = softmax(z, trueTemperature);
    const u = random();
    out.logits.push(z);
    out.actual.push(u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2);
  }
  return out;
}

describe('calibrated confidence (temperature scaling on held-out windows)', function () {
  this.timeout(120_000);

  it('recovers the temperature that makes the answers as right as they are sure', () => {
    for (const t of [0.5, 1, 2.5]) {
      const { logits: z, actual } = drawn(5000, t);
      const fitted = fitTemperature(z, actual);
      assert.ok(Math.abs(fitted - t) / t < 0.1, `true ${t}, fitted ${fitted}`);
    }
  });

  it('turns over-confident answers into ones right as often as they say: expected calibration error falls', () => {
    const { logits: z, actual } = drawn(5000, 3);
    const c = calibrate(z, actual);
    assert.ok(c.fitted && c.windows === 5000);
    assert.ok(c.eceUncalibrated > 0.1, `uncalibrated ${c.eceUncalibrated}`);
    assert.ok(c.ece < 0.02, `calibrated ${c.ece}`);
    // among answers given at 70-90 %, about that share is right
    const p = z.map((row) => softmax(row, c.temperature));
    const band = p.map((q, i) => ({ q: Math.max(...q), right: q.indexOf(Math.max(...q)) === actual[i] })).filter((a) => a.q >= 0.7 && a.q < 0.9);
    const said = band.reduce((s, a) => s + a.q, 0) / band.length;
    const right = band.filter((a) => a.right).length / band.length;
    assert.ok(Math.abs(said - right) < 0.03, `said ${said}, right ${right} (${band.length} answers)`);
  });

  it('measures the expected calibration error over 10 bins of confidence', () => {
    // 10 answers at 0.95 of which 5 are right; 10 at 0.55 all right: |0.95-0.5|/2 + |0.55-1|/2
    const sure = Array.from({ length: 10 }, () => [0.95, 0.05]);
    const timid = Array.from({ length: 10 }, () => [0.55, 0.45]);
    const actual = [...Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : 1)), ...Array.from({ length: 10 }, () => 0)];
    assert.ok(Math.abs(expectedCalibrationError([...sure, ...timid], actual) - (0.45 / 2 + 0.45 / 2)) < 1e-12);
  });

  it('never claims certainty from a few right answers (rule of succession), and keeps T = 1 with none', () => {
    const six = Array.from({ length: 6 }, () => [2, 0, 0]);
    const c = calibrate(six, [0, 0, 0, 0, 0, 0]);
    assert.ok(Math.abs(softmax(six[0], c.temperature)[0] - 7 / 9) < 1e-3, '6 of 6 right, 3 moods: (6 + 1) / (6 + 3)');
    assert.deepEqual(calibrate([], []), { temperature: 1, fitted: false, windows: 0, ece: 0, eceUncalibrated: 0 });
  });

  it('on real people: emotion-infer answers with the calibrated confidence, more reliable than the raw one', async () => {
    const two = SCENARIOS.find((s) => s.name === 'two sessions per mood')!;
    const models = stressPredictIds().map((id) => trainReal(id, two));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const before = mean(models.map((m) => m.metrics.calibration!.eceUncalibrated));
    const after = mean(models.map((m) => m.metrics.calibration!.ece));
    // each person's temperature is fitted on their own held-out windows; a model worse than chance on later
    // sessions (a few here) stays off however soft its answers: ECE falls by over 40 %, not to 0
    assert.ok(after < 0.6 * before, `mean ECE over the 11 people: ${before.toFixed(3)} raw, ${after.toFixed(3)} calibrated`);
    const model = models[0];
    const x = [model.standardisation.mean[0] * 1.3, model.standardisation.mean[1]];
    const answer = await createLocalBackend(model).predict(x);
    assert.deepEqual(answer.scores, softmax(logits(model, x), model.metrics.calibration!.temperature));
    assert.equal(answer.calibrated, true);
    const raw = predictProbabilities(model, x);
    assert.equal(answer.index, raw.indexOf(Math.max(...raw)), 'the most likely mood does not change');
  });
});
