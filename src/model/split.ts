import { shuffle, type Random } from './prng';

/**
 * Stratified train/test split: each class contributes round(testFraction * its rows) test rows (at least
 * one, and at least one left for training when it has two or more), chosen by a seeded shuffle, so the
 * test split has the class mix of the whole data set. Indices come back in ascending order.
 */
export function stratifiedSplit(
  y: readonly number[],
  classes: number,
  testFraction: number,
  random: Random,
): { train: number[]; test: number[] } {
  const byClass = Array.from({ length: classes }, () => [] as number[]);
  y.forEach((c, i) => byClass[c].push(i));
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of byClass) {
    if (indices.length === 0) continue;
    shuffle(indices, random);
    const nTest = Math.min(Math.max(1, Math.round(testFraction * indices.length)), Math.max(1, indices.length - 1));
    // a loop, not push(...): a year of one person's records (650,000 rows) is more arguments than a call takes
    indices.forEach((index, k) => (k < nTest ? test : train).push(index));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}
