import { participantName } from './participant';
import { checkPlausible, checkTimestamp, EARLIEST_TIMESTAMP } from './plausible';
import type { SensorRecord } from './record';

/** The longest session id and mood a stored record may carry. */
export const MAX_SESSION_LENGTH = 128;
export const MAX_MOOD_LENGTH = 32;
/** A beat interval of a record: a positive number of ms, at most a minute; at most this many in one record. */
export const MAX_IBI_MS = 60_000;
export const MAX_INTERVALS_PER_RECORD = 600;

export function isInterval(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_IBI_MS;
}

/**
 * Checks one record from the outside world (a msg, a line of the store) and returns a clean copy that
 * holds only the known fields, so nothing unexpected ends up in a participant's health data. GSR, BPM
 * and the timestamp must be plausible (./plausible): an absurd value would poison the model.
 * `labels`, when given, limits the mood to those labels.
 */
export function validateRecord(value: unknown, labels?: readonly string[]): SensorRecord {
  return check(value, labels, (t) => checkTimestamp(t));
}

/**
 * A record read back from the store: checked like a new one, except that its timestamp only needs to be
 * a time since 2000. Whether it was plausible was decided when it was stored; a clock that is behind
 * now must not hide what was recorded while it was right.
 */
export function validateStoredRecord(value: unknown): SensorRecord {
  return check(value, undefined, since2000);
}

function check(value: unknown, labels: readonly string[] | undefined, timestamp: (t: number) => number): SensorRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('a record must be an object { participant, timestamp, gsr, bpm, ibiMs, mood, session }');
  }
  const r = value as Record<string, unknown>;
  if (typeof r.participant !== 'string') throw new Error('record.participant must be a string');
  const record: SensorRecord = {
    participant: participantName(r.participant),
    timestamp: timestamp(finite(r.timestamp, 'timestamp')),
    gsr: checkPlausible('gsr', finite(r.gsr, 'gsr')),
    bpm: checkPlausible('bpm', finite(r.bpm, 'bpm')),
    session: text(r.session, 'session', MAX_SESSION_LENGTH),
  };
  if (r.ibiMs !== undefined) {
    if (!Array.isArray(r.ibiMs) || r.ibiMs.length > MAX_INTERVALS_PER_RECORD || !r.ibiMs.every(isInterval)) {
      throw new Error(`record.ibiMs must be a list of at most ${MAX_INTERVALS_PER_RECORD} beat intervals, each more than 0 and at most ${MAX_IBI_MS} ms`);
    }
    record.ibiMs = [...r.ibiMs];
  }
  if (r.mood !== undefined && r.mood !== null) {
    record.mood = text(r.mood, 'mood', MAX_MOOD_LENGTH);
    if (labels && !labels.includes(record.mood)) {
      throw new Error(`record.mood "${record.mood}" is not one of the labels: ${labels.join(', ')}`);
    }
  }
  if (r.simulated !== undefined) {
    if (typeof r.simulated !== 'boolean') throw new Error('record.simulated must be true or false');
    if (r.simulated) record.simulated = true;
  }
  return record;
}

/** The latest time a JavaScript Date can hold. */
const LATEST_DATE = 8.64e15;

function since2000(timestamp: number): number {
  if (!(timestamp >= EARLIEST_TIMESTAMP && timestamp <= LATEST_DATE)) {
    throw new Error(`record.timestamp ${timestamp} is not a time from 2000-01-01 on (ms since the epoch)`);
  }
  return timestamp;
}

function finite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`record.${name} must be a finite number (got ${describe(v)})`);
  }
  return v;
}

function text(v: unknown, name: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
    throw new Error(`record.${name} must be a non-empty string of at most ${max} characters (got ${describe(v)})`);
  }
  return v.trim();
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
