import { phasicActivity } from '../signal/phasic';
import type { CleanData } from './clean';
import { DEFAULT_WINDOW_SECONDS } from './windows';

/**
 * The phasic activity (src/signal/phasic.ts) of every run of a detection window's worth of consecutive
 * GSR readings in each session (`windowSeconds` readings at one record a second), per label: what the
 * person's moods looked like over the span of a detection window. A run whose first and last readings
 * are more than 1.5 times its length apart (a gap in the recording) is not one window.
 */
export function phasicByLabel(clean: CleanData, gsrColumn: number, labelCount: number, windowSeconds = DEFAULT_WINDOW_SECONDS): number[][] {
  const readings = Math.max(1, Math.round(windowSeconds));
  const maxSpanMs = readings * 1500;
  const out: number[][] = Array.from({ length: labelCount }, () => []);
  const sessions = new Map<string, number[]>();
  clean.session.forEach((key, i) => (sessions.get(key) ?? sessions.set(key, []).get(key)!).push(i));
  for (const rows of sessions.values()) {
    rows.sort((a, b) => clean.timestamp[a] - clean.timestamp[b]);
    for (let start = 0; start + readings <= rows.length; start++) {
      const run = rows.slice(start, start + readings);
      const label = clean.y[run[0]];
      if (run.some((i) => clean.y[i] !== label)) continue;
      if (clean.timestamp[run[run.length - 1]] - clean.timestamp[run[0]] > maxSpanMs) continue;
      const activity = phasicActivity(run.map((i) => clean.x[i][gsrColumn]));
      if (activity !== undefined) out[label].push(activity);
    }
  }
  return out;
}
