import type { SensorRecord } from '../record/record';
import { shuffle } from './prng';
import { prepareData, type TrainOptions } from './train';

/**
 * The SageMaker Linear Learner training channels for one participant, written from the very rows the
 * local trainer fits and tests on: the same cleaning (warm-up drop, invalid rows, moods outside the
 * label list), the same minimum per mood and the same seeded 80/20 stratified split (prepareData).
 * `train` is the local training split, `validation` the local test split, so a cloud model and a local
 * one trained with the same options are scored on the same rows.
 *
 * Format (text/csv channel): no header, the label index first (0 .. labels-1, the label list's order),
 * then the model's features in its order (`features`, by default the published gsr, bpm; a set of window
 * features gives each row the features of the window ending at it, as the local trainer does), one row per line. Each channel is shuffled with
 * the seeded PRNG: the algorithm fails on data ordered by label, and a session records one mood at a time.
 */
export interface LinearLearnerChannels {
  train: string;
  validation: string;
  /** label per class index: num_classes is its length */
  labels: string[];
  /** column order after the label: feature_dim is its length */
  features: string[];
  rows: {
    train: number;
    validation: number;
    /** rows per label index in each channel */
    trainPerLabel: number[];
    validationPerLabel: number[];
    droppedInvalid: number;
    droppedWarmup: number;
  };
  /** true when any record came from the simulated hat */
  simulated: boolean;
}

/** The cleaning, split, seed and feature options of the local trainer. */
export type ChannelOptions = Partial<Pick<TrainOptions, 'labels' | 'warmupSeconds' | 'testFraction' | 'seed' | 'features' | 'windowSeconds'>> & {
  participant: string;
};

export function linearLearnerChannels(records: readonly SensorRecord[], options: ChannelOptions): LinearLearnerChannels {
  const data = prepareData(records, options);
  const { labels, features } = data.options;
  const perLabel = (y: number[]) => labels.map((_, k) => y.filter((c) => c === k).length);
  return {
    train: toCsv(data.train, data.random),
    validation: toCsv(data.test, data.random),
    labels,
    features,
    rows: {
      train: data.train.y.length,
      validation: data.test.y.length,
      trainPerLabel: perLabel(data.train.y),
      validationPerLabel: perLabel(data.test.y),
      droppedInvalid: data.droppedInvalid,
      droppedWarmup: data.droppedWarmup,
    },
    simulated: data.simulated,
  };
}

/**
 * `label,f1,f2,…` lines in a seeded random order. Numbers are written in JavaScript's shortest round-trip
 * form, so a row read back is the exact value the local trainer used.
 */
function toCsv(split: { x: number[][]; y: number[] }, random: () => number): string {
  const order = shuffle(
    split.y.map((_, i) => i),
    random,
  );
  return order.map((i) => [split.y[i], ...split.x[i]].map(String).join(',') + '\n').join('');
}
