import assert from 'node:assert/strict';
import { wilson } from '../../src/model/held-out-metrics';
import { modelCard } from '../../src/model/model-card';
import { trainModel } from '../../src/model/train';
import { testModel } from '../support/infer-model';
import { recordMoods } from '../support/held-out-sessions';
import { SCENARIOS, trainReal } from '../support/real-affect-protocol';

describe('model card', function () {
  this.timeout(30_000);

  it('on a real recording: held-out balanced accuracy next to chance, its interval, sessions per mood, the verdict in words', () => {
    const model = trainReal('S09', SCENARIOS.find((s) => s.name === 'two sessions per mood')!);
    const m = model.metrics;
    const card = modelCard(model);
    assert.equal(card.participant, 'S09');
    assert.equal(card.trainedAt, model.trainedAt);
    assert.equal(card.simulated, false);
    assert.equal(card.balancedAccuracy, m.balancedAccuracy);
    assert.equal(card.accuracy, m.accuracy);
    assert.equal(card.chance, 0.5);
    assert.deepEqual(card.interval, m.interval);
    assert.deepEqual(card.sessionsPerMood, { rest: 2, stress: 2 });
    assert.equal(card.testWindows, m.testWindows);
    assert.equal(card.windowSeconds, 10);
    assert.equal(card.heldOut, 'leave-one-session-out');
    assert.equal(card.optimistic, false);
    assert.equal(card.verdict, m.verdict);
    assert.equal(card.verdictReason, m.verdictReason);
    assert.deepEqual(card.occasionsPerMood, { rest: 1, stress: 1 });
    // S09 is above chance on the other sessions of the same hour: not yet a verdict on another day
    assert.equal(card.verdict, 'not-measurable');
    assert.match(card.verdictReason, /^not measurable yet: every session of rest, stress comes from one sitting, .*\(within the sitting: \d+ % on held-out windows, 95 % interval \d+ %–\d+ %, chance 50 %\)/);
    // the published figure, named for what it is, with its own interval over the random split's seconds
    assert.equal(card.randomSplitAccuracy, m.randomSplitAccuracy);
    assert.equal(card.testRows, model.rows.test);
    assert.deepEqual(card.randomSplitInterval, wilson(Math.round(m.randomSplitAccuracy! * card.testRows), card.testRows));
    // how reliable the confidence is, and the unfamiliar limit from the person's own held-out windows
    assert.deepEqual(card.calibration, m.calibration);
    assert.ok(card.calibration!.ece >= 0 && card.calibration!.ece < 0.5);
    assert.deepEqual(card.unfamiliarLimit, { threshold: model.familiarity!.threshold, from: 'held-out', windows: m.testWindows });
    assert.equal(Object.values(card.rowsPerLabel).reduce((a, b) => a + b, 0), model.rows.fitted);
    assert.equal(card.warning, undefined);
  });

  it('flags one session per mood as optimistic, and warns when a mood has too few held-out windows', () => {
    const model = trainModel(recordMoods(2, 'ana', ['angry', 'happy', 'sad'], 90, Date.UTC(2026, 0, 1)), { participant: 'Ana' });
    const card = modelCard(model);
    assert.equal(card.simulated, true);
    assert.equal(card.heldOut, 'end-of-session');
    assert.equal(card.optimistic, true);
    assert.equal(card.verdict, 'not-measurable');
    assert.match(card.warning!, /^only 6 held-out windows \(angry 2, happy 2, sad 2\): the figure could be far off/);
  });

  it('gives 100 % of 12 test rows an honest interval, not a certainty', () => {
    const [low, high] = wilson(12, 12);
    assert.equal(high, 1);
    assert.ok(low > 0.7 && low < 0.8, `lower bound ${low}`);
    const [l2, h2] = wilson(900, 1000);
    assert.ok(l2 > 0.87 && l2 < 0.9 && h2 > 0.9 && h2 < 0.92, `${l2}-${h2}`);
  });

  it('works for model files saved before the held-out metrics: their figure is the random split\'s, and it says to train again', () => {
    const old = testModel('bo', {
      metrics: { accuracy: 0.5, labels: ['angry', 'happy', 'sad'], confusion: [], perClass: ['angry', 'happy', 'sad'].map((label) => ({ label, precision: 1, recall: 1, f1: 1, support: 20 })) },
    });
    const card = modelCard(old);
    assert.deepEqual(card.rowsPerLabel, { angry: 20, happy: 20, sad: 20 }, 'test rows per mood, before rows per mood were kept');
    assert.equal(card.verdict, undefined);
    assert.equal(card.balancedAccuracy, null);
    assert.equal(card.randomSplitAccuracy, 0.5);
    assert.equal(card.testRows, 60);
    assert.deepEqual(card.randomSplitInterval, wilson(30, 60));
    assert.match(card.verdictReason, /random split of single seconds .*train again/);
    assert.equal(card.rocAuc, undefined);
    assert.equal(card.calibration, undefined);
  });
});
