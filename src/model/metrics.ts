import type { ModelMetrics } from './model-file';

/**
 * Test-split metrics as the published notebook reported them: accuracy, per-class precision / recall /
 * F1 / support, the confusion matrix (rows = actual, columns = predicted) and one-vs-rest ROC curves.
 * A class nobody predicted has precision 0, like sklearn's zero_division default.
 */
export type RocCurve = NonNullable<ModelMetrics['roc']>[number];

export function confusionMatrix(actual: readonly number[], predicted: readonly number[], classes: number): number[][] {
  if (actual.length !== predicted.length) throw new Error('actual and predicted must have the same length');
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  actual.forEach((a, i) => {
    m[a][predicted[i]]++;
  });
  return m;
}

/** What a confusion matrix alone tells. */
export type ConfusionMetrics = Pick<ModelMetrics, 'labels' | 'confusion' | 'perClass'> & { accuracy: number };

export function metricsFromConfusion(confusion: readonly (readonly number[])[], labels: readonly string[]): ConfusionMetrics {
  const total = confusion.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = confusion.reduce((s, row, k) => s + row[k], 0);
  const perClass = labels.map((label, k) => {
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((s, row) => s + row[k], 0);
    const precision = predicted > 0 ? confusion[k][k] / predicted : 0;
    const recall = support > 0 ? confusion[k][k] / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    accuracy: total > 0 ? correct / total : 0,
    labels: [...labels],
    confusion: confusion.map((row) => [...row]),
    perClass,
  };
}

/**
 * One ROC curve per class (that class against the rest, scored by its probability), with the area under
 * it by the trapezoid rule over every threshold. The stored points keep only the curve's corners (as
 * sklearn's drop_intermediate does) and at most `maxPoints` of them, so a model file stays small.
 */
export function rocOneVsRest(
  actual: readonly number[],
  scores: readonly (readonly number[])[],
  labels: readonly string[],
  maxPoints = 200,
): RocCurve[] {
  return labels.map((label, k) => {
    const { fp, tp } = rocCounts(
      actual.map((a) => a === k),
      scores.map((s) => s[k]),
    );
    const negatives = fp[fp.length - 1];
    const positives = tp[tp.length - 1];
    const fpr = fp.map((v) => v / negatives);
    const tpr = tp.map((v) => v / positives);
    let auc = 0;
    for (let i = 1; i < fpr.length; i++) auc += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
    const keep = thin(corners(fp, tp), maxPoints);
    return { label, auc, fpr: keep.map((i) => fpr[i]), tpr: keep.map((i) => tpr[i]) };
  });
}

/** Cumulative false and true positives at each distinct threshold, from (0, 0) to (negatives, positives). */
function rocCounts(positive: readonly boolean[], score: readonly number[]): { fp: number[]; tp: number[] } {
  const order = score.map((_, i) => i).sort((a, b) => score[b] - score[a]);
  const fp = [0];
  const tp = [0];
  let f = 0;
  let t = 0;
  order.forEach((i, r) => {
    if (positive[i]) t++;
    else f++;
    const next = order[r + 1];
    if (next === undefined || score[next] !== score[i]) {
      fp.push(f);
      tp.push(t);
    }
  });
  return { fp, tp };
}

/** Indices of the first, the last and every point where the curve changes direction. */
function corners(fp: readonly number[], tp: readonly number[]): number[] {
  const keep = [0];
  for (let i = 1; i < fp.length - 1; i++) {
    if (fp[i + 1] - 2 * fp[i] + fp[i - 1] !== 0 || tp[i + 1] - 2 * tp[i] + tp[i - 1] !== 0) keep.push(i);
  }
  if (fp.length > 1) keep.push(fp.length - 1);
  return keep;
}

/** Evenly spaced subset of `indices` keeping the first and the last. */
function thin(indices: readonly number[], maxPoints: number): number[] {
  const count = Math.max(2, Math.floor(maxPoints));
  if (indices.length <= count) return [...indices];
  const step = (indices.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => indices[Math.round(i * step)]);
}
