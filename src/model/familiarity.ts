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
  /** where the threshold came from: the participant's held-out windows, or the default (absent in older models) */
  limitFrom?: 'held-out' | 'default';
  /** held-out windows of trained moods the limit was set from */
  heldOutWindows?: number;
}

/**
 * The default limit, and the lowest a participant's own can be. It is the square root of the 95 %
 * quantile of a chi-square with 3 degrees of freedom (7.81): a window drawn from a mood's own Gaussian
 * spread of level (2) and phasic activity (1) lies beyond it 5 % of the time. On held-out simulated
 * sessions (bench/unfamiliar-threshold.ts, figures in bench/README.md) 10-s windows of trained moods
 * were above it 3.4 % of the time, windows of a mood the model never saw (calm) 92.6 %.
 */
export const UNFAMILIAR_THRESHOLD = 2.8;

/** At most this share of windows of moods a model was trained on may be called unfamiliar. */
export const UNFAMILIAR_RATE = 0.05;
/** The conformal quantile below needs (n + 1)(1 − 5 %) <= n windows. */
export const MIN_LIMIT_WINDOWS = Math.ceil((1 - UNFAMILIAR_RATE) / UNFAMILIAR_RATE - 1e-9);

/**
 * A participant's own limit, from the distances of their held-out windows of trained moods (each window
 * measured against a model trained without it): the split-conformal quantile, the ⌈(n + 1)(1 − 5 %)⌉-th
 * smallest of n, so that a new window like them lies beyond it at most 5 % of the time (Vovk et al.,
 * "Algorithmic learning in a random world", 2005). Never below UNFAMILIAR_THRESHOLD (what the moods' own
 * spread implies); with fewer than MIN_LIMIT_WINDOWS windows, UNFAMILIAR_THRESHOLD itself.
 */
export function unfamiliarLimit(distances: readonly number[]): Pick<Familiarity, 'threshold' | 'limitFrom' | 'heldOutWindows'> {
  const n = distances.length;
  if (n < MIN_LIMIT_WINDOWS) return { threshold: UNFAMILIAR_THRESHOLD, limitFrom: 'default', heldOutWindows: n };
  const sorted = [...distances].sort((a, b) => a - b);
  const quantile = sorted[Math.ceil((n + 1) * (1 - UNFAMILIAR_RATE) - 1e-9) - 1]; // - 1e-9: 0.95 is not exact in binary
  return { threshold: Math.max(UNFAMILIAR_THRESHOLD, Math.ceil(quantile * 100) / 100), limitFrom: 'held-out', heldOutWindows: n };
}

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
