import { choleskySolve } from './cholesky';

/**
 * "Does this window look like anything the person recorded?" A softmax is confident far from its
 * training data (a calm person gets "happy, 97 %"), so each model also keeps, per class, the mean and
 * covariance of its standardised training rows (one record per second); a detection window whose
 * mean lies at a Mahalanobis distance above the threshold from every class is answered "uncertain"
 * (reason "unfamiliar") instead of a guess. (Covariances of 10-s window means instead of rows were
 * tried: tighter, so the slow drift between a training and a later session made more false alarms.)
 */
export interface ClassShape {
  label: string;
  /** mean of the class's standardised training rows */
  mean: number[];
  /** their covariance (population), plus RIDGE on the diagonal */
  cov: number[][];
  /** how many training rows the shape was fitted on */
  rows: number;
}

export interface Familiarity {
  classes: ClassShape[];
  /** Mahalanobis distance above which a window is unfamiliar */
  threshold: number;
}

/**
 * Chosen from held-out simulated sessions (bench/unfamiliar-threshold.ts, figures in bench/README.md):
 * 10-s windows after the warm-up of moods the model was trained on are above it at most 5 % of the time,
 * windows of a mood it never saw (calm) at least 90 % of the time.
 */
export const UNFAMILIAR_THRESHOLD = 2.5;

/** Keeps a class whose rows are (nearly) constant in one feature invertible: 0.03 standard deviations. */
const RIDGE = 1e-3;

export function fitFamiliarity(x: readonly (readonly number[])[], y: readonly number[], labels: readonly string[], threshold = UNFAMILIAR_THRESHOLD): Familiarity {
  const classes = labels.map((label, k) => {
    const rows = x.filter((_, i) => y[i] === k);
    const d = x[0]?.length ?? 0;
    const mean = new Array<number>(d).fill(0);
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
    const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? RIDGE : 0)));
    for (const r of rows) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += ((r[i] - mean[i]) * (r[j] - mean[j])) / rows.length;
    return { label, mean: mean.map(round6), cov: cov.map((row) => row.map(round6)), rows: rows.length };
  });
  return { classes, threshold };
}

/** The nearest class by Mahalanobis distance, for one standardised row. */
export function nearestClass(f: Familiarity, z: readonly number[]): { label: string; distance: number } {
  let best = { label: '', distance: Infinity };
  for (const c of f.classes) {
    const diff = z.map((v, j) => v - c.mean[j]);
    const solved = choleskySolve(c.cov, diff);
    if (!solved) continue; // a degenerate class cannot vouch for anything
    const distance = Math.sqrt(Math.max(0, diff.reduce((s, v, j) => s + v * solved[j], 0)));
    if (distance < best.distance) best = { label: c.label, distance };
  }
  return best;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
