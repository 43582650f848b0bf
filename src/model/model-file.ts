import type { Familiarity } from './familiarity';

/**
 * The saved model: one JSON file per participant. The local backend and the SageMaker path share its
 * meaning: same feature order, same label indices, standardisation applied inside the model.
 *
 * Versioning: readers accept any `version` they know; new features are added by name in `features`
 * (old models keep predicting with the features they list), so adding e.g. HRV does not break them.
 */
export interface ModelFile {
  format: 'emotion-iot-model';
  version: 1;
  participant: string;
  /** feature names in the order the weights use, e.g. ["gsr", "bpm"] */
  features: string[];
  /** label per class index, e.g. ["angry", "happy", "sad"] */
  labels: string[];
  standardisation: { mean: number[]; std: number[] };
  /** weights[class][feature], on standardised features */
  weights: number[][];
  /** bias[class] */
  bias: number[];
  hyperparameters: Record<string, number | string | boolean>;
  metrics: ModelMetrics;
  /** ISO 8601 */
  trainedAt: string;
  /** true when any training row came from the simulated hat */
  simulated: boolean;
  /**
   * `train` and `test`: the random split of seconds (as published) the `randomSplit` figures come from;
   * `fitted`: the clean rows the saved model itself was fitted on (all of them; absent in older models,
   * which were fitted on `train`). total = train + test + droppedWarmup + droppedInvalid.
   */
  rows: { total: number; train: number; test: number; droppedWarmup: number; droppedInvalid: number; synthetic: number; fitted?: number };
  /** clean rows per label (train and test, before SMOTE); absent in models trained before it was kept */
  rowsPerLabel?: Record<string, number>;
  /** what the training rows looked like, per class; absent in older models (then no "unfamiliar" answer) */
  familiarity?: Familiarity;
}

/**
 * How well the model tells the moods apart. In models trained by this version every figure is measured
 * the way the model is used: detection windows held out in time (src/model/held-out.ts), so `accuracy`,
 * `confusion`, `perClass` and `roc` count windows. Models trained before it measured them on a random
 * split of single seconds and lack the held-out fields (`verdict` among them): that figure is what
 * `randomSplit` holds now.
 */
export interface ModelMetrics {
  /** share of right answers; null when no window could be held out (too little recorded) */
  accuracy: number | null;
  labels: string[];
  /** confusion[actual][predicted] */
  confusion: number[][];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  roc?: { label: string; auc: number; fpr: number[]; tpr: number[] }[];
  /** mean of the moods' recalls: what guessing scores `chance` on, whatever the mix of moods */
  balancedAccuracy?: number | null;
  /** 1 / number of moods */
  chance?: number;
  /** 95 % interval of `balancedAccuracy` (see `intervalMethod`) */
  interval?: [number, number];
  intervalMethod?: string;
  /** how the test windows were held out: whole sessions, the end of each session, or both */
  heldOut?: HeldOutProtocol;
  /** sessions per mood with at least one complete window */
  sessionsPerMood?: Record<string, number>;
  /** separate sittings (an hour or more apart) those sessions come from, per mood */
  occasionsPerMood?: Record<string, number>;
  testWindows?: number;
  windowSeconds?: number;
  verdict?: Verdict;
  /** the verdict in words, with what to record */
  verdictReason?: string;
  /** the published figure: a random split of single seconds, neighbours on both sides of it */
  randomSplitAccuracy?: number;
  randomSplit?: { accuracy: number; confusion: number[][]; perClass: ModelMetrics['perClass']; roc?: ModelMetrics['roc']; testRows: number };
  calibration?: Calibration;
}

/**
 * `leave-one-session-out`: every mood has two or more sessions, each answered by a model trained only on
 * the sessions recorded before it (src/model/held-out.ts). `end-of-session`: every mood has one session, whose end (after a gap of one window) is held out:
 * optimistic. `mixed`: sessions out for the moods that have several, ends for those with one.
 */
export type HeldOutProtocol = 'leave-one-session-out' | 'end-of-session' | 'mixed';

/** `separable`: better than chance on windows it never saw; `not-separable`: not shown to be; `not-measurable`: not yet known. */
export type Verdict = 'separable' | 'not-separable' | 'not-measurable';

/** Temperature scaling of the softmax, fitted on the held-out windows (src/model/calibration.ts). */
export interface Calibration {
  /** the logits are divided by it before the softmax; 1 when not fitted */
  temperature: number;
  fitted: boolean;
  /** held-out windows it was fitted on */
  windows: number;
  /** expected calibration error of the held-out windows' confidence, with and without the temperature */
  ece: number;
  eceUncalibrated: number;
}

/** What predicting needs of a model: its features, standardisation and linear weights. */
export type LinearModel = Pick<ModelFile, 'features' | 'standardisation' | 'weights' | 'bias'>;

/** Softmax class probabilities for one row of raw (unstandardised) features in model order: the fitted model's own. */
export function predictProbabilities(model: LinearModel, features: readonly number[]): number[] {
  return softmax(logits(model, features));
}

/**
 * The probabilities emotion-infer answers with: the softmax of the logits divided by the temperature
 * fitted on held-out windows, so that answers given at 80 % are right about 80 % of the time. Models
 * without a calibration answer with their own probabilities. The most likely class is the same either way.
 */
export function calibratedProbabilities(model: LinearModel & Pick<ModelFile, 'metrics'>, features: readonly number[]): number[] {
  return softmax(logits(model, features), model.metrics.calibration?.temperature ?? 1);
}

/** The class scores before the softmax. */
export function logits(model: LinearModel, features: readonly number[]): number[] {
  const z = standardiseRow(model, features);
  return model.weights.map((w, k) => model.bias[k] + w.reduce((s, wj, j) => s + wj * z[j], 0));
}

export function softmax(scores: readonly number[], temperature = 1): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((l) => Math.exp((l - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** One row of raw features in model order, standardised as the model was trained. */
export function standardiseRow(model: LinearModel, features: readonly number[]): number[] {
  if (features.length !== model.features.length) {
    throw new Error(`model expects ${model.features.length} features (${model.features.join(', ')}), got ${features.length}`);
  }
  return features.map((x, j) => (x - model.standardisation.mean[j]) / model.standardisation.std[j]);
}
