// Watch mode: each participant's log skin conductance over a sliding window against their own previous
// minutes (z = (window mean - history mean) / (history sd + 0.01), the recipe of the real-recordings
// research), as rising / steady / falling, and one alert per rising episode. No training, no per-person
// parameters. Everything follows the records' own timestamps, never a clock, so a recorded session gives
// the same answers at any replay speed.
import { checkPlausible, checkTimestamp } from '../record/plausible';
import { participantKey, participantName } from '../record/participant';
import { LogConductanceHistory } from './arousal-history';
import { AlertEpisodes, classify, DEFAULT_THRESHOLDS, type AlertRules, type ArousalState, type Thresholds } from './arousal-state';
import { keyedError as keyed } from '../keyed-error';

export interface ArousalSettings extends Thresholds, AlertRules {
  /** whole seconds */
  windowSeconds: number;
  /** a reading every this many seconds (whole seconds, at most the window) */
  everySeconds: number;
  /** whole seconds before the window; a longer gap between records starts the warm-up again */
  historySeconds: number;
  /** when set, only this participant's records are accepted */
  participant?: string;
}

export const DEFAULT_SETTINGS: Readonly<ArousalSettings> = Object.freeze({
  windowSeconds: 30,
  everySeconds: 10,
  historySeconds: 300,
  ...DEFAULT_THRESHOLDS,
  alertWindows: 6,
  quietMs: 10 * 60_000,
});

/** msg.arousal: one window's answer. Conductances in µS (geometric means), 3 decimals; null when unknown. */
export interface ArousalReading {
  participant: string;
  state: ArousalState;
  z: number | null;
  windowMean: number | null;
  historyMean: number | null;
  /** the history's band: its mean ± one standard deviation of log conductance */
  historyLow: number | null;
  historyHigh: number | null;
  /** seconds of the window and of the history that hold records */
  windowSeconds: number;
  historySeconds: number;
  /** when the current state began (ms): the end of the last window in another state */
  since: number;
  /** the window's end (ms) */
  timestamp: number;
}

export interface ArousalAlert {
  participant: string;
  risingWindows: number;
  risingSeconds: number;
  since: number;
  timestamp: number;
  z: number;
}

export interface Outcome {
  participant: string;
  /** a window ended with this record */
  reading?: ArousalReading;
  alert?: ArousalAlert;
  /** the gap (s) after which this record started the participant's warm-up again */
  gapSeconds?: number;
}

/** The research recipe's floor under the history's standard deviation of log conductance. */
const SD_FLOOR = 0.01;
/** ln(0.001 µS): a reading of 0 must not become -Infinity */
const LOG_FLOOR = Math.log(0.001);
/** Participants kept at once; the least recently heard from is dropped first. */
export const MAX_PARTICIPANTS = 100;

interface Person {
  name: string;
  history: LogConductanceHistory;
  lastMs: number;
  state: ArousalState;
  since: number;
  episodes: AlertEpisodes;
}

export class ArousalTracker {
  private readonly people = new Map<string, Person>();
  private readonly watching?: string;
  private readonly watchingKey?: string;
  private lastNamed?: { given: unknown; name: string; key: string };

  constructor(readonly settings: ArousalSettings) {
    checkSettings(settings);
    this.watching = settings.participant ? participantName(settings.participant) : undefined;
    this.watchingKey = this.watching && participantKey(this.watching);
  }

  /** One record `{ participant, timestamp, gsr }` (sensor-record's payload); throws, changing nothing, on a bad one. */
  add(payload: unknown): Outcome {
    const { name, key, timestamp, gsr } = this.read(payload);
    const x = Math.max(LOG_FLOOR, Math.log(gsr));
    const second = Math.floor(timestamp / 1000);
    let person = this.people.get(key);
    if (person && timestamp < person.lastMs) {
      throw keyed('order', `record at ${timestamp} is older than ${name}'s last (${person.lastMs}): records must arrive in time order`, {
        participant: name,
        timestamp,
        last: person.lastMs,
      });
    }
    const outcome: Outcome = { participant: name };
    if (!person) {
      person = this.start(key, name, second, x, timestamp);
    } else if (timestamp - person.lastMs > this.settings.historySeconds * 1000) {
      outcome.gapSeconds = Math.round((timestamp - person.lastMs) / 1000);
      this.restart(person, second, x, timestamp);
    } else if (second > person.history.open) {
      const boundary = Math.floor(second / this.settings.everySeconds) * this.settings.everySeconds;
      if (boundary > person.history.open) {
        person.history.advanceTo(boundary);
        Object.assign(outcome, this.evaluate(person, boundary * 1000));
      }
      person.history.advanceTo(second);
    }
    person.history.add(x);
    person.lastMs = timestamp;
    // least recently heard from first: a Map keeps insertion order
    this.people.delete(key);
    this.people.set(key, person);
    return outcome;
  }

  /** The participant's current state, or undefined when none of their records arrived. */
  stateOf(participant: string): ArousalState | undefined {
    return this.people.get(participantKey(participant))?.state;
  }

