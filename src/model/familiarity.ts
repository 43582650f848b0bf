import { choleskySolve } from './cholesky';

/**
 * "Does this window look like anything the person recorded?" A softmax is confident far from its
 * training data (a calm person gets "happy, 97 %"), so each model also keeps, per class, the mean and
 * covariance of its standardised training rows (one record per second), and how much phasic
 * skin-conductance activity its 10-s runs showed; a detection window lying at a distance above the
 * threshold from every class is answered "uncertain" (reason "unfamiliar") instead of a guess.
 * The distance to a class is the Mahalanobis distance of the window's mean, combined with how many of
 * the class's standard deviations the window's (log) phasic activity lies *below* the class's: calmer
 * than anything recorded counts, livelier does not (the level already tells a livelier state apart).
 * (Covariances of 10-s window means instead of rows were tried: tighter, so the slow drift between a
 * training and a later session made more false alarms.)
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

/** A class's phasic activity over its training windows, on a log scale (it is skewed). */
export interface PhasicShape {
  label: string;
  /** mean and standard deviation of ln(phasic activity) */
  mean: number;
  std: number;
  windows: number;
}

export interface Familiarity {
  classes: ClassShape[];
  /** absent in models trained before it was kept, or with too few windows for a class */
  phasic?: PhasicShape[];
  /** distance above which a window is unfamiliar */
  threshold: number;
}

/**
 * Chosen from held-out simulated sessions (bench/unfamiliar-threshold.ts, figures in bench/README.md):
 * 10-s windows after the warm-up of moods the model was trained on are above it at most 5 % of the time,
 * windows of a mood it never saw (calm) at least 90 % of the time.
 */
export const UNFAMILIAR_THRESHOLD = 2.8;

/** Keeps a class whose rows are (nearly) constant in one feature invertible: 0.03 standard deviations. */
const RIDGE = 1e-3;
/** A class needs this many training windows for its phasic activity to count. */
const MIN_PHASIC_WINDOWS = 10;
/** Keeps log activities that are (nearly) all alike from making any window look unfamiliar. */
const MIN_PHASIC_STD = 0.4;
/** Phasic activity is never quite 0 (sensor noise); this keeps its logarithm finite. */
const PHASIC_FLOOR = 1e-4;

/**
 * @param phasic per class index, the phasic activity of its training windows (src/model/phasic-windows.ts);
 *   omitted, the familiarity uses the level alone
 */
export function fitFamiliarity(
  x: readonly (readonly number[])[],
  y: readonly number[],
  labels: readonly string[],
  phasic: readonly (readonly number[])[] = [],
  threshold = UNFAMILIAR_THRESHOLD,
): Familiarity {
  const classes = labels.map((label, k) => {
    const rows = x.filter((_, i) => y[i] === k);
    const d = x[0]?.length ?? 0;
    const mean = new Array<number>(d).fill(0);
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
    const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? RIDGE : 0)));
    for (const r of rows) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] += ((r[i] - mean[i]) * (r[j] - mean[j])) / rows.length;
    return { label, mean: mean.map(round6), cov: cov.map((row) => row.map(round6)), rows: rows.length };
  });
  const shapes = labels.flatMap((label, k) => {
    const logs = (phasic[k] ?? []).map(logActivity);
    if (logs.length < MIN_PHASIC_WINDOWS) return [];
    const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
    const std = Math.max(MIN_PHASIC_STD, Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / logs.length));
    return [{ label, mean: round6(mean), std: round6(std), windows: logs.length }];
  });
  return { classes, ...(shapes.length > 0 ? { phasic: shapes } : {}), threshold };
}

/**
 * The nearest class, for one standardised row and, when the window had enough readings, its phasic
 * activity.
 */
export function nearestClass(f: Familiarity, z: readonly number[], phasic?: number): { label: string; distance: number } {
  let best = { label: '', distance: Infinity };
  for (const c of f.classes) {
    const diff = z.map((v, j) => v - c.mean[j]);
    const solved = choleskySolve(c.cov, diff);
    if (!solved) continue; // a degenerate class cannot vouch for anything
    const level = Math.max(0, diff.reduce((s, v, j) => s + v * solved[j], 0));
    const shape = phasic === undefined ? undefined : f.phasic?.find((p) => p.label === c.label);
    const calmer = shape ? Math.max(0, (shape.mean - logActivity(phasic!)) / shape.std) : 0;
    const distance = Math.sqrt(level + calmer ** 2);
    if (distance < best.distance) best = { label: c.label, distance };
  }
  return best;
}

function logActivity(activity: number): number {
  return Math.log(Math.max(PHASIC_FLOOR, activity));
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
