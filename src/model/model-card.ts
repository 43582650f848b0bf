import { MIN_WINDOWS_PER_MOOD, wilson } from './held-out-metrics';
import type { HeldOutProtocol, ModelFile, Verdict } from './model-file';

/**
 * What the Training page shows about a participant's model, so a therapist can judge it: when it was
 * trained, on how much of each mood in how many sessions, how it did on windows it never saw (balanced,
 * next to chance, with its interval) and the verdict in words, how reliable its confidence is, and the
 * published random-split figure, named for what it is.
 */
export interface ModelCard {
  participant: string;
  trainedAt: string;
  simulated: boolean;
  labels: string[];
  /** clean rows per mood; test rows per mood for models saved before rowsPerLabel was kept */
  rowsPerLabel: Record<string, number>;
  /** absent for models trained before the held-out metrics (their figure is the random split's) */
  verdict?: Verdict;
  /** the verdict in words, with what to record; for older models, why to train again */
  verdictReason: string;
  /** on held-out windows; null when none could be held out (and for older models) */
  balancedAccuracy: number | null;
  accuracy: number | null;
  chance: number;
  /** 95 % interval of the balanced accuracy */
  interval?: [number, number];
  heldOut?: HeldOutProtocol;
  /** true unless every held-out window came from a session the model never saw */
  optimistic: boolean;
  sessionsPerMood?: Record<string, number>;
  occasionsPerMood?: Record<string, number>;
  testWindows?: number;
  windowSeconds?: number;
  /** mean one-vs-rest ROC AUC over the moods (undefined when the model has no ROC) */
  rocAuc?: number;
  /** "random split of seconds, as published": for comparison with the paper's 92.5 %, never the headline */
  randomSplitAccuracy: number;
  /** 95 % Wilson interval of it over `testRows` */
  randomSplitInterval: [number, number];
  /** the random split's test rows (single seconds) */
  testRows: number;
  /** the expected calibration error of the answers' confidence, and whether it was calibrated */
  calibration?: { ece: number; eceUncalibrated: number; temperature: number; fitted: boolean; windows: number };
  /** distance above which a window is "unfamiliar", and whether it came from the person's held-out windows */
  unfamiliarLimit?: { threshold: number; from: 'held-out' | 'default'; windows?: number };
  /** set when too few windows were held out for the figures to mean much */
  warning?: string;
}

export function modelCard(model: ModelFile): ModelCard {
  const m = model.metrics;
  const random = m.randomSplit ?? { accuracy: m.accuracy ?? 0, perClass: m.perClass, testRows: undefined };
  const perMoodTest = Object.fromEntries(random.perClass.map((c) => [c.label, c.support]));
  const testRows = random.testRows ?? (random.perClass.reduce((s, c) => s + c.support, 0) || model.rows.test);
  const aucs = (m.roc ?? []).map((r) => r.auc);
  const measured = m.verdict !== undefined;
  const short = measured ? m.perClass.filter((c) => c.support < MIN_WINDOWS_PER_MOOD) : [];
  const f = model.familiarity;
  return {
    participant: model.participant,
    trainedAt: model.trainedAt,
    simulated: model.simulated,
    labels: [...model.labels],
    rowsPerLabel: model.rowsPerLabel ?? perMoodTest,
    ...(measured ? { verdict: m.verdict } : {}),
    verdictReason: measured
      ? (m.verdictReason ?? '')
      : 'trained by an earlier version, whose accuracy came from a random split of single seconds (it flatters the model): train again to measure it on held-out windows',
    balancedAccuracy: measured ? (m.balancedAccuracy ?? null) : null,
    accuracy: measured ? m.accuracy : null,
    chance: m.chance ?? 1 / model.labels.length,
    ...(m.interval ? { interval: m.interval } : {}),
    ...(m.heldOut ? { heldOut: m.heldOut } : {}),
    optimistic: m.heldOut !== 'leave-one-session-out',
    ...(m.sessionsPerMood ? { sessionsPerMood: m.sessionsPerMood } : {}),
    ...(m.occasionsPerMood ? { occasionsPerMood: m.occasionsPerMood } : {}),
    ...(m.testWindows !== undefined ? { testWindows: m.testWindows } : {}),
    ...(m.windowSeconds !== undefined ? { windowSeconds: m.windowSeconds } : {}),
    ...(aucs.length ? { rocAuc: aucs.reduce((a, b) => a + b, 0) / aucs.length } : {}),
    randomSplitAccuracy: random.accuracy,
    randomSplitInterval: wilson(Math.round(random.accuracy * testRows), testRows),
    testRows,
    ...(m.calibration ? { calibration: { ...m.calibration } } : {}),
    ...(f && f.limitFrom ? { unfamiliarLimit: { threshold: f.threshold, from: f.limitFrom, windows: f.heldOutWindows } } : {}),
    ...(short.length
      ? {
          warning:
            `only ${m.testWindows} held-out windows (${short.map((c) => `${c.label} ${c.support}`).join(', ')}): the figure could be far off; ` +
            'record at least two sessions of a few minutes of each mood, then train again',
        }
      : {}),
  };
}
