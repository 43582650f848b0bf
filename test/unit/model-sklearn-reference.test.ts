import assert from 'node:assert/strict';
import { predictProbabilities } from '../../src/model/model-file';
import { prepareData, trainModel, type TrainOptions } from '../../src/model/train';
import { publishedLikeRecords } from '../reference/published-like';
import { sklearnReference, type SklearnResult } from '../reference/sklearn';

// The trainer against scikit-learn's LogisticRegression(multi_class='multinomial') on the same 11,000
// rows (the published data set's size) and the same L2 strength (C = 1 / (l2 * rows fitted)): the saved
// model, fitted on every clean row, against sklearn on those rows; the published random-split figure
// against sklearn fitted on the same split's training rows and scored on its test rows. Needs Debian's
// python3-sklearn under /usr/bin/python3.
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
      let all: SklearnResult;
      let split: SklearnResult;

      before(() => {
        model = trainModel(records, options);
        data = prepareData(records, options);
        // every clean row fitted (and scored: the probabilities are compared on the same rows)
        const everything = { x: data.clean.x, y: data.clean.y };
        all = sklearnReference({ ...data, train: everything, test: everything }, model.hyperparameters.sklearnC as number);
        split = sklearnReference(data, 1 / (l2 * data.train.x.length));
      });

      it('fits the same 11,000 rows, and splits them as published', () => {
        assert.equal(model.rows.fitted, 11_000);
        assert.equal(data.train.x.length + data.test.x.length, 11_000);
        assert.equal(split.testProbabilities.length, model.rows.test);
        assert.deepEqual(all.classes, [0, 1, 2]);
      });

      it('has the same random-split test accuracy, within 0.5 percentage points', () => {
        const mine = model.metrics.randomSplitAccuracy!;
        assert.ok(Math.abs(mine - split.testAccuracy) <= 0.005, `${mine} vs ${split.testAccuracy}`);
      });

      it('predicts the same probabilities (max abs difference < 1e-3)', () => {
        const diffs = data.clean.x.map((x, i) => maxDiff(predictProbabilities(model, x), all.testProbabilities[i]));
        assert.ok(Math.max(...diffs) < 1e-3, `max difference ${Math.max(...diffs)}`);
      });

      it('has the same coefficients on standardised features, and the same intercepts up to a common shift', () => {
        model.weights.forEach((w, k) => assert.ok(maxDiff(w, all.coef[k]) < 1e-3, `class ${k}: ${w} vs ${all.coef[k]}`));
        assert.ok(maxDiff(centred(model.bias), centred(all.intercept)) < 1e-3, `${model.bias} vs ${all.intercept}`);
      });

      it('has the same one-vs-rest AUC on the random split as sklearn.metrics.roc_auc_score', () => {
        model.metrics.randomSplit!.roc!.forEach((roc, k) => assert.ok(Math.abs(roc.auc - split.auc[k]) < 1e-3, `${roc.label}: ${roc.auc} vs ${split.auc[k]}`));
      });
    });
  }
});
