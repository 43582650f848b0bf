import type { ModelFile } from './model-file';

/**
 * What the Training page shows about a participant's model, so a therapist can judge it: when it was
 * trained, on how much of each mood, how it did on its test rows (with how sure that figure is), and
 * whether the data was simulated.
 */
export interface ModelCard {
  participant: string;
  trainedAt: string;
  simulated: boolean;
  labels: string[];
  /** clean rows per mood; test rows per mood for models saved before rowsPerLabel was kept */
  rowsPerLabel: Record<string, number>;
  testRows: number;
  accuracy: number;
  /** 95 % Wilson interval of the accuracy over `testRows` */
  accuracyInterval: [number, number];
  /** mean one-vs-rest ROC AUC over the moods (undefined when the model has no ROC) */
  rocAuc?: number;
  /** set when the test set is too small for the figures to mean much */
  warning?: string;
}

/** Fewer test rows than this for any mood, and the card warns. */
export const MIN_TEST_ROWS_PER_MOOD = 10;

export function modelCard(model: ModelFile): ModelCard {
  const m = model.metrics;
  const perMoodTest = Object.fromEntries(m.perClass.map((c) => [c.label, c.support]));
  const testRows = m.perClass.reduce((s, c) => s + c.support, 0) || model.rows.test;
  const aucs = (m.roc ?? []).map((r) => r.auc);
  const short = m.perClass.filter((c) => c.support < MIN_TEST_ROWS_PER_MOOD);
  return {
    participant: model.participant,
    trainedAt: model.trainedAt,
    simulated: model.simulated,
    labels: [...model.labels],
    rowsPerLabel: model.rowsPerLabel ?? perMoodTest,
    testRows,
    accuracy: m.accuracy,
    accuracyInterval: wilson(Math.round(m.accuracy * testRows), testRows),
    ...(aucs.length ? { rocAuc: aucs.reduce((a, b) => a + b, 0) / aucs.length } : {}),
    ...(short.length
      ? {
          warning:
            `only ${testRows} test rows (${short.map((c) => `${c.label} ${c.support}`).join(', ')}): the accuracy could be far off; ` +
            `record at least a minute of each mood, then train again`,
        }
      : {}),
  };
}

/** 95 % Wilson score interval for k successes in n trials (honest near 0 % and 100 %). */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
