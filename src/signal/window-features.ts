import { keyedError } from '../keyed-error';
import { round3 } from '../record/record';
import { heartRateVariability } from './hrv';
import { phasicActivity } from './phasic';
import { skinResponses } from './scr';

/**
 * The features of one detection window, computed from what the nodes already have: sensor-record's
 * records (one a second: mean GSR of the tick, the BPM, and the beat intervals pulse-bpm counted in it).
 * Training and answering call this same function on the same kind of window, so a model is asked
 * exactly what it learned (the model file lists its features by these names).
 */
export interface WindowRecord {
  timestamp: number;
  gsr: number;
  bpm: number;
  /** the beat intervals (ms) that ended during the record's tick */
  ibiMs?: readonly number[];
}

/** Every feature a model may use. `gsr` and `bpm` are the window's means (the published features). */
export const FEATURE_NAMES = ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize', 'hrvRmssd', 'hrvSdnn'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type FeatureValues = Partial<Record<FeatureName, number>>;

/** What each feature is, for errors and the editor's help. */
export const FEATURE_MEANINGS: Record<FeatureName, string> = {
  gsr: 'mean skin conductance (µS)',
  bpm: 'mean heart rate (bpm)',
  gsrSlope: 'trend of the skin conductance (share of its level per second)',
  gsrPhasic: 'phasic skin conductance activity (spread around the trend, share of the level)',
  scrCount: 'skin conductance responses in the window',
  scrSize: 'mean size of those responses (share of the level; 0 without any)',
  hrvRmssd: 'heart-rate variability RMSSD (ms; needs enough clean beats)',
  hrvSdnn: 'heart-rate variability SDNN (ms; needs enough clean beats)',
};

/** The published system's features and window: mean GSR and BPM over 10 s. */
export const PUBLISHED_FEATURES: readonly FeatureName[] = ['gsr', 'bpm'];
export const PUBLISHED_WINDOW_SECONDS = 10;
/**
 * The set real recordings support best: the skin conductance's shape besides the means, over 30 s. Chosen
 * on the real recordings in test/data leave-one-person-out (each session's last 30 % held out in time;
 * bench/real-features.ts, docs/model.md): best on the other people for 10 of 11 people, and better than the
 * published set for 10 of 11. Heart-rate variability was not chosen (the wrist recordings hold too few
 * clean beats to test it).
 */
export const RECOMMENDED_FEATURES: readonly FeatureName[] = ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize'];
export const RECOMMENDED_WINDOW_SECONDS = 30;
/** The window lengths a user picks from. */
export const WINDOW_CHOICES = [10, 30, 60] as const;

/**
 * The feature sets a user picks by name (emotion-train's and emotion-infer's "Features", the cloud stack's
 * `features` setting), each with the window it was measured over.
 */
export const FEATURE_SETS = {
  published: { features: PUBLISHED_FEATURES, windowSeconds: PUBLISHED_WINDOW_SECONDS },
  recommended: { features: RECOMMENDED_FEATURES, windowSeconds: RECOMMENDED_WINDOW_SECONDS },
} as const;
export type FeatureSetName = keyof typeof FEATURE_SETS;

export function isFeatureSetName(name: unknown): name is FeatureSetName {
  return typeof name === 'string' && Object.hasOwn(FEATURE_SETS, name);
}

/**
 * A feature set named in a setting (the nodes' Features, the cloud stack's `features`, its Lambdas'
 * FEATURE_SET); blank or absent (a flow saved before it) is the published one. The error is keyed
 * `featureSet` for the nodes' catalogues.
 */
export function featureSetNamed(value: unknown): FeatureSetName {
  const name = String(value ?? '').trim() || 'published';
  if (!isFeatureSetName(name)) {
    const shown = name.slice(0, 40);
    throw keyedError('featureSet', `features must be ${Object.keys(FEATURE_SETS).join(' or ')}, not "${shown}"`, { value: shown });
  }
  return name;
}

/** Features that are the mean of a record field: a model of only these can learn from single records. */
export function isRecordMean(name: string): boolean {
  return name === 'gsr' || name === 'bpm';
}

export function isFeatureName(name: unknown): name is FeatureName {
  return typeof name === 'string' && (FEATURE_NAMES as readonly string[]).includes(name);
}

/**
 * Every feature of a window of records (time order). A feature the window cannot support is absent:
 * the GSR shape with fewer than 5 readings, heart-rate variability without enough clean beats. Values
 * are rounded as sent on (the means to 3 decimals like the records, the rest to 6 significant digits),
 * so what a model learned from and what it is asked are the very same numbers.
 */
export function windowFeatures(records: readonly WindowRecord[], windowSeconds: number): FeatureValues {
  const n = records.length;
  if (n === 0) return {};
  const gsr = records.map((r) => r.gsr);
  const level = mean(gsr);
  const out: FeatureValues = { gsr: round3(level), bpm: round3(mean(records.map((r) => r.bpm))) };
  const phasic = phasicActivity(gsr);
  if (phasic !== undefined) {
    const times = records.map((r) => r.timestamp / 1000);
    const responses = skinResponses(gsr, stepSeconds(times));
    out.gsrSlope = significant(slope(times, gsr) / level);
    out.gsrPhasic = significant(phasic);
    out.scrCount = responses.count;
    out.scrSize = responses.count > 0 ? significant(mean(responses.amplitudes) / level) : 0;
  }
  const ibis = records.flatMap((r) => r.ibiMs ?? []);
  const hrv = heartRateVariability(ibis, windowSeconds * 1000);
  if (hrv) {
    out.hrvRmssd = significant(hrv.rmssd);
    out.hrvSdnn = significant(hrv.sdnn);
  }
  return out;
}

function significant(x: number): number {
  return Number(x.toPrecision(6));
}

/**
 * The values of `names` in that order, or why the window cannot give them (the first missing feature).
 */
export function featureVector(values: FeatureValues, names: readonly string[]): number[] | { missing: string } {
  const x: number[] = [];
  for (const name of names) {
    const v = values[name as FeatureName];
    if (typeof v !== 'number' || !Number.isFinite(v)) return { missing: name };
    x.push(v);
  }
  return x;
}

/** The usual time between readings: the median gap (1 s for sensor-record's default tick). */
function stepSeconds(times: readonly number[]): number {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[gaps.length >> 1] : 1;
}

/** Least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
