import { DEFAULT_LABELS, type SensorRecord } from '../record/record';
import { cleanRecords } from './clean';
import { confusionMatrix, metricsFromConfusion, rocOneVsRest } from './metrics';
import { predictProbabilities, type ModelFile } from './model-file';
import { mulberry32 } from './prng';
import { isImbalanced, smote } from './smote';
import { fitFamiliarity } from './familiarity';
import { phasicByLabel } from './phasic-windows';
import { fitSoftmax } from './softmax';
import { stratifiedSplit } from './split';
import { fitStandardisation, standardise } from './standardise';
import { needsWindows, recordsWithWindowFeatures } from './window-rows';
import { FEATURE_NAMES, isFeatureName, PUBLISHED_FEATURES, PUBLISHED_WINDOW_SECONDS, WINDOW_CHOICES } from '../signal/window-features';

/**
 * The training pipeline of the published notebook, run in process: clean -> stratified split ->
 * standardise (fitted on the training rows) -> SMOTE on the standardised training rows when imbalanced
 * -> softmax linear learner -> metrics on the untouched test rows -> a complete ModelFile.
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
  /** the detection window those features are computed over: emotion-infer's window */
  windowSeconds: number;
  /** dropped from the start of each (participant, session) */
  warmupSeconds: number;
  testFraction: number;
  seed: number;
  /** L2 strength on the mean log-loss; sklearn's C = 1 / (l2 * rows fitted) */
  l2: number;
  /** 'auto': SMOTE the training split when a class has < SMOTE_IMBALANCE_RATIO (90 %) of the largest's rows */
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
  windowSeconds: PUBLISHED_WINDOW_SECONDS,
  warmupSeconds: 10,
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

/** The clean rows split into raw (unstandardised) training and test rows. */
export interface PreparedData {
  options: TrainOptions;
  train: { x: number[][]; y: number[] };
  test: { x: number[][]; y: number[] };
  droppedInvalid: number;
  droppedWarmup: number;
  simulated: boolean;
  /** per class index, the phasic activity of each detection-window-long run (none without a gsr feature) */
  phasic: number[][];
  /** the PRNG after the split; SMOTE continues from it */
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
  onProgress('standardising', 0.1);
  const standardisation = fitStandardisation(data.train.x);
  const trainX = standardise(data.train.x, standardisation);
  const counts = labels.map((_, k) => data.train.y.filter((c) => c === k).length);
  const applySmote = o.smote === 'auto' && isImbalanced(counts);
  onProgress('oversampling', 0.15);
  const synthetic = applySmote ? smote(trainX, data.train.y, labels.length, o.smoteK, data.random) : { x: [], y: [] };
  const fitX = [...trainX, ...synthetic.x];
  const fitY = [...data.train.y, ...synthetic.y];

  const fit = fitSoftmax(fitX, fitY, labels.length, {
    l2: o.l2,
    maxIterations: o.maxIterations,
    tolerance: o.tolerance,
    onIteration: logProgress(o.tolerance, (f) => onProgress('fitting', 0.2 + 0.7 * f)),
  });

  const model: ModelFile = {
    format: 'emotion-iot-model',
    version: 1,
    participant: o.participant,
    features: [...features],
    labels: [...labels],
    standardisation,
    weights: fit.weights,
    bias: fit.bias,
    hyperparameters: {
      ...(needsWindows(features) ? { windowSeconds: o.windowSeconds } : {}),
      warmupSeconds: o.warmupSeconds,
      testFraction: o.testFraction,
      seed: o.seed,
      l2: o.l2,
      ...(o.l2 > 0 ? { sklearnC: 1 / (o.l2 * fitX.length) } : {}),
      smote: o.smote,
      smoteK: o.smoteK,
      smoteApplied: applySmote,
      maxIterations: o.maxIterations,
      tolerance: o.tolerance,
      solver: 'newton',
      iterations: fit.iterations,
      trainLoss: fit.loss,
    },
    metrics: { accuracy: 0, labels: [...labels], confusion: [], perClass: [] },
    trainedAt: new Date().toISOString(),
    simulated: data.simulated,
    rows: {
      total: records.length,
      train: data.train.x.length,
      test: data.test.x.length,
      droppedWarmup: data.droppedWarmup,
      droppedInvalid: data.droppedInvalid,
      synthetic: synthetic.x.length,
    },
    rowsPerLabel: Object.fromEntries(labels.map((l, k) => [l, counts[k] + data.test.y.filter((c) => c === k).length])),
    // the recorded training rows (not SMOTE's synthetic ones): what the person looked like
    familiarity: fitFamiliarity(trainX, data.train.y, labels, data.phasic),
  };
  onProgress('evaluating', 0.9);
  // scored through the model file itself, so the metrics are exactly what a saved model will answer
  const scores = data.test.x.map((x) => predictProbabilities(model, x));
  model.metrics = {
    ...metricsFromConfusion(confusionMatrix(data.test.y, scores.map(argmax), labels.length), labels),
    roc: rocOneVsRest(data.test.y, scores, labels),
  };
  onProgress('done', 1);
  return model;
}

/** Cleaning and the seeded stratified split: exported so a reference check can fit the very same rows. */
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
    const warmup = options.warmupSeconds > 0 ? `the first ${options.warmupSeconds} s of each session are dropped as warm-up; ` : '';
    const list = short.map((c) => `'${c.label}' ${c.n}`).join(', ');
    throw new Error(
      `too few usable rows for participant '${participant}': ${list} (need at least ${MIN_ROWS_PER_LABEL} each; ` +
        `${warmup}${clean.droppedInvalid} rows were invalid): record more ${short.map((c) => `'${c.label}'`).join(', ')} data first`,
    );
  }
  onProgress('splitting', 0.05);
  const random = mulberry32(options.seed);
  const split = stratifiedSplit(clean.y, used.length, options.testFraction, random);
  const pick = (indices: number[]) => ({ x: indices.map((i) => clean.x[i]), y: indices.map((i) => clean.y[i]) });
  const gsrColumn = options.features.indexOf('gsr');
  return {
    options: { ...options, labels: used },
    train: pick(split.train),
    test: pick(split.test),
    droppedInvalid: clean.droppedInvalid,
    droppedWarmup: clean.droppedWarmup,
    simulated: clean.simulated,
    // a window model's rows hold the phasic activity as a feature already (its runs of window means would not)
    phasic: gsrColumn < 0 || needsWindows(options.features) ? [] : phasicByLabel(clean, gsrColumn, used.length),
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
  if (!(WINDOW_CHOICES as readonly number[]).includes(o.windowSeconds)) fail(`windowSeconds must be one of ${WINDOW_CHOICES.join(', ')}`);
  if (!(o.warmupSeconds >= 0 && Number.isFinite(o.warmupSeconds))) fail('warmupSeconds must be 0 or more');
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