  get participants(): number {
    return this.people.size;
  }

  private read(payload: unknown): { name: string; key: string; timestamp: number; gsr: number } {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw keyed('payload', 'expected a record { participant, timestamp, gsr } in msg.payload');
    }
    const r = payload as Record<string, unknown>;
    const given = r.participant === undefined || r.participant === null || r.participant === '' ? undefined : r.participant;
    if (given === undefined && this.watching === undefined) throw keyed('participant', 'the record has no participant, and the node watches none');
    const { name, key } = this.named(given ?? this.watching);
    if (this.watching && key !== this.watchingKey) {
      throw keyed('otherParticipant', `record of ${name}: this node watches ${this.watching}`, { participant: name, watching: this.watching });
    }
    if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) {
      throw keyed('timestamp', 'record.timestamp must be a time in ms since the epoch');
    }
    if (typeof r.gsr !== 'number' || !Number.isFinite(r.gsr)) throw keyed('gsr', 'record.gsr must be a number (µS)');
    return { name, key, timestamp: checkTimestamp(r.timestamp), gsr: checkPlausible('gsr', r.gsr) };
  }

  /** The checked name and its key; records of one person come in a row, so the last one is remembered. */
  private named(participant: unknown): { name: string; key: string } {
    if (participant !== this.lastNamed?.given) {
      const name = participantName(participant);
      this.lastNamed = { given: participant, name, key: participantKey(name) };
    }
    return this.lastNamed!;
  }

  private start(key: string, name: string, second: number, x: number, timestamp: number): Person {
    const { windowSeconds, historySeconds } = this.settings;
    const person: Person = {
      name,
      history: new LogConductanceHistory(windowSeconds, historySeconds),
      lastMs: timestamp,
      state: 'warming-up',
      since: timestamp,
      episodes: new AlertEpisodes(this.settings),
    };
    person.history.reset(second, x);
    this.people.set(key, person);
    if (this.people.size > MAX_PARTICIPANTS) this.people.delete(this.people.keys().next().value as string);
    return person;
  }

  private restart(person: Person, second: number, x: number, timestamp: number): void {
    person.history.reset(second, x);
    person.state = 'warming-up';
    person.since = timestamp;
    person.episodes.next('warming-up', timestamp, timestamp);
  }

  private evaluate(person: Person, end: number): Pick<Outcome, 'reading' | 'alert'> {
    const { windowSeconds } = this.settings;
    const w = person.history.window();
    const h = person.history.history();
    // enough to compare: half the window, and at least a window's worth of history (the recipe's minimum)
    const ready = w.seconds >= Math.ceil(windowSeconds / 2) && h.seconds >= windowSeconds;
    const z = ready ? (w.mean - h.mean) / (h.sd + SD_FLOOR) : null;
    const state = z === null ? 'warming-up' : classify(z, person.state, this.settings);
    if (state !== person.state) {
      // it began after the previous window, which still said otherwise: "rising for 10 s" at the first one
      person.state = state;
      person.since = end - this.settings.everySeconds * 1000;
    }
    const reading: ArousalReading = {
      participant: person.name,
      state,
      z: z === null ? null : round3(z),
      windowMean: w.records ? round3(Math.exp(w.mean)) : null,
      historyMean: h.records ? round3(Math.exp(h.mean)) : null,
      historyLow: h.records ? round3(Math.exp(h.mean - h.sd)) : null,
      historyHigh: h.records ? round3(Math.exp(h.mean + h.sd)) : null,
      windowSeconds: w.seconds,
      historySeconds: h.seconds,
      since: person.since,
      timestamp: end,
    };
    const raised = person.episodes.next(state, end, person.since);
    if (!raised || z === null) return { reading };
    const alert: ArousalAlert = {
      participant: person.name,
      risingWindows: raised.risingWindows,
      risingSeconds: raised.risingWindows * this.settings.everySeconds,
      since: raised.since,
      timestamp: end,
      z: round3(z),
    };
    return { reading, alert };
  }
}

/** "45 s", "2 min", "1 min 30 s": how long a state has lasted, as alert texts say it. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const rest = s % 60;
  return rest === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${rest} s`;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function checkSettings(s: ArousalSettings): void {
  const whole = (v: number, name: string, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  };
  whole(s.windowSeconds, 'window (s)', 2, 600);
  whole(s.everySeconds, 'every (s)', 1, s.windowSeconds);
  whole(s.historySeconds, 'history (s)', s.windowSeconds, 3600);
  whole(s.alertWindows, 'alert after (windows)', 1, 1000);
  if (!(s.quietMs >= 0 && s.quietMs <= 24 * 3600_000)) throw new Error('quiet period must be 0 to 24 hours');
  if (!(s.enterZ >= 0 && s.enterZ <= 10)) throw new Error('start threshold must be from 0 to 10 (z)');
  if (!(s.leaveZ >= 0 && s.leaveZ <= s.enterZ)) throw new Error('hold threshold must be from 0 to the start threshold (z)');
}
