import { participantName } from './participant';
import { round3, type SensorRecord } from './record';
import { checkPlausible, checkTimestamp } from './plausible';
import { isInterval, MAX_IBI_MS, MAX_SESSION_LENGTH } from './validate';

export interface RecorderOptions {
  /** the moods a record may carry */
  labels: readonly string[];
  /** a GSR or BPM reading older than this is stale and not recorded */
  maxAgeMs: number;
  participant?: string;
  mood?: string;
  /** a fixed session id; otherwise each recording gets a new one */
  session?: string;
}

/** What a recording start may set; anything left out keeps its current value. */
export interface StartOptions {
  participant?: string;
  mood?: string | null;
  session?: string;
  /** stop by itself after this long */
  durationMs?: number;
}

export type TickOutcome =
  | { kind: 'idle' }
  | { kind: 'record'; record: SensorRecord; finished: boolean }
  | { kind: 'skip'; reason: string; finished: boolean };

/** Why a tick has no record: `reason` in English, `key` and `vars` for the catalogues. */
export interface SkipProblem {
  key: 'clock' | 'noReading' | 'contactLost' | 'stale';
  vars: { sensor: string };
  reason: string;
}

export interface RecorderState {
  recording: boolean;
  participant?: string;
  mood?: string;
  session?: string;
  /** records emitted and ticks skipped in the current (or last) recording */
  records: number;
  skipped: number;
  startedAt?: number;
  durationMs?: number;
}

interface Reading {
  value: number | null;
  at: number;
  simulated: boolean;
}

/**
 * Joins the latest GSR and BPM into one record per tick (the sensor-record node's core; no timers
 * here: the caller passes the time). GSR is the mean of the samples that arrived during the tick.
 */
export class Recorder {
  private gsrReading?: Reading;
  private gsrSamples: number[] = [];
  private bpmReading?: Reading;
  /** beat intervals pulse-bpm counted during this tick; undefined while no BPM source gives them */
  private ibis?: number[];
  private readonly fixedSession?: string;
  private current: RecorderState = { recording: false, records: 0, skipped: 0 };
  /** Why the latest skipped tick had no record, keyed for the node's message catalogues. */
  lastSkip?: SkipProblem;

  constructor(private readonly options: RecorderOptions) {
    if (options.participant) this.setParticipant(options.participant);
    this.setMood(options.mood);
    this.fixedSession = options.session ? checkSession(options.session) : undefined;
  }

  get state(): RecorderState {
    return { ...this.current };
  }

  gsr(value: number | null, at: number, simulated = false): void {
    this.gsrReading = { value: checkReading(value, 'gsr', 'GSR'), at, simulated };
    if (value === null) this.gsrSamples = [];
    else this.gsrSamples.push(value);
  }

  /**
   * A BPM of 0 means no beat was found: treated like null. `newIbiMs`: the intervals counted since the
   * previous BPM (pulse-bpm's msg.hr.newIbiMs), kept with this tick's record for heart-rate variability.
   */
  bpm(value: number | null, at: number, simulated = false, newIbiMs?: readonly number[]): void {
    this.bpmReading = { value: checkReading(value || null, 'bpm', 'BPM'), at, simulated };
    if (newIbiMs === undefined) return;
    const intervals = checkIntervals(newIbiMs);
    this.ibis = this.bpmReading.value === null ? [] : [...(this.ibis ?? []), ...intervals];
  }

  setParticipant(name: string): void {
    this.current.participant = participantName(name);
  }

  /** A new mood while recording is a new stimulus, so it starts a new session. */
  setMood(mood: string | null | undefined, now = Date.now()): void {
    const next = mood === null || mood === undefined || mood === '' ? undefined : String(mood).trim();
    if (next !== undefined && !this.options.labels.includes(next)) {
      throw new Error(`mood "${next}" is not one of the labels: ${this.options.labels.join(', ')}`);
    }
    if (next !== this.current.mood && this.current.recording && !this.fixedSession) {
      this.current.session = newSessionId(next, now);
    }
    this.current.mood = next;
  }

  setSession(session: string): void {
    this.current.session = checkSession(session);
  }

