import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { answerEmotion } from '../../src/model/emotion-answer';
import { createLocalBackend } from '../../src/model/local-backend';
import { modelCard } from '../../src/model/model-card';
import { predictProbabilities } from '../../src/model/model-file';
import { loadModel } from '../../src/model/model-store';
import { modelPath } from '../../src/record/paths';
import { DATA_DIR } from '../support/real-recordings';

// A model file saved by the version before the held-out metrics (test/data/models/README): it must keep
// loading and answering as it did, and its card must say what its figure is.
describe('model files saved before the held-out metrics', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'old-models-'));
    const path = modelPath(dir, 'S02');
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(join(DATA_DIR, 'models', 's02-before-held-out.json'), path);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('load, and answer with their own (uncalibrated) probabilities, no verdict and no caveat', async () => {
    const model = loadModel(dir, 'S02');
    assert.equal(model.metrics.verdict, undefined);
    const features = { gsr: model.standardisation.mean[0], bpm: model.standardisation.mean[1] + 5 };
    const answer = await answerEmotion({ backend: createLocalBackend(model), features, participant: 'S02', labels: model.labels, threshold: 0, startedAt: 0 });
    assert.deepEqual(Object.values(answer.scores), predictProbabilities(model, [features.gsr, features.bpm]));
    assert.equal(answer.verdict, undefined);
    assert.equal(answer.caveat, undefined);
    assert.equal(answer.calibrated, undefined);
    assert.notEqual(answer.label, 'uncertain');
    assert.equal(answer.familiarLimit, 2.8, 'the limit it was saved with');
  });

  it('show their random-split accuracy for what it is on the card, and ask for a new training', () => {
    const card = modelCard(loadModel(dir, 'S02'));
    assert.equal(card.verdict, undefined);
    assert.equal(card.balancedAccuracy, null);
    assert.ok(card.randomSplitAccuracy > 0.9, 'the flattering figure of the old split');
    assert.match(card.verdictReason, /^trained by an earlier version, whose accuracy came from a random split of single seconds/);
  });
});
