import type { HeldOutProtocol, Verdict } from './model-file';

/**
 * What the held-out windows say, in figures and in words. Balanced accuracy (the mean of the moods'
 * recalls) is the headline because guessing scores exactly chance (1 / number of moods) on it, whatever
 * the mix of moods; plain accuracy rewards always answering the mood recorded most.
 */

/** Mean recall over the moods that have test windows; undefined when none has. */
export function balancedAccuracy(confusion: readonly (readonly number[])[]): number | undefined {
  const recalls = confusion.flatMap((row, k) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 ? [row[k] / n] : [];
  });
  return recalls.length > 0 ? recalls.reduce((a, b) => a + b, 0) / recalls.length : undefined;
}

export const INTERVAL_METHOD =
  'Wilson score, 95 %, over the test windows: n = K² / Σ 1/n_k (the total when the K moods have equal windows); neighbouring windows are alike, so if anything too narrow';

/**
 * 95 % interval of the balanced accuracy: the Wilson score interval with the effective number of windows
 * n = K² / Σ_k 1/n_k, the n for which a proportion has the balanced accuracy's variance
 * (Σ_k p(1-p)/n_k / K² when every mood's recall is p). With equal windows per mood it is their total.
 */
export function balancedInterval(confusion: readonly (readonly number[])[], balanced: number): [number, number] {
  const sizes = confusion.map((row) => row.reduce((a, b) => a + b, 0)).filter((n) => n > 0);
  if (sizes.length === 0) return [0, 1];
  const effective = sizes.length ** 2 / sizes.reduce((s, n) => s + 1 / n, 0);
  return wilson(balanced * effective, effective);
}

/** 95 % Wilson score interval for k successes in n trials (honest near 0 % and 100 %); n may be fractional. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Fewer held-out windows of a mood than this, and a figure at or near chance says nothing either way:
 * not measurable yet rather than not separable (the model card warns below the same number).
 */
export const MIN_WINDOWS_PER_MOOD = 10;

export interface VerdictInput {
  protocol: HeldOutProtocol;
  labels: readonly string[];
  sessionsPerMood: readonly number[];
  /** separate sittings (an hour or more apart) per mood */
  occasionsPerMood: readonly number[];
  /** test windows per mood */
  windowsPerMood: readonly number[];
  balanced?: number;
  interval: [number, number];
  chance: number;
}

/**
 * The verdict, by rules stated in advance (not fitted to any data):
 * - a mood with no held-out window: `not-measurable` (record longer);
 * - the interval's lower bound above chance, every mood in two or more sessions on two or more separate
 *   occasions, each session answered by a model without it: `separable`;
 * - above chance, but a mood recorded in a single session: `not-measurable` (the model may have learned
 *   when each mood was recorded, not how it felt);
 * - above chance, but a mood whose sessions all come from one sitting: `not-measurable` (what changes
 *   between sittings, skin conductance drifting by tens of percent, was never measured);
 * - at or below chance with fewer than MIN_WINDOWS_PER_MOOD held-out windows of a mood: `not-measurable`
 *   (too few to tell);
 * - at or below chance otherwise: `not-separable` (it may be no better than guessing on windows it never
 *   saw; with single sessions, not even on the end of the recordings it learned from).
 */
export function verdictOf(v: VerdictInput): { verdict: Verdict; reason: string } {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const missing = v.labels.filter((_, k) => v.windowsPerMood[k] === 0);
  if (missing.length > 0 || v.balanced === undefined) {
    return {
      verdict: 'not-measurable',
      reason: `not measurable yet: too little of ${missing.join(', ')} to hold any of it out; record at least two sessions of a minute or more of each mood`,
    };
  }
  const once = v.labels.filter((_, k) => v.sessionsPerMood[k] < 2);
  const figure = `${pct(v.balanced)} on held-out windows, 95 % interval ${pct(v.interval[0])}–${pct(v.interval[1])}, chance ${pct(v.chance)}`;
  const again = once.length > 0 ? `record ${once.join(', ')} again on another occasion` : 'record each mood again on other occasions, in a varied order';
  const few = v.labels.filter((_, k) => v.windowsPerMood[k] < MIN_WINDOWS_PER_MOOD);
  if (v.interval[0] <= v.chance && few.length > 0) {
    return {
      verdict: 'not-measurable',
      reason: `not measurable yet: too few held-out windows of ${few.join(', ')} to tell (${figure}); record each mood for longer, in two or more sessions on separate occasions`,
    };
  }
  if (v.interval[0] <= v.chance) {
    const where = once.length > 0 ? 'even on the end of the recordings it learned from' : 'on sessions it did not learn from';
    return { verdict: 'not-separable', reason: `cannot tell these moods apart better than chance ${where}: ${figure}; ${again}` };
  }
  if (once.length > 0) {
    return {
      verdict: 'not-measurable',
      reason:
        `not measurable yet: ${once.join(', ')} ${once.length === 1 ? 'was' : 'were'} recorded once, so the model may have learned when you recorded, ` +
        `not how you felt (optimistic: ${figure}); ${again}`,
    };
  }
  const oneSitting = v.labels.filter((_, k) => v.occasionsPerMood[k] < 2);
  if (oneSitting.length > 0) {
    return {
      verdict: 'not-measurable',
      reason:
        `not measurable yet: every session of ${oneSitting.join(', ')} comes from one sitting, so how the model does on another day was never measured ` +
        `(within the sitting: ${figure}); record ${oneSitting.join(', ')} again on another occasion, an hour or more later`,
    };
  }
  return {
    verdict: 'separable',
    reason: `can tell these moods apart: ${figure}; each session answered by a model trained only on the sessions before it, sessions from separate occasions`,
  };
}
