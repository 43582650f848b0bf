import { phasicActivity } from '../signal/phasic';
import type { CleanData } from './clean';
import { MIN_WINDOW_FILL } from './window-rows';

/**
 * Detection windows cut from recorded sessions, as emotion-infer's collection window sees a person: the
 * clean rows of one session (one mood) tiled into back-to-back windows of `windowSeconds` from its first
 * row after the warm-up. The trainer scores these, never single seconds.
 */
export interface SessionWindows {
  /** the session's key (participant, session) and its mood's class index */
  key: string;
  label: number;
  /** the session's clean rows, in time order */
  rows: number[];
  /** timestamp of the first and last clean row */
  start: number;
  end: number;
  /** complete windows, in time order: row indices into the clean data */
  windows: number[][];
}

/** emotion-infer's default collection window. */
export const DEFAULT_WINDOW_SECONDS = 10;

/**
 * Every (session, mood) of the clean rows with its windows, sessions in the order they started. A tile
 * with fewer than half the readings the session's pace gives (a gap, the session's last seconds) is not a
 * window; its rows still belong to the session.
 */
export function sessionWindows(clean: CleanData, windowSeconds: number): SessionWindows[] {
  const groups = new Map<string, number[]>();
  clean.y.forEach((label, i) => {
    const key = JSON.stringify([clean.session[i], label]);
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  });
  const windowMs = windowSeconds * 1000;
  const sessions = [...groups.entries()].map(([key, rows]) => {
    rows.sort((a, b) => clean.timestamp[a] - clean.timestamp[b]);
    const start = clean.timestamp[rows[0]];
    const minRows = Math.max(1, Math.ceil((MIN_WINDOW_FILL * windowMs) / pace(rows.map((i) => clean.timestamp[i]))));
    const tiles = new Map<number, number[]>();
    for (const i of rows) {
      const tile = Math.floor((clean.timestamp[i] - start) / windowMs);
      (tiles.get(tile) ?? tiles.set(tile, []).get(tile)!).push(i);
    }
    const windows = [...tiles.entries()].sort((a, b) => a[0] - b[0]).map(([, w]) => w).filter((w) => w.length >= minRows);
    return { key, label: clean.y[rows[0]], rows, start, end: clean.timestamp[rows[rows.length - 1]], windows };
  });
  return sessions.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
}

/** The median time between a session's readings (1 s for sensor-record's default tick). */
function pace(timestamps: readonly number[]): number {
  const gaps = timestamps.slice(1).map((t, i) => t - timestamps[i]).filter((g) => g > 0).sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : 1000;
}

/** What a window gives a model: the mean of each feature (as emotion-infer averages), and its phasic activity. */
export interface WindowFeatures {
  x: number[];
  gsrPhasic?: number;
}

/**
 * The features of one window of clean rows: the mean of each feature column, and the phasic activity of
 * the GSR readings (src/signal/phasic.ts) when `gsrColumn` is one of them, as WindowAverage gives them.
 */
export function windowFeatures(clean: CleanData, rows: readonly number[], gsrColumn: number): WindowFeatures {
  const d = clean.x[rows[0]].length;
  const x = new Array<number>(d).fill(0);
  for (const i of rows) for (let j = 0; j < d; j++) x[j] += clean.x[i][j] / rows.length;
  const phasic = gsrColumn < 0 ? undefined : phasicActivity(rows.map((i) => clean.x[i][gsrColumn]));
  return phasic === undefined ? { x } : { x, gsrPhasic: phasic };
}
