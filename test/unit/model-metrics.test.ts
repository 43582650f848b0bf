import assert from 'node:assert/strict';
import { confusionMatrix, metricsFromConfusion, rocOneVsRest } from '../../src/model/metrics';
import { mulberry32 } from '../../src/model/prng';

const LABELS = ['angry', 'happy', 'sad'];
// The published test-split confusion matrix (rows actual, columns predicted).
const PUBLISHED = [
  [760, 0, 0],
  [2, 713, 84],
  [24, 58, 587],
];

const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} != ${expected}`);

describe('model metrics', () => {
  it('reproduces the published accuracy of 92.46 % and its per-class precision and recall', () => {
    const m = metricsFromConfusion(PUBLISHED, LABELS);
    close(m.accuracy, 2060 / 2228);
    assert.equal((m.accuracy * 100).toFixed(2), '92.46');
    const byLabel = Object.fromEntries(m.perClass.map((c) => [c.label, c]));
    close(byLabel.angry.precision, 760 / 786);
    close(byLabel.angry.recall, 1);
    close(byLabel.happy.precision, 713 / 771);
    close(byLabel.happy.recall, 713 / 799);
    close(byLabel.sad.precision, 587 / 671);
    close(byLabel.sad.recall, 587 / 669);
    assert.deepEqual(m.perClass.map((c) => c.support), [760, 799, 669]);
    const p = 587 / 671;
    const r = 587 / 669;
    close(byLabel.sad.f1, (2 * p * r) / (p + r));
    assert.deepEqual(m.confusion, PUBLISHED);
  });

  it('counts confusion[actual][predicted]', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
    assert.deepEqual(m, [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    assert.throws(() => confusionMatrix([0], [0, 1], 3), /same length/);
  });

  it('gives precision 0 (not NaN) for a class that was never predicted', () => {
    const m = metricsFromConfusion(
      [
        [2, 0],
        [1, 0],
      ],
      ['a', 'b'],
    );
    assert.equal(m.perClass[1].precision, 0);
    assert.equal(m.perClass[1].f1, 0);
    close(m.accuracy, 2 / 3);
  });

  describe('one-vs-rest ROC', () => {
    it('has AUC 1 for a perfect ranking and 0 for a reversed one, from (0,0) to (1,1)', () => {
      const actual = [0, 0, 1, 1];
      const scores = [0.9, 0.8, 0.2, 0.1].map((p) => [p, 1 - p]);
      const [a, b] = rocOneVsRest(actual, scores, ['a', 'b']);
      assert.equal(a.auc, 1);
      assert.equal(b.auc, 1);
      assert.deepEqual([a.fpr[0], a.tpr[0]], [0, 0]);
      assert.deepEqual([a.fpr.at(-1), a.tpr.at(-1)], [1, 1]);
      const reversed = rocOneVsRest([1, 1, 0, 0], scores, ['a', 'b']);
      assert.equal(reversed[0].auc, 0);
    });

    it('scores tied predictions as half right (AUC 0.5)', () => {
      const [roc] = rocOneVsRest([0, 1, 0, 1], [[0.5], [0.5], [0.5], [0.5]], ['a']);
      assert.equal(roc.auc, 0.5);
      assert.deepEqual(roc.fpr, [0, 1]);
    });

    it('equals the Mann-Whitney probability that a positive outranks a negative', () => {
      const random = mulberry32(3);
      const actual = Array.from({ length: 400 }, () => Math.floor(random() * 3));
      // rounded scores make ties, which count half
      const scores = actual.map((a) => {
        const raw = [0, 1, 2].map((k) => random() + (k === a ? 0.4 : 0));
        const sum = raw.reduce((s, v) => s + v, 0);
        return raw.map((v) => Math.round((v / sum) * 50) / 50);
      });
      const rocs = rocOneVsRest(actual, scores, LABELS);
      rocs.forEach((roc, k) => {
        const pos = scores.filter((_, i) => actual[i] === k).map((s) => s[k]);
        const neg = scores.filter((_, i) => actual[i] !== k).map((s) => s[k]);
        let wins = 0;
        for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
        close(roc.auc, wins / (pos.length * neg.length), 1e-12);
        assert.ok(roc.auc > 0.6 && roc.auc < 1);
      });
    });

    it('stores only the corners of the curve, at most maxPoints of them, and keeps both ends', () => {
      const random = mulberry32(9);
      const actual = Array.from({ length: 3000 }, () => (random() < 0.5 ? 0 : 1));
      const scores = actual.map((a) => {
        const p = Math.min(1, Math.max(0, random() * 0.8 + (a === 0 ? 0.2 : 0)));
        return [p, 1 - p];
      });
      const [full] = rocOneVsRest(actual, scores, ['a', 'b'], 100000);
      const [thin] = rocOneVsRest(actual, scores, ['a', 'b'], 50);
      assert.ok(full.fpr.length < 3001, 'collinear points dropped');
      assert.equal(thin.fpr.length, 50);
      assert.equal(thin.auc, full.auc, 'AUC uses every threshold, not the stored points');
      assert.deepEqual([thin.fpr[0], thin.tpr[0], thin.fpr[49], thin.tpr[49]], [0, 0, 1, 1]);
      for (let i = 1; i < thin.fpr.length; i++) {
        assert.ok(thin.fpr[i] >= thin.fpr[i - 1] && thin.tpr[i] >= thin.tpr[i - 1], 'monotone');
      }
    });
  });
});
