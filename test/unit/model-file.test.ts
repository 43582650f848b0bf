import assert from 'node:assert/strict';
import { predictProbabilities, type ModelFile } from '../../src/model/model-file';

function model(partial: Partial<ModelFile>): ModelFile {
  return {
    format: 'emotion-iot-model', version: 1, participant: 'p', features: ['gsr', 'bpm'], labels: ['angry', 'happy', 'sad'],
    standardisation: { mean: [10, 70], std: [2, 10] }, weights: [[1, 0], [0, 1], [0, 0]], bias: [0, 0, 0],
    hyperparameters: {}, metrics: { accuracy: 1, labels: [], confusion: [], perClass: [] }, trainedAt: '2026-01-01T00:00:00Z',
    simulated: true, rows: { total: 0, train: 0, test: 0, droppedWarmup: 0, droppedInvalid: 0, synthetic: 0 }, ...partial,
  };
}

describe('predictProbabilities', () => {
  it('standardises, applies the linear model and returns softmax probabilities', () => {
    // z = [(14-10)/2, (70-70)/10] = [2, 0]; logits = [2, 0, 0]
    const p = predictProbabilities(model({}), [14, 70]);
    const e2 = Math.exp(2);
    assert.ok(Math.abs(p[0] - e2 / (e2 + 2)) < 1e-12);
    assert.ok(Math.abs(p[1] - 1 / (e2 + 2)) < 1e-12);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it('stays finite for extreme inputs', () => {
    const p = predictProbabilities(model({}), [1e6, 70]);
    assert.ok(p.every(Number.isFinite));
    assert.ok(p[0] > 0.999);
  });

  it('refuses a feature vector of the wrong length', () => {
    assert.throws(() => predictProbabilities(model({}), [1]), /expects 2 features/);
  });
});
