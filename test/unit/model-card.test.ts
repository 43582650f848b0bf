import assert from 'node:assert/strict';
import { modelCard, wilson } from '../../src/model/model-card';
import { trainModel } from '../../src/model/train';
import { testModel } from '../support/infer-model';
import { recordMoods } from '../support/held-out-sessions';

describe('model card', () => {
  it('says when, on how many rows per mood, how well (with its 95 % interval and ROC AUC), and simulated', () => {
    const model = trainModel(recordMoods(2, 'ana', ['angry', 'happy', 'sad'], 90, Date.UTC(2026, 0, 1)), { participant: 'Ana' });
    const card = modelCard(model);
    assert.equal(card.participant, 'Ana');
    assert.equal(card.trainedAt, model.trainedAt);
    assert.equal(card.simulated, true);
    assert.deepEqual(Object.keys(card.rowsPerLabel), ['angry', 'happy', 'sad']);
    assert.equal(Object.values(card.rowsPerLabel).reduce((a, b) => a + b, 0), model.rows.train + model.rows.test);
    assert.equal(card.testRows, model.rows.test);
    assert.equal(card.accuracy, model.metrics.accuracy);
    assert.ok(card.accuracyInterval[0] < card.accuracy && card.accuracy <= card.accuracyInterval[1]);
    assert.ok(card.rocAuc! > 0.5 && card.rocAuc! <= 1);
    assert.equal(card.warning, undefined);
  });

  it('warns when a mood has too few test rows for the accuracy to mean much', () => {
    const model = trainModel(recordMoods(2, 'ana', ['angry', 'happy', 'sad'], 25, Date.UTC(2026, 0, 1)), { participant: 'Ana', warmupSeconds: 0 });
    const card = modelCard(model);
    assert.ok(card.testRows < 20);
    assert.match(card.warning!, /^only \d+ test rows \(angry \d, happy \d, sad \d\): the accuracy could be far off/);
  });

  it('gives 100 % of 12 test rows an honest interval, not a certainty', () => {
    const [low, high] = wilson(12, 12);
    assert.equal(high, 1);
    assert.ok(low > 0.7 && low < 0.8, `lower bound ${low}`);
    const [l2, h2] = wilson(900, 1000);
    assert.ok(l2 > 0.87 && l2 < 0.9 && h2 > 0.9 && h2 < 0.92, `${l2}-${h2}`);
  });

  it('works for model files saved before rows per mood were kept (test rows per mood instead)', () => {
    const old = testModel('bo', {
      metrics: { accuracy: 0.5, labels: ['angry', 'happy', 'sad'], confusion: [], perClass: ['angry', 'happy', 'sad'].map((label) => ({ label, precision: 1, recall: 1, f1: 1, support: 20 })) },
    });
    const card = modelCard(old);
    assert.deepEqual(card.rowsPerLabel, { angry: 20, happy: 20, sad: 20 });
    assert.equal(card.testRows, 60);
    assert.equal(card.rocAuc, undefined);
  });
});
