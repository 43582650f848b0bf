// The Features (and Window) settings of emotion-train and emotion-infer, read into what the trainer and a
// SageMaker backend use. Errors are keyed for the nodes' catalogues (`<node>.errors.<key>`).
import { keyedError } from '../keyed-error';
import { FEATURE_SETS, featureSetNamed, WINDOW_CHOICES, type FeatureSetName } from '../signal/window-features';
import type { OrderedBackend } from './local-backend';
import { needsWindows } from './window-rows';

/**
 * emotion-train's Features and Window as the trainer's `features` and `windowSeconds`. The window counts
 * only for a set of window features (blank: the set's own); the published means keep their 10 s.
 */
export function trainingFeatures(setValue: unknown, windowValue: unknown): { features: string[]; windowSeconds: number } {
  const set = FEATURE_SETS[featureSetNamed(setValue)];
  const text = String(windowValue ?? '').trim();
  const chosen = text === '' ? set.windowSeconds : Number(text);
  if (!(WINDOW_CHOICES as readonly number[]).includes(chosen)) {
    const vars = { value: text.slice(0, 40), choices: WINDOW_CHOICES.join(', ') };
    throw keyedError('windowSeconds', `Window must be one of ${vars.choices} s, or blank for the feature set's own; not "${vars.value}"`, vars);
  }
  return { features: [...set.features], windowSeconds: needsWindows(set.features) ? chosen : set.windowSeconds };
}

/** emotion-infer's Features for a SageMaker endpoint: a set of window features has no single record to answer in "each" mode. */
export function endpointFeatureSet(setValue: unknown, mode: 'window' | 'each'): FeatureSetName {
  const name = featureSetNamed(setValue);
  const { features, windowSeconds } = FEATURE_SETS[name];
  if (mode === 'each' && needsWindows(features)) {
    throw keyedError('eachWindowed', `the "${name}" features are computed over a ${windowSeconds}-s window: set Mode to window, or Features to "published"`, { set: name, seconds: windowSeconds });
  }
  return name;
}

/** A local model as the fallback for a window: a model of window features only over the window it learned. */
export function fallbackForWindow(backend: OrderedBackend, windowSeconds: number | undefined): OrderedBackend {
  if (backend.windowSeconds !== undefined && windowSeconds !== undefined && backend.windowSeconds !== windowSeconds) {
    throw keyedError('fallbackWindow', `the local model learned ${backend.windowSeconds}-s windows, this one was ${windowSeconds} s`, { model: backend.windowSeconds, window: windowSeconds });
  }
  return backend;
}