  start(now: number, opts: StartOptions = {}): void {
    if (opts.participant !== undefined) this.setParticipant(opts.participant);
    if (!this.current.participant) {
      throw new Error('no participant: set one in the node or send msg.participant');
    }
    if (opts.mood !== undefined) this.setMood(opts.mood, now);
    if (opts.durationMs !== undefined && !(opts.durationMs > 0)) throw new Error('duration must be a positive number of seconds');
    const session = opts.session === undefined ? undefined : checkSession(opts.session);
    this.current = {
      ...this.current,
      recording: true,
      records: 0,
      skipped: 0,
      startedAt: now,
      durationMs: opts.durationMs,
      session: session ?? this.fixedSession ?? newSessionId(this.current.mood, now),
    };
  }

  stop(): void {
    this.current.recording = false;
  }

  /** Called once per tick: the record for this tick, or why there is none. */
  tick(now: number): TickOutcome {
    const samples = this.gsrSamples;
    this.gsrSamples = [];
    const ibis = this.ibis;
    if (ibis) this.ibis = [];
    const s = this.current;
    if (!s.recording) return { kind: 'idle' };
    const finished = s.durationMs !== undefined && s.startedAt !== undefined && now - s.startedAt >= s.durationMs;
    if (finished) s.recording = false;

    const problem = clockProblem(now) ?? this.missing(this.gsrReading, 'GSR', now) ?? this.missing(this.bpmReading, 'BPM', now);
    if (problem) {
      s.skipped += 1;
      this.lastSkip = problem;
      return { kind: 'skip', reason: problem.reason, finished };
    }
    const gsr = samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : this.gsrReading!.value!;
    const record: SensorRecord = {
      participant: s.participant!,
      timestamp: now,
      gsr: round3(gsr),
      bpm: round3(this.bpmReading!.value!),
      session: s.session!,
    };
    if (ibis) record.ibiMs = ibis.map(round3);
    if (s.mood !== undefined) record.mood = s.mood;
    if (this.gsrReading!.simulated || this.bpmReading!.simulated) record.simulated = true;
    s.records += 1;
    return { kind: 'record', record, finished };
  }

  private missing(reading: Reading | undefined, sensor: string, now: number): SkipProblem | undefined {
    const vars = { sensor };
    if (!reading) return { key: 'noReading', vars, reason: `no ${sensor} yet` };
    if (reading.value === null) return { key: 'contactLost', vars, reason: `no ${sensor} (sensor contact lost)` };
    if (now - reading.at > this.options.maxAgeMs) return { key: 'stale', vars, reason: `${sensor} is stale` };
    return undefined;
  }
}

/** A Pi without a network and a real-time clock starts in 1970: its records would be refused by the store. */
function clockProblem(now: number): SkipProblem | undefined {
  try {
    checkTimestamp(now, now);
    return undefined;
  } catch {
    return { key: 'clock', vars: { sensor: '' }, reason: 'clock not set' };
  }
}

/** A reading the store will accept (the shared plausible ranges): a record it would reject is a record lost. */
function checkReading(value: number | null, field: 'gsr' | 'bpm', name: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number or null, got ${JSON.stringify(value)}`);
  }
  return checkPlausible(field, value, name);
}

/** Beat intervals as the store accepts them (src/record/validate.ts). */
function checkIntervals(ibiMs: readonly number[]): number[] {
  if (!Array.isArray(ibiMs) || !ibiMs.every(isInterval)) {
    throw new Error(`beat intervals must be a list of ms between 0 and ${MAX_IBI_MS}, got ${JSON.stringify(ibiMs).slice(0, 60)}`);
  }
  return [...ibiMs];
}

/** A session id the store accepts: a record it would reject is a record lost. */
function checkSession(session: unknown): string {
  if (typeof session !== 'string' || session.trim() === '' || session.trim().length > MAX_SESSION_LENGTH) {
    throw new Error(`session must be a non-empty string of at most ${MAX_SESSION_LENGTH} characters`);
  }
  return session.trim();
}

/** Readable and sortable: the mood, then the start time, e.g. "happy-20261125T191500123Z". */
function newSessionId(mood: string | undefined, now: number): string {
  return `${mood ?? 'live'}-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
}
