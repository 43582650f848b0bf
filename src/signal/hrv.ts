/**
 * Heart-rate variability of a window's inter-beat intervals: RMSSD (root mean square of successive
 * differences) and SDNN (standard deviation of the intervals), the two time-domain measures of the Task
 * Force of the ESC and NASPE (Circulation 93:1043-1065, 1996). Both are only as good as the beats behind
 * them, so they are computed from clean intervals only (30-200 bpm, and within 20 % of the previous clean
 * one: Malik's rule for ectopic and missed beats), and only when those cover at least half the window with
 * at least MIN_INTERVALS of them; otherwise there is no answer rather than a wrong one. Ultra-short windows
 * (10 s) are usable for RMSSD (Munoz et al., PLoS ONE 10(9):e0138921, 2015), less so for SDNN.
 */
export interface Hrv {
  /** ms */
  rmssd: number;
  /** ms */
  sdnn: number;
  /** clean intervals used */
  intervals: number;
}

export const MIN_IBI_MS = 300;
export const MAX_IBI_MS = 2000;
export const MAX_SUCCESSIVE_CHANGE = 0.2;
export const MIN_INTERVALS = 5;
export const MIN_COVERAGE = 0.5;

/**
 * Each interval's verdict, in order: in range, and within 20 % of the last clean interval (the first
 * in-range interval is taken as clean when the next one agrees with it).
 */
export function cleanFlags(ibiMs: readonly number[]): boolean[] {
  const flags = ibiMs.map((x) => x >= MIN_IBI_MS && x <= MAX_IBI_MS);
  let reference = NaN;
  for (let i = 0; i < ibiMs.length; i++) {
    if (!flags[i]) continue;
    if (Number.isNaN(reference)) {
      const next = ibiMs.slice(i + 1).find((x) => x >= MIN_IBI_MS && x <= MAX_IBI_MS);
      flags[i] = next === undefined || near(ibiMs[i], next);
      if (flags[i]) reference = ibiMs[i];
      continue;
    }
    flags[i] = near(ibiMs[i], reference);
    if (flags[i]) reference = ibiMs[i];
  }
  return flags;
}

/** RMSSD and SDNN of the intervals seen in a window of `windowMs`, or undefined without enough clean beats. */
export function heartRateVariability(ibiMs: readonly number[], windowMs: number): Hrv | undefined {
  const flags = cleanFlags(ibiMs);
  const clean = ibiMs.filter((_, i) => flags[i]);
  const covered = clean.reduce((s, x) => s + x, 0);
  if (clean.length < MIN_INTERVALS || covered < MIN_COVERAGE * windowMs) return undefined;
  let squares = 0;
  let pairs = 0;
  for (let i = 1; i < ibiMs.length; i++) {
    if (!flags[i] || !flags[i - 1]) continue;
    squares += (ibiMs[i] - ibiMs[i - 1]) ** 2;
    pairs++;
  }
  if (pairs === 0) return undefined;
  const mean = covered / clean.length;
  const variance = clean.reduce((s, x) => s + (x - mean) ** 2, 0) / (clean.length - 1);
  return { rmssd: Math.sqrt(squares / pairs), sdnn: Math.sqrt(variance), intervals: clean.length };
}

function near(x: number, reference: number): boolean {
  return Math.abs(x - reference) <= MAX_SUCCESSIVE_CHANGE * reference;
}
