import { randomInt, type Random } from './prng';

/**
 * SMOTE (Chawla et al. 2002) as imbalanced-learn describes and implements it: each synthetic sample
 * takes a minority sample chosen uniformly at random, one of its k nearest neighbours within the same
 * class chosen uniformly at random, and a point on the segment between them at a uniform random gap
 * in [0, 1). Run it on standardised features so every feature counts equally in the distances, and only
 * on the training split so no test row leaks into the training rows.
 */

/** Oversample when the smallest class has fewer than this fraction of the largest class's rows. */
export const SMOTE_IMBALANCE_RATIO = 0.9;

export function isImbalanced(counts: readonly number[]): boolean {
  return Math.min(...counts) < SMOTE_IMBALANCE_RATIO * Math.max(...counts);
}

/**
 * Synthetic rows that bring every class up to the size of the largest one (imbalanced-learn's
 * sampling_strategy 'not majority'). Returns only the new rows; the originals are unchanged.
 */
export function smote(
  x: readonly (readonly number[])[],
  y: readonly number[],
  classes: number,
  k: number,
  random: Random,
): { x: number[][]; y: number[] } {
  const members = Array.from({ length: classes }, () => [] as (readonly number[])[]);
  y.forEach((c, i) => members[c].push(x[i]));
  const target = Math.max(...members.map((m) => m.length));
  const out = { x: [] as number[][], y: [] as number[] };
  members.forEach((points, c) => {
    if (points.length === 0 || points.length === target) return;
    for (const row of smoteClass(points, target - points.length, k, random)) {
      out.x.push(row);
      out.y.push(c);
    }
  });
  return out;
}

/** `count` synthetic points from one class's `points`; k is capped at the class size minus one. */
export function smoteClass(points: readonly (readonly number[])[], count: number, k: number, random: Random): number[][] {
  if (points.length < 2) throw new Error('SMOTE needs at least 2 rows of a class to interpolate between');
  const neighbours = new NeighbourCache(points, Math.min(k, points.length - 1));
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const i = randomInt(random, points.length);
    const near = neighbours.of(i);
    const j = near[randomInt(random, near.length)];
    const gap = random();
    out.push(points[i].map((v, f) => v + gap * (points[j][f] - v)));
  }
  return out;
}

/** k nearest neighbours (Euclidean, excluding the point itself), computed once per point on demand. */
class NeighbourCache {
  private readonly cache = new Map<number, number[]>();

  constructor(
    private readonly points: readonly (readonly number[])[],
    private readonly k: number,
  ) {}

  of(i: number): number[] {
    let near = this.cache.get(i);
    if (!near) {
      near = this.compute(i);
      this.cache.set(i, near);
    }
    return near;
  }

  private compute(i: number): number[] {
    const p = this.points[i];
    // keeps the k best so far, sorted by distance; k is small so insertion beats a full sort
    const best: { j: number; d: number }[] = [];
    this.points.forEach((q, j) => {
      if (j === i) return;
      let d = 0;
      for (let f = 0; f < p.length; f++) d += (p[f] - q[f]) ** 2;
      if (best.length === this.k && d >= best[best.length - 1].d) return;
      let at = best.length;
      while (at > 0 && best[at - 1].d > d) at--;
      best.splice(at, 0, { j, d });
      if (best.length > this.k) best.pop();
    });
    return best.map((b) => b.j);
  }
}
