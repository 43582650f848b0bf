import type { Verdict } from './model-file';

/** What `emotion-infer` asks of a model, wherever it runs (local file or SageMaker endpoint). */
export interface Prediction {
  /** probability per class index */
  scores: number[];
  /** the predicted class index */
  index: number;
  /** what answered: the model file's trained-at / participant, or the endpoint name */
  model: string;
  /** a local model that knows its training rows: the distance to the nearest class, and its limit */
  familiarity?: { distance: number; threshold: number };
  /** a local model measured on held-out windows: its verdict (src/model/held-out-metrics.ts) */
  verdict?: Verdict;
  /** true when the scores were calibrated on held-out windows (temperature scaling) */
  calibrated?: boolean;
}

export interface InferenceBackend {
  readonly source: 'local' | 'sagemaker';
  /**
   * `features` are raw values in the order of `featureNames`; `gsrPhasic` is the window's phasic
   * activity, for a backend that can tell how familiar the window is.
   */
  predict(features: readonly number[], gsrPhasic?: number): Promise<Prediction>;
}
