import { DEFAULT_LABELS, type SensorRecord } from '../record/record';
import { calibrate } from './calibration';
import { cleanRecords, type CleanData } from './clean';
import { unfamiliarLimit } from './familiarity';
import { fitRows, type FitSettings } from './fit';
import { planHeldOut, scoreHeldOut, type HeldOutPlan, type HeldOutScores } from './held-out';
import { balancedAccuracy, balancedInterval, INTERVAL_METHOD, verdictOf } from './held-out-metrics';
import { confusionMatrix, metricsFromConfusion, rocOneVsRest } from './metrics';
import { predictProbabilities, softmax, type Calibration, type ModelFile, type ModelMetrics } from './model-file';
import { mulberry32 } from './prng';
import { stratifiedSplit } from './split';
import { DEFAULT_WARMUP_SECONDS, firstRowSeconds, needsWindows, recordsWithWindowFeatures } from './window-rows';
import { sessionWindows } from './windows';
import { FEATURE_NAMES, isFeatureName, PUBLISHED_FEATURES, PUBLISHED_WINDOW_SECONDS } from '../signal/window-features';

/**
 * The training pipeline, run in process: clean -> evaluate the way the model is used (detection windows
 * held out in time: src/model/held-out.ts) -> calibrate the confidence and the unfamiliar limit on those
 * windows -> fit the saved model on every clean row (standardise -> SMOTE when imbalanced -> softmax
 * linear learner: src/model/fit.ts) -> a complete ModelFile. The published notebook's figure (a seeded
 * stratified random split of single seconds) is kept beside it as `randomSplit`, for comparison only.
 */
