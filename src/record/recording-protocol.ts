import { DEFAULT_WARMUP_SECONDS, firstRowSeconds, shortestUsableSession } from '../model/window-rows';
import { PUBLISHED_FEATURES, PUBLISHED_WINDOW_SECONDS } from '../signal/window-features';
import type { SensorRecord } from './record';

/**
 * The recording protocol the Training page teaches, and how far a participant is along it. A model can
 * only be measured on sessions it did not learn from, and a mood recorded in one sitting cannot be told
 * from the sitting itself (skin conductance drifts by tens of percent over an hour), so it asks for:
 * - at least two sessions of each mood,
 * - on at least two separate occasions (sittings),
 * - in a varied order (the same order every time ties each mood to a time in the sitting),
 * - and a calm / rest recording, the state a person is in most of the time.
 */
export interface MoodRecording {
  /** sessions long enough for the trainer to learn from and score (a detection window after `firstRowSeconds`) */
  sessions: number;
  /** minutes recorded in all of the mood's sessions */
  minutes: number;
  /** separate sittings those sessions come from */
  occasions: number;
}

export type ProtocolGap =
  | { need: 'sessions'; mood: string; have: number; want: number; text: string }
  | { need: 'occasions'; mood: string; have: number; want: number; text: string }
  | { need: 'order'; order: string[]; text: string }
  | { need: 'rest'; mood: string; text: string };

export interface RecordingProtocol {
  moods: Record<string, MoodRecording>;
  /** seconds at the start of each session that give the trainer no rows (the page's warm-up) */
  firstRowSeconds: number;
  /** what is still to record, most important first; empty when the protocol is complete */
  missing: ProtocolGap[];
}

export const MIN_SESSIONS_PER_MOOD = 2;
export const MIN_OCCASIONS_PER_MOOD = 2;
/** Sessions less than an hour apart (end to start, with nothing recorded between) are one sitting. */
export const OCCASION_GAP_MS = 3600_000;

export interface ProtocolOptions {
  /** the model's features and window, and the seconds the trainer drops from each session (its warm-up) */
  features: readonly string[];
  windowSeconds: number;
  warmupSeconds: number;
  /** the calm / rest mood: until it is recorded once, the protocol asks for one rest session */
  restMood: string;
}

/**
 * Where a participant stands, from their stored records, for `moods` (e.g. record-store's labels) and
 * any other mood found in the records.
 */
export function recordingProtocol(records: readonly SensorRecord[], moods: readonly string[], options: Partial<ProtocolOptions> = {}): RecordingProtocol {
  const o: ProtocolOptions = {
    features: PUBLISHED_FEATURES,
    windowSeconds: PUBLISHED_WINDOW_SECONDS,
    warmupSeconds: DEFAULT_WARMUP_SECONDS,
    restMood: moods.find((m) => m === 'calm' || m === 'rest') ?? 'calm',
    ...options,
  };
  const shortest = shortestUsableSession(o.features, o.windowSeconds, o.warmupSeconds);
  const sessions = sessionsOf(records);
  const sittings = sittingsOf(sessions);
  const counted = sessions.filter((s) => s.end - s.start >= (shortest - 1) * 1000); // records one a second
  const all = [...new Set([...moods, ...sessions.map((s) => s.mood)])];
  const summary: Record<string, MoodRecording> = Object.fromEntries(
    all.map((mood) => {
      const own = counted.filter((s) => s.mood === mood);
      const minutes = sessions.filter((s) => s.mood === mood).reduce((m, s) => m + s.seconds / 60, 0);
      return [mood, { sessions: own.length, minutes: Math.round(minutes * 10) / 10, occasions: new Set(own.map((s) => sittings.get(s))).size }];
    }),
  );
  const missing: ProtocolGap[] = [];
  // the rest mood is asked for once first (a "rest" gap), then like every other mood
  const asked = all.filter((m) => moods.includes(m) && (m !== o.restMood || summary[m].sessions > 0));
  for (const mood of asked) {
    const have = summary[mood].sessions;
    if (have < MIN_SESSIONS_PER_MOOD) {
      missing.push({ need: 'sessions', mood, have, want: MIN_SESSIONS_PER_MOOD, text: `record ${mood} ${have === 0 ? 'in two sessions' : 'again'} (${have} of ${MIN_SESSIONS_PER_MOOD} sessions)` });
    }
  }
  for (const mood of asked) {
    const have = summary[mood].occasions;
    if (summary[mood].sessions > 0 && have < MIN_OCCASIONS_PER_MOOD) {
      missing.push({ need: 'occasions', mood, have, want: MIN_OCCASIONS_PER_MOOD, text: `record ${mood} on another occasion (an hour or more later): all its sessions are from one sitting` });
    }
  }
  const order = sameOrderEverySitting(counted, sittings);
  if (order) missing.push({ need: 'order', order, text: `vary the order: every sitting recorded ${order.join(' → ')}` });
  if (!(summary[o.restMood]?.sessions > 0)) {
    missing.push({ need: 'rest', mood: o.restMood, text: `record ${o.restMood} too: a rest session, sitting quietly` });
  }
  return { moods: summary, firstRowSeconds: firstRowSeconds(o.features, o.windowSeconds, o.warmupSeconds), missing };
}

interface Session {
  mood: string;
  start: number;
  end: number;
  /** records in it, at one a second */
  seconds: number;
}

/** One entry per (session, mood), from the records' timestamps. */
function sessionsOf(records: readonly SensorRecord[]): Session[] {
  const byKey = new Map<string, Session>();
  for (const r of records) {
    if (typeof r.mood !== 'string' || !Number.isFinite(r.timestamp)) continue;
    const key = JSON.stringify([r.session ?? '', r.mood]);
    const s = byKey.get(key);
    if (!s) byKey.set(key, { mood: r.mood, start: r.timestamp, end: r.timestamp, seconds: 1 });
    else {
      s.start = Math.min(s.start, r.timestamp);
      s.end = Math.max(s.end, r.timestamp);
      s.seconds += 1;
    }
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start);
}

/**
 * The sitting (0, 1, ...) of each session: sessions in order of their start, a new sitting after an hour
 * with nothing recorded. Shared with the trainer, which counts occasions the same way.
 */
export function sittingsOf<S extends { start: number; end: number }>(sessions: readonly S[]): Map<S, number> {
  const out = new Map<S, number>();
  let sitting = -1;
  let lastEnd = -Infinity;
  for (const s of [...sessions].sort((a, b) => a.start - b.start)) {
    if (s.start - lastEnd >= OCCASION_GAP_MS) sitting += 1;
    out.set(s, sitting);
    lastEnd = Math.max(lastEnd, s.end);
  }
  return out;
}

/** The mood order, when two or more sittings recorded two or more moods and all in the same order. */
function sameOrderEverySitting(sessions: readonly Session[], sittings: ReadonlyMap<Session, number>): string[] | undefined {
  const orders = new Map<number, string[]>();
  for (const s of sessions) {
    const order = orders.get(sittings.get(s)!) ?? [];
    if (!order.includes(s.mood)) order.push(s.mood);
    orders.set(sittings.get(s)!, order);
  }
  const multi = [...orders.values()].filter((o) => o.length >= 2).map((o) => o.join(' → '));
  return multi.length >= 2 && new Set(multi).size === 1 ? multi[0].split(' → ') : undefined;
}
