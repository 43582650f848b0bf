import { phasicActivity } from '../signal/phasic';
import type { CleanData } from './clean';

/** A detection window's worth of readings: emotion-infer's default 10-s window at one record a second. */
export const WINDOW_READINGS = 10;
/** A run with a longer gap than this between its first and last reading is not one window. */
const MAX_SPAN_MS = WINDOW_READINGS * 1500;

/**
 * The phasic activity (src/signal/phasic.ts) of every run of WINDOW_READINGS consecutive GSR readings in
 * each session, per label: what the person's moods looked like over the span of a detection window.
 */
export function phasicByLabel(clean: CleanData, gsrColumn: number, labelCount: number): number[][] {
  const out: number[][] = Array.from({ length: labelCount }, () => []);
  const sessions = new Map<string, number[]>();
  clean.session.forEach((key, i) => (sessions.get(key) ?? sessions.set(key, []).get(key)!).push(i));
  for (const rows of sessions.values()) {
    rows.sort((a, b) => clean.timestamp[a] - clean.timestamp[b]);
    for (let start = 0; start + WINDOW_READINGS <= rows.length; start++) {
      const run = rows.slice(start, start + WINDOW_READINGS);
      const label = clean.y[run[0]];
      if (run.some((i) => clean.y[i] !== label)) continue;
      if (clean.timestamp[run[run.length - 1]] - clean.timestamp[run[0]] > MAX_SPAN_MS) continue;
      const activity = phasicActivity(run.map((i) => clean.x[i][gsrColumn]));
      if (activity !== undefined) out[label].push(activity);
    }
  }
  return out;
}