export interface TrainOptions {
  participant: string;
  /** label per class index */
  labels: string[];
  /** moods trained as extra classes (after `labels`) when the participant recorded them, e.g. ["calm"] */
  optionalLabels: string[];
  /**
   * feature names (src/signal/window-features.ts), in the order the weights use; any feature besides the
   * means of gsr and bpm is learned from the detection windows of `windowSeconds` (src/model/window-rows.ts)
   */
  features: string[];
  /** dropped from the start of each (participant, session) */
  warmupSeconds: number;
  /**
   * the detection window the model is scored on (emotion-infer's collection window); for a model of window
   * features also the window they are computed over, which emotion-infer then collects
   */
  windowSeconds: number;
  /** share of each mood in the random split's test rows, and of a single session's windows held out at its end */
  testFraction: number;
  seed: number;
  /** L2 strength on the mean log-loss; sklearn's C = 1 / (l2 * rows fitted) */
  l2: number;
  /** 'auto': SMOTE the fitted rows when a class has < SMOTE_IMBALANCE_RATIO (90 %) of the largest's rows */
  smote: 'auto' | 'off';
  smoteK: number;
  maxIterations: number;
  /** stop when the largest gradient component is below this */
  tolerance: number;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<Omit<TrainOptions, 'participant'>> = Object.freeze({
  labels: [...DEFAULT_LABELS],
  optionalLabels: [],
  features: [...PUBLISHED_FEATURES],
  warmupSeconds: DEFAULT_WARMUP_SECONDS,
  windowSeconds: PUBLISHED_WINDOW_SECONDS,
  testFraction: 0.2,
  seed: 42,
  l2: 1e-4,
  smote: 'auto',
  smoteK: 5,
  maxIterations: 100,
  tolerance: 1e-8,
});

/** Each label needs this many clean rows, so both splits have some and SMOTE has neighbours. */
export const MIN_ROWS_PER_LABEL = 10;

export type Progress = (stage: string, fraction: number) => void;

/** The clean rows, and the random split (as published) into raw (unstandardised) training and test rows. */
export interface PreparedData {
  options: TrainOptions;
  clean: CleanData;
  /** indices into `clean` of the random split's rows */
  split: { train: number[]; test: number[] };
  train: { x: number[][]; y: number[] };
  test: { x: number[][]; y: number[] };
  droppedInvalid: number;
  droppedWarmup: number;
  simulated: boolean;
  /** the PRNG after the split; the random split's SMOTE continues from it */
  random: () => number;
}

export function trainModel(
  records: SensorRecord[],
  options: Partial<TrainOptions> & { participant: string },
  onProgress: Progress = () => undefined,
): ModelFile {
  const data = prepareData(records, options, onProgress);
  const o = data.options;
  const { labels, features } = o;
  const { clean } = data;
  const settings: FitSettings = {
    classes: labels.length,
    labels,
    features,
    l2: o.l2,
    smote: o.smote,
    smoteK: o.smoteK,
    maxIterations: o.maxIterations,
    tolerance: o.tolerance,
    windowSeconds: o.windowSeconds,
    gsrColumn: features.indexOf('gsr'),
    windowRows: needsWindows(features),
  };

  onProgress('evaluating', 0.05);
  const published = fitRows(clean, data.split.train, settings, data.random);
  const randomScores = data.test.x.map((x) => predictProbabilities(published, x));
  const { accuracy, confusion, perClass } = metricsFromConfusion(confusionMatrix(data.test.y, randomScores.map(argmax), labels.length), labels);
  const randomSplit = { accuracy, confusion, perClass, roc: rocOneVsRest(data.test.y, randomScores, labels), testRows: data.test.x.length };
  const plan = planHeldOut(clean, sessionWindows(clean, o.windowSeconds), labels.length, o.testFraction);
  const scores = scoreHeldOut(clean, plan, settings, o.seed, (done, of) => onProgress('evaluating', 0.1 + (0.6 * done) / of));
  onProgress('calibrating', 0.7);
  const calibration = calibrate(scores.logits, scores.actual);

  const final = fitRows(clean, clean.y.map((_, i) => i), settings, mulberry32(o.seed), logProgress(o.tolerance, (f) => onProgress('fitting', 0.75 + 0.24 * f)));
  const model: ModelFile = {
    format: 'emotion-iot-model',
    version: 1,
    participant: o.participant,
    features: [...features],
    labels: [...labels],
    standardisation: final.standardisation,
    weights: final.weights,
    bias: final.bias,
    hyperparameters: {
      warmupSeconds: o.warmupSeconds,
      windowSeconds: o.windowSeconds,
      testFraction: o.testFraction,
      seed: o.seed,
      l2: o.l2,
      ...(o.l2 > 0 ? { sklearnC: 1 / (o.l2 * final.fitted) } : {}),
      smote: o.smote,
      smoteK: o.smoteK,
      smoteApplied: final.smoteApplied,
      maxIterations: o.maxIterations,
      tolerance: o.tolerance,
      solver: 'newton',
      iterations: final.iterations,
      trainLoss: final.loss,
    },
    metrics: {
      ...heldOutMetrics(scores, plan, labels, calibration),
      windowSeconds: o.windowSeconds,
      randomSplitAccuracy: randomSplit.accuracy,
      randomSplit,
    },
    trainedAt: new Date().toISOString(),
    simulated: data.simulated,
    rows: {
      total: records.length,
      train: data.train.x.length,
      test: data.test.x.length,
      droppedWarmup: data.droppedWarmup,
      droppedInvalid: data.droppedInvalid,
      synthetic: final.synthetic,
      fitted: clean.y.length,
    },
    rowsPerLabel: Object.fromEntries(labels.map((l, k) => [l, clean.y.filter((c) => c === k).length])),
    familiarity: { ...final.familiarity, ...unfamiliarLimit(scores.distances) },
  };
  onProgress('done', 1);
  return model;
}

/** The held-out windows' figures, their verdict, and how reliable the calibrated confidence is. */
function heldOutMetrics(scores: HeldOutScores, plan: HeldOutPlan, labels: readonly string[], calibration: Calibration): ModelMetrics {
  const { protocol, sessionsPerMood, occasionsPerMood } = plan;
  const probabilities = scores.logits.map((z) => softmax(z, calibration.temperature));
  const confusion = confusionMatrix(scores.actual, probabilities.map(argmax), labels.length);
  const windowsPerMood = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const balanced = balancedAccuracy(confusion);
  const interval = balanced === undefined ? ([0, 1] as [number, number]) : balancedInterval(confusion, balanced);
  const chance = 1 / labels.length;
  const { verdict, reason } = verdictOf({ protocol, labels, sessionsPerMood, occasionsPerMood, windowsPerMood, balanced, interval, chance });
  const base = metricsFromConfusion(confusion, labels);
  return {
    ...base,
    // a mood without windows has no ROC curve (no positives): none is drawn
    ...(windowsPerMood.every((n) => n > 0) ? { roc: rocOneVsRest(scores.actual, probabilities, labels) } : {}),
    accuracy: scores.actual.length > 0 ? base.accuracy : null,
    balancedAccuracy: balanced ?? null,
    chance,
    interval,
    intervalMethod: INTERVAL_METHOD,
    heldOut: protocol,
    sessionsPerMood: Object.fromEntries(labels.map((l, k) => [l, sessionsPerMood[k]])),
    occasionsPerMood: Object.fromEntries(labels.map((l, k) => [l, occasionsPerMood[k]])),
    testWindows: scores.actual.length,
    verdict,
    verdictReason: reason,
    calibration,
  };
}

/**
 * What a session gives a model of window features: a row needs the whole window before it and the warm-up
 * counts from there, so a short session gives none. The advice leaves room for a mood's rows in one session.
 */
function windowedWarmup(features: readonly string[], windowSeconds: number, warmupSeconds: number): string {
  const none = firstRowSeconds(features, windowSeconds, warmupSeconds);
  const enough = Math.ceil((none + MIN_ROWS_PER_LABEL) / 30) * 30;
  return `with ${windowSeconds}-s windows a session's first ${none} s give no rows: record sessions of ${enough} s or more; `;
}

/** Cleaning and the seeded stratified random split: exported so a reference check can fit the very same rows. */
export function prepareData(
  records: readonly SensorRecord[],
  partial: Partial<TrainOptions> & { participant: string },
  onProgress: Progress = () => undefined,
): PreparedData {
  const options = resolveOptions(partial);
  const { participant, labels } = options;
  onProgress('cleaning', 0);
  if (!Array.isArray(records) || records.length === 0) {
    throw new Error(`no records for participant '${participant}': record some data for each mood first`);
  }
  const recorded = new Set(records.map((r) => r?.mood));
  const optional = options.optionalLabels.filter((l) => recorded.has(l) && !labels.includes(l));
  const used = [...labels, ...optional];
  const rows = needsWindows(options.features) ? recordsWithWindowFeatures(records, options.windowSeconds).records : records;
  const clean = cleanRecords(rows, options.features, used, options.warmupSeconds);
  const short = used.map((label, k) => ({ label, n: clean.y.filter((c) => c === k).length })).filter((c) => c.n < MIN_ROWS_PER_LABEL);
  if (short.length > 0) {
    const warmup = needsWindows(options.features)
      ? windowedWarmup(options.features, options.windowSeconds, options.warmupSeconds)
      : options.warmupSeconds > 0
        ? `the first ${options.warmupSeconds} s of each session are dropped as warm-up; `
        : '';
    const list = short.map((c) => `'${c.label}' ${c.n}`).join(', ');
    throw new Error(
      `too few usable rows for participant '${participant}': ${list} (need at least ${MIN_ROWS_PER_LABEL} each; ` +
        `${warmup}${clean.droppedInvalid} rows were invalid): record more ${short.map((c) => `'${c.label}'`).join(', ')} data first`,
    );
  }
  onProgress('splitting', 0.03);
  const random = mulberry32(options.seed);
  const split = stratifiedSplit(clean.y, used.length, options.testFraction, random);
  const pick = (indices: number[]) => ({ x: indices.map((i) => clean.x[i]), y: indices.map((i) => clean.y[i]) });
  return {
    options: { ...options, labels: used },
    clean,
    split,
    train: pick(split.train),
    test: pick(split.test),
    droppedInvalid: clean.droppedInvalid,
    droppedWarmup: clean.droppedWarmup,
    simulated: clean.simulated,
    random,
  };
}

/** Defaults filled in and every option checked, with messages that name the option. */
export function resolveOptions(partial: Partial<TrainOptions> & { participant: string }): TrainOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...defined } as TrainOptions;
  const fail = (what: string) => {
    throw new Error(`invalid training option: ${what}`);
  };
  if (typeof o.participant !== 'string' || o.participant.trim() === '') fail('participant must be a non-empty name');
  const distinctNames = (list: unknown) =>
    Array.isArray(list) && list.every((s) => typeof s === 'string' && s !== '') && new Set(list).size === list.length;
  if (!distinctNames(o.labels) || o.labels.length < 2) fail('labels must be at least 2 distinct names');
  if (!Array.isArray(o.optionalLabels) || (o.optionalLabels.length > 0 && !distinctNames(o.optionalLabels))) fail('optionalLabels must be distinct names');
  if (!distinctNames(o.features) || o.features.length < 1) fail('features must be at least 1 distinct feature name');
  const unknown = o.features.find((f) => !isFeatureName(f));
  if (unknown !== undefined) fail(`unknown feature '${unknown}' (known: ${FEATURE_NAMES.join(', ')})`);
  if (!(o.warmupSeconds >= 0 && Number.isFinite(o.warmupSeconds))) fail('warmupSeconds must be 0 or more');
  if (!(o.windowSeconds >= 1 && o.windowSeconds <= 600)) fail('windowSeconds must be between 1 and 600');
  if (!(o.testFraction > 0 && o.testFraction < 1)) fail('testFraction must be between 0 and 1 (e.g. 0.2)');
  if (!Number.isInteger(o.seed)) fail('seed must be an integer');
  if (!(o.l2 >= 0 && Number.isFinite(o.l2))) fail('l2 must be 0 or more');
  if (o.smote !== 'auto' && o.smote !== 'off') fail("smote must be 'auto' or 'off'");
  if (!(Number.isInteger(o.smoteK) && o.smoteK >= 1)) fail('smoteK must be a whole number of at least 1');
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1)) fail('maxIterations must be a whole number of at least 1');
  if (!(o.tolerance > 0 && Number.isFinite(o.tolerance))) fail('tolerance must be more than 0');
  return { ...o, labels: [...o.labels], optionalLabels: [...o.optionalLabels], features: [...o.features] };
}

/** Newton's progress is best seen on a log scale: from the first gradient down to the tolerance. */
function logProgress(tolerance: number, report: (fraction: number) => void): (iteration: number, gradient: number) => void {
  let first = 0;
  let best = 0;
  return (_iteration, gradient) => {
    first ||= gradient;
    const f = first > tolerance ? Math.log(first / Math.max(gradient, tolerance)) / Math.log(first / tolerance) : 1;
    best = Math.max(best, Math.min(1, f));
    report(best);
  };
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}
