import type { SensorRecord } from '../record/record';
import { isRecordMean, windowFeatures, type FeatureValues } from '../signal/window-features';

/**
 * The trainer's rows for a model whose features need a window (skin responses, slope, heart-rate
 * variability): each record with the features of the detection window that ends at it, computed by the
 * same function emotion-infer applies when its window closes (src/signal/window-features.ts). So a model
 * learns from exactly the numbers it will be asked about. A model of only mean GSR and BPM (the published
 * one) keeps learning from single records.
 */
export function needsWindows(features: readonly string[]): boolean {
  return features.some((name) => !isRecordMean(name));
}

/** The trainer drops each session's first seconds: the body takes a while to settle into a mood. */
export const DEFAULT_WARMUP_SECONDS = 10;

/**
 * Seconds from a session's first record to the first row the trainer uses: its warm-up, which for window
 * features counts from the first record with a whole window before it. A shorter session gives no rows.
 */
export function firstRowSeconds(features: readonly string[], windowSeconds: number, warmupSeconds: number): number {
  return warmupSeconds + (needsWindows(features) ? windowSeconds - 1 : 0);
}

/** A window needs at least this share of the records it would hold at one a second (as a detection window). */
export const MIN_WINDOW_FILL = 0.5;

/**
 * Seconds of one-a-second records a session needs before the trainer can learn from it and score it: the
 * seconds it does not use, then the part of a detection window that makes one (src/model/windows.ts).
 */
export function shortestUsableSession(features: readonly string[], windowSeconds: number, warmupSeconds: number): number {
  return firstRowSeconds(features, windowSeconds, warmupSeconds) + Math.ceil(MIN_WINDOW_FILL * windowSeconds);
}

/**
 * Each record whose session has run for a whole window before it, carrying that window's features (its
 * own gsr and bpm replaced by the window's means). Records earlier in their session have no complete
 * window and are left out; `skipped` counts them.
 */
export function recordsWithWindowFeatures(records: readonly SensorRecord[], windowSeconds: number): { records: SensorRecord[]; skipped: number } {
  const windowMs = windowSeconds * 1000;
  const sessions = new Map<string, SensorRecord[]>();
  for (const r of records) {
    if (!r || typeof r !== 'object' || !Number.isFinite(r.timestamp)) continue;
    const key = JSON.stringify([r.participant, r.session, r.mood]);
    (sessions.get(key) ?? sessions.set(key, []).get(key)!).push(r);
  }
  const out: SensorRecord[] = [];
  for (const session of sessions.values()) {
    session.sort((a, b) => a.timestamp - b.timestamp);
    const start = session[0].timestamp;
    let from = 0;
    session.forEach((r, i) => {
      while (session[from].timestamp <= r.timestamp - windowMs) from++;
      const window = session.slice(from, i + 1);
      // the session began at least a window ago (one tick's slack), and the window is not mostly a gap
      if (r.timestamp - start < windowMs - 1000 || window.length < MIN_WINDOW_FILL * windowSeconds) return;
      out.push({ ...r, ...(windowFeatures(window, windowSeconds) as FeatureValues) });
    });
  }
  return { records: out, skipped: records.length - out.length };
}
