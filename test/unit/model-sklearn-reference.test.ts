import assert from 'node:assert/strict';
import { predictProbabilities } from '../../src/model/model-file';
import { prepareData, trainModel, type TrainOptions } from '../../src/model/train';
import { publishedLikeRecords } from '../reference/published-like';
import { sklearnReference, type SklearnResult } from '../reference/sklearn';

// The trainer against scikit-learn's LogisticRegression(multi_class='multinomial') on the same 11,000
// rows (the published data set's size), the same train/test split and the same L2 strength
// (C = 1 / (l2 * training rows)). Needs Debian's python3-sklearn under /usr/bin/python3.
describe('trainer vs scikit-learn (reference)', function () {
  this.timeout(60_000);
  const records = publishedLikeRecords(11_000);
  const centred = (v: number[]) => v.map((x) => x - v.reduce((a, b) => a + b, 0) / v.length);
  const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

  for (const l2 of [1e-4, 1e-2]) {
    describe(`l2 = ${l2}`, () => {
      const options: Partial<TrainOptions> & { participant: string } = { participant: 'reference', warmupSeconds: 0, smote: 'off', l2 };
      let model: ReturnType<typeof trainModel>;
      let data: ReturnType<typeof prepareData>;
      let sk: SklearnResult;

      before(() => {
        model = trainModel(records, options);
        data = prepareData(records, options);
        sk = sklearnReference(data, model.hyperparameters.sklearnC as number);
      });

      it('fits the same 11,000 rows with the same split', () => {
        assert.equal(data.train.x.length + data.test.x.length, 11_000);
        assert.equal(sk.testProbabilities.length, model.rows.test);
        assert.deepEqual(sk.classes, [0, 1, 2]);
      });

      it('has the same test accuracy, within 0.5 percentage points', () => {
        assert.ok(Math.abs(model.metrics.accuracy - sk.testAccuracy) <= 0.005, `${model.metrics.accuracy} vs ${sk.testAccuracy}`);
      });

      it('predicts the same probabilities (max abs difference < 1e-3)', () => {
        const diffs = data.test.x.map((x, i) => maxDiff(predictProbabilities(model, x), sk.testProbabilities[i]));
        assert.ok(Math.max(...diffs) < 1e-3, `max difference ${Math.max(...diffs)}`);
      });

      it('has the same coefficients on standardised features, and the same intercepts up to a common shift', () => {
        model.weights.forEach((w, k) => assert.ok(maxDiff(w, sk.coef[k]) < 1e-3, `class ${k}: ${w} vs ${sk.coef[k]}`));
        assert.ok(maxDiff(centred(model.bias), centred(sk.intercept)) < 1e-3, `${model.bias} vs ${sk.intercept}`);
      });

      it('has the same one-vs-rest AUC as sklearn.metrics.roc_auc_score', () => {
        model.metrics.roc!.forEach((roc, k) => assert.ok(Math.abs(roc.auc - sk.auc[k]) < 1e-3, `${roc.label}: ${roc.auc} vs ${sk.auc[k]}`));
      });
    });
  }
});
