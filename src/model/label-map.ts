import { DEFAULT_LABELS } from '../record/record';
import { MAX_MOOD_LENGTH } from '../record/validate';

/**
 * The label list maps class indices to names (index 0 -> first label). The editor stores it as a
 * comma-separated string; an empty value means the published mapping 0 angry, 1 happy, 2 sad.
 */
export function parseLabels(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
  const labels = items.map((l) => l.trim()).filter((l) => l !== '');
  if (labels.length === 0) return [...DEFAULT_LABELS];
  if (labels.length < 2) throw new Error('labels: give at least two, comma-separated (index 0 first)');
  const long = labels.find((l) => l.length > MAX_MOOD_LENGTH);
  if (long) throw new Error(`labels: "${long.slice(0, 40)}" is longer than ${MAX_MOOD_LENGTH} characters (a record's mood)`);
  if (new Set(labels).size !== labels.length) throw new Error(`labels must be unique: ${labels.join(', ')}`);
  if (labels.includes(UNCERTAIN)) throw new Error(`"${UNCERTAIN}" is reserved for answers below the confidence threshold`);
  return labels;
}

/** The label given instead of a guess when the best score is below the confidence threshold. */
export const UNCERTAIN = 'uncertain';

/** Scores keyed by label, e.g. { angry: 0.1, happy: 0.7, sad: 0.2 }. */
export function scoresByLabel(labels: readonly string[], scores: readonly number[]): Record<string, number> {
  if (scores.length !== labels.length) {
    throw new Error(
      `the model answers ${scores.length} classes but ${labels.length} labels are configured (${labels.join(', ')}): make the label list match the model`,
    );
  }
  return Object.fromEntries(labels.map((label, i) => [label, scores[i]]));
}

/**
 * The labels a model answers with: a model trained with an extra mood (e.g. calm) keeps its own; the node's
 * list renames the classes of a model with as many.
 */
export function answerLabels(modelLabels: readonly string[] | undefined, nodeLabels: readonly string[]): readonly string[] {
  return modelLabels && modelLabels.length !== nodeLabels.length ? modelLabels : nodeLabels;
}

/**
 * The node's list differs from the labels a model of as many classes learned: a renaming (another language)
 * is fine, another order would silently swap answers; only a person can tell which, so the node warns.
 */
export function labelsDifferFromModel(modelLabels: readonly string[] | undefined, nodeLabels: readonly string[]): boolean {
  return modelLabels !== undefined && modelLabels.length === nodeLabels.length && modelLabels.join() !== nodeLabels.join();
}
