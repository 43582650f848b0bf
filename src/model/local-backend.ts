import { statSync } from 'node:fs';
import { participantKey } from '../record/participant';
import type { InferenceBackend, Prediction } from './backend';
import { nearestClass } from './familiarity';
import { calibratedProbabilities, standardiseRow, type ModelFile } from './model-file';
import type { Features } from './window-average';
import { needsWindows } from './window-rows';

/** A backend that also says which features it wants, in which order. */
export interface OrderedBackend extends InferenceBackend {
  readonly featureNames: readonly string[];
  /** the label per class index the model was trained with, when it says */
  readonly labels?: readonly string[];
  /** the detection window (s) a model of window features learned from: emotion-infer collects that long */
  readonly windowSeconds?: number;
}

/** The feature vector in the order a model or endpoint expects, by name. */
const FEATURE_HINT: Record<string, string> = {
  hrvRmssd: 'too few clean beats in the window (is the ear clip on?)',
  hrvSdnn: 'too few clean beats in the window (is the ear clip on?)',
  gsrSlope: 'a window model needs emotion-infer in window mode, with at least 5 records',
  gsrPhasic: 'a window model needs emotion-infer in window mode, with at least 5 records',
  scrCount: 'a window model needs emotion-infer in window mode, with at least 5 records',
  scrSize: 'a window model needs emotion-infer in window mode, with at least 5 records',
};

export function orderFeatures(names: readonly string[], features: Features): number[] {
  return names.map((name) => {
    const value = (features as unknown as Record<string, unknown>)[name];
    if (typeof value !== 'number') {
      const has = Object.keys(features).join(', ');
      throw new Error(`the model needs feature "${name}", which this window does not give (it has ${has}): ${FEATURE_HINT[name] ?? 'train the model again'}`);
    }
    return value;
  });
}

export function createLocalBackend(model: ModelFile): OrderedBackend {
  const name = `${model.participant} (trained ${model.trainedAt})`;
  return {
    source: 'local',
    featureNames: model.features,
    labels: model.labels,
    ...(needsWindows(model.features) && typeof model.hyperparameters.windowSeconds === 'number' ? { windowSeconds: model.hyperparameters.windowSeconds } : {}),
    async predict(features: readonly number[], gsrPhasic?: number): Promise<Prediction> {
      const scores = calibratedProbabilities(model, features);
      let index = 0;
      for (let k = 1; k < scores.length; k++) if (scores[k] > scores[index]) index = k;
      const f = model.familiarity;
      const { verdict, calibration } = model.metrics;
      return {
        scores,
        index,
        model: name,
        ...(f ? { familiarity: { distance: nearestClass(f, standardiseRow(model, features), gsrPhasic).distance, threshold: f.threshold } } : {}),
        ...(verdict ? { verdict } : {}),
        ...(calibration ? { calibrated: calibration.fitted } : {}),
      };
    },
  };
}

/** Participants whose model stays parsed in memory: the most recently asked for. */
export const MODEL_CACHE_LIMIT = 32;

/**
 * One local backend per participant, kept in memory and rebuilt when the model file changes on disk
 * (emotion-train saves a new one), so an answer costs a stat, not a JSON parse. Kept by the participant's
 * canonical key (every spelling of a name is one entry) and for at most `limit` participants.
 */
export class LocalModels {
  private cache = new Map<string, { mtimeMs: number; backend: OrderedBackend }>();

  constructor(
    private readonly load: (participant: string) => ModelFile,
    private readonly pathOf: (participant: string) => string,
    private readonly limit = MODEL_CACHE_LIMIT,
  ) {}

  backend(participant: string): OrderedBackend {
    const key = participantKey(participant);
    const mtimeMs = fileMtime(this.pathOf(participant));
    const hit = this.cache.get(key);
    this.cache.delete(key);
    if (hit && mtimeMs !== undefined && hit.mtimeMs === mtimeMs) {
      this.cache.set(key, hit); // now the most recent
      return hit.backend;
    }
    const backend = createLocalBackend(this.load(participant));
    if (mtimeMs !== undefined) {
      if (this.cache.size >= this.limit) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { mtimeMs, backend });
    }
    return backend;
  }

  /** How many participants' models are in memory. */
  get size(): number {
    return this.cache.size;
  }
}

function fileMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
