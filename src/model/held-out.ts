import type { CleanData } from './clean';
import { nearestClass } from './familiarity';
import { fitRows, type FitSettings } from './fit';
import { logits, standardiseRow, type HeldOutProtocol } from './model-file';
import { sittingsOf } from '../record/recording-protocol';
import { mulberry32 } from './prng';
import { windowFeatures, type SessionWindows } from './windows';

/**
 * Held out in time, the way the model will be used: detection windows of sessions recorded after the
 * ones the model learned from. When a mood has two or more sessions, each of its sessions that follows
 * a session of every mood is left out, its windows answered by a model trained only on the sessions
 * recorded before it (forward in time, as in time-series cross-validation on a rolling origin): a model
 * trained on sessions from both sides of the one left out would see how skin conductance drifted past
 * it, which a person's next session never offers. A mood none of whose sessions follows one of every
 * mood has its last session answered by a model trained on every other session. A mood with a single
 * session cannot be left out whole, so the end of that session is held out after a gap of one window,
 * which is optimistic: the model has seen the same sitting, minutes before.
 */
export interface HeldOutFold {
  /** clean rows the fold's model is fitted on */
  train: number[];
  /** the windows it answers: row indices, and the mood's class index */
  test: { rows: number[]; label: number }[];
}

export interface HeldOutPlan {
  protocol: HeldOutProtocol;
  folds: HeldOutFold[];
  /** per class index, the sessions with at least one complete window */
  sessionsPerMood: number[];
  /** per class index, the separate sittings (an hour or more apart) those sessions come from */
  occasionsPerMood: number[];
}

/**
 * At most this many models are fitted for sessions held out whole (ten folds, the usual choice for
 * cross-validation): with more sessions, they are left out in this many runs of consecutive sessions,
 * each run answered by a model trained on the sessions before its first, so a month of one-minute
 * sessions does not take a thousand fits.
 */
export const MAX_SESSION_FOLDS = 10;

/**
 * @param testFraction share of a single session's windows held out at its end (at least one window; the
 *   session needs one window to train on and one for the gap besides, or none of it is held out)
 */
export function planHeldOut(clean: CleanData, sessions: readonly SessionWindows[], classes: number, testFraction: number): HeldOutPlan {
  const counted = sessions.filter((s) => s.windows.length > 0);
  const sessionsPerMood = Array.from({ length: classes }, (_, k) => counted.filter((s) => s.label === k).length);
  const sitting = sittingsOf(sessions);
  const occasionsPerMood = Array.from({ length: classes }, (_, k) => new Set(counted.filter((s) => s.label === k).map((s) => sitting.get(s))).size);
  const all = clean.y.map((_, i) => i);
  const without = (excluded: ReadonlySet<number>) => all.filter((i) => !excluded.has(i));
  const folds: HeldOutFold[] = [];
  // the sessions of moods recorded more than once that follow a session of every mood, forward in time
  const several = counted.filter((c) => sessionsPerMood[c.label] >= 2);
  const follows = (s: SessionWindows) => sessionsPerMood.every((_, k) => counted.some((c) => c.label === k && c.end < s.start));
  const forward = several.filter(follows);
  const runs = Math.min(forward.length, MAX_SESSION_FOLDS);
  for (let r = 0; r < runs; r++) {
    const run = forward.slice(Math.floor((r * forward.length) / runs), Math.floor(((r + 1) * forward.length) / runs));
    folds.push({ train: all.filter((i) => clean.timestamp[i] < run[0].start), test: windowsOf(run) });
  }
  // a mood none of whose sessions follows one of every mood: its last session, out of every other
  for (let k = 0; k < classes; k++) {
    const own = several.filter((s) => s.label === k);
    if (own.length === 0 || own.some(follows)) continue;
    const last = own[own.length - 1];
    folds.push({ train: without(new Set(last.rows)), test: windowsOf([last]) });
  }
  // the ends of the moods recorded once, out together
  const ends: HeldOutFold = { train: [], test: [] };
  const excluded = new Set<number>();
  for (const s of counted.filter((c) => sessionsPerMood[c.label] === 1)) {
    const n = s.windows.length;
    const held = Math.max(1, Math.round(testFraction * n));
    if (n < held + 2) continue;
    const gapStart = clean.timestamp[s.windows[n - held - 1][0]];
    for (const i of s.rows) if (clean.timestamp[i] >= gapStart) excluded.add(i);
    ends.test.push(...windowsOf([{ ...s, windows: s.windows.slice(n - held) }]));
  }
  if (ends.test.length > 0) folds.push({ ...ends, train: without(excluded) });
  const multi = sessionsPerMood.map((n) => n >= 2);
  const protocol = multi.every(Boolean) ? 'leave-one-session-out' : multi.some(Boolean) ? 'mixed' : 'end-of-session';
  return { protocol, folds, sessionsPerMood, occasionsPerMood };
}

function windowsOf(sessions: readonly SessionWindows[]): HeldOutFold['test'] {
  return sessions.flatMap((s) => s.windows.map((rows) => ({ rows, label: s.label })));
}

/** Every held-out window's answer: the fold model's logits and its distance to the nearest recorded mood. */
export interface HeldOutScores {
  actual: number[];
  logits: number[][];
  distances: number[];
}

/** Fits each fold's model on its training rows (seeded per fold) and answers its held-out windows. */
export function scoreHeldOut(
  clean: CleanData,
  plan: HeldOutPlan,
  settings: FitSettings,
  seed: number,
  onFold: (done: number, of: number) => void = () => undefined,
): HeldOutScores {
  const out: HeldOutScores = { actual: [], logits: [], distances: [] };
  plan.folds.forEach((fold, f) => {
    const model = fitRows(clean, fold.train, settings, mulberry32(seed + f + 1));
    for (const window of fold.test) {
      // a window model's row already holds the features of the window ending at it: the tile's last row's
      const w = settings.windowRows ? { x: clean.x[window.rows[window.rows.length - 1]] } : windowFeatures(clean, window.rows, settings.gsrColumn);
      out.actual.push(window.label);
      out.logits.push(logits(model, w.x));
      out.distances.push(nearestClass(model.familiarity, standardiseRow(model, w.x), 'gsrPhasic' in w ? w.gsrPhasic : undefined).distance);
    }
    onFold(f + 1, plan.folds.length);
  });
  return out;
}
