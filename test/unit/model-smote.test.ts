import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/model/prng';
import { isImbalanced, smote, smoteClass, SMOTE_IMBALANCE_RATIO } from '../../src/model/smote';

function cloud(n: number, seed: number, centre: number[]): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => centre.map((c) => c + random() * 2 - 1));
}

/** The k nearest other points of points[i], by brute force (ties broken by index). */
function nearest(points: number[][], i: number, k: number): number[] {
  return points
    .map((q, j) => ({ j, d: q.reduce((s, v, f) => s + (v - points[i][f]) ** 2, 0) }))
    .filter((e) => e.j !== i)
    .sort((a, b) => a.d - b.d || a.j - b.j)
    .slice(0, k)
    .map((e) => e.j);
}

/** Is s = a + g (b - a) for some gap g in [0, 1)? */
function gapOnSegment(s: number[], a: number[], b: number[]): number | null {
  const f = a.findIndex((v, i) => Math.abs(b[i] - v) > 1e-12);
  if (f < 0) return s.every((v, i) => Math.abs(v - a[i]) < 1e-9) ? 0 : null;
  const g = (s[f] - a[f]) / (b[f] - a[f]);
  if (g < -1e-12 || g >= 1) return null;
  return s.every((v, i) => Math.abs(v - (a[i] + g * (b[i] - a[i]))) < 1e-9) ? g : null;
}

describe('SMOTE', () => {
  it('puts every synthetic point on a segment from a minority point to one of its k nearest minority neighbours', () => {
    const points = cloud(40, 1, [0, 0, 0]);
    const k = 5;
    const synthetic = smoteClass(points, 300, k, mulberry32(2));
    assert.equal(synthetic.length, 300);
    const neighbours = points.map((_, i) => nearest(points, i, k));
    const gaps: number[] = [];
    for (const s of synthetic) {
      const match = points.flatMap((a, i) => neighbours[i].map((j) => gapOnSegment(s, a, points[j]))).find((g) => g !== null);
      assert.ok(match !== undefined, `synthetic point ${s} is on no allowed segment`);
      gaps.push(match);
    }
    // the gap is uniform in [0, 1): both halves used
    assert.ok(gaps.some((g) => g < 0.5) && gaps.some((g) => g > 0.5));
  });

  it('never interpolates towards a point outside the k nearest (two far-apart clumps stay apart)', () => {
    const points = [...cloud(10, 3, [0, 0]), ...cloud(10, 4, [100, 100])];
    const synthetic = smoteClass(points, 200, 3, mulberry32(5));
    for (const s of synthetic) assert.ok(s[0] < 2 || s[0] > 98, `point ${s} lies between the clumps`);
  });

  it('brings every class up to the largest class and labels the new rows', () => {
    const x = [...cloud(50, 6, [0, 0]), ...cloud(20, 7, [3, 3]), ...cloud(35, 8, [6, 0])];
    const y = [...new Array(50).fill(0), ...new Array(20).fill(1), ...new Array(35).fill(2)];
    const out = smote(x, y, 3, 5, mulberry32(9));
    assert.equal(out.x.length, 30 + 15);
    assert.equal(out.y.filter((c) => c === 1).length, 30);
    assert.equal(out.y.filter((c) => c === 2).length, 15);
    // class 1's synthetic rows stay in class 1's cloud
    out.x.filter((_, i) => out.y[i] === 1).forEach((s) => assert.ok(Math.abs(s[0] - 3) <= 1 && Math.abs(s[1] - 3) <= 1));
  });

  it('is deterministic for a seed and different for another', () => {
    const points = cloud(30, 10, [0, 0]);
    assert.deepEqual(smoteClass(points, 20, 5, mulberry32(1)), smoteClass(points, 20, 5, mulberry32(1)));
    assert.notDeepEqual(smoteClass(points, 20, 5, mulberry32(1)), smoteClass(points, 20, 5, mulberry32(2)));
  });

  it('caps k at the class size minus one and refuses a class of one row', () => {
    const points = [
      [0, 0],
      [1, 0],
      [0, 1],
    ];
    const synthetic = smoteClass(points, 50, 5, mulberry32(1));
    assert.equal(synthetic.length, 50);
    assert.throws(() => smoteClass([[1, 2]], 5, 5, mulberry32(1)), /at least 2 rows/);
  });

  it(`counts as imbalanced when a class has less than ${SMOTE_IMBALANCE_RATIO * 100} % of the largest`, () => {
    assert.equal(isImbalanced([100, 95, 90]), false);
    assert.equal(isImbalanced([100, 95, 89]), true);
    assert.equal(isImbalanced([760, 799, 669]), true);
  });
});
