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
  rows: { total: number; train: number; test: number; droppedWarmup: number; droppedInvalid: number; synthetic: number };
  /** clean rows per label (train and test, before SMOTE); absent in models trained before it was kept */
  rowsPerLabel?: Record<string, number>;
  /** what the training rows looked like, per class; absent in older models (then no "unfamiliar" answer) */
  familiarity?: Familiarity;
}

export interface ModelMetrics {
  accuracy: number;
  labels: string[];
  /** confusion[actual][predicted] */
  confusion: number[][];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  roc?: { label: string; auc: number; fpr: number[]; tpr: number[] }[];
}

/** Softmax class probabilities for one row of raw (unstandardised) features in model order. */
export function predictProbabilities(model: ModelFile, features: readonly number[]): number[] {
  const z = standardiseRow(model, features);
  const logits = model.weights.map((w, k) => model.bias[k] + w.reduce((s, wj, j) => s + wj * z[j], 0));
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** One row of raw features in model order, standardised as the model was trained. */
export function standardiseRow(model: ModelFile, features: readonly number[]): number[] {
  if (features.length !== model.features.length) {
    throw new Error(`model expects ${model.features.length} features (${model.features.join(', ')}), got ${features.length}`);
  }
  return features.map((x, j) => (x - model.standardisation.mean[j]) / model.standardisation.std[j]);
}
