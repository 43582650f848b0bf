// What a reading from a person can be. One definition for every place values enter or are used
// (sensor-record, record-store, the trainer, emotion-infer): a value outside it is a loose electrode,
// a wiring fault or a bug, and one such value in the training data poisoned a participant's model
// (gsr 1e308 -> a standardisation of Infinity -> every answer "angry" with confidence NaN).

export interface Range {
  min: number;
  max: number;
}

export interface PlausibleRanges {
  /** skin conductance, µS. The Grove GSR circuit shows at most 50 µS; skin rarely exceeds 40. */
  gsr: Range;
  /** heart rate, beats per minute */
  bpm: Range;
}

export const DEFAULT_RANGES: Readonly<PlausibleRanges> = Object.freeze({
  gsr: Object.freeze({ min: 0, max: 100 }),
  bpm: Object.freeze({ min: 25, max: 240 }),
});

/** Timestamps: not before 2000-01-01 (a Pi whose clock was never set says 1970) ... */
export const EARLIEST_TIMESTAMP = Date.UTC(2000, 0, 1);
/** ... and at most a day ahead of this machine's clock. */
export const MAX_CLOCK_AHEAD_MS = 24 * 3600 * 1000;

const UNITS: Record<keyof PlausibleRanges, string> = { gsr: 'µS', bpm: 'BPM' };

let current: PlausibleRanges = DEFAULT_RANGES;

/**
 * Widens or narrows the ranges for an unusual sensor (settings.js `emotionIot.ranges`, see
 * docs/training.md); undefined restores the defaults. Throws, changing nothing, on a bad setting.
 */
export function setPlausibleRanges(ranges: Partial<Record<keyof PlausibleRanges, Partial<Range>>> | undefined): PlausibleRanges {
  const next = { gsr: { ...DEFAULT_RANGES.gsr }, bpm: { ...DEFAULT_RANGES.bpm } };
  for (const field of ['gsr', 'bpm'] as const) {
    const given = ranges?.[field];
    if (given === undefined) continue;
    const range = { ...next[field], ...given };
    if (!Number.isFinite(range.min) || !Number.isFinite(range.max) || range.min >= range.max) {
      throw new Error(`emotionIot.ranges.${field} must be { min, max } with finite numbers, min below max (got ${JSON.stringify(given)})`);
    }
    next[field] = range;
  }
  current = next;
  return current;
}

export function plausibleRanges(): Readonly<PlausibleRanges> {
  return current;
}

/** The value when it is a finite number within the field's range; otherwise an error naming both. */
export function checkPlausible(field: keyof PlausibleRanges, value: number, name: string = `record.${field}`): number {
  const { min, max } = current[field];
  if (!(value >= min && value <= max)) {
    throw new Error(
      `${name} ${describeNumber(value)} is outside the plausible range ${min}–${max} ${UNITS[field]} ` +
        '(a loose electrode or a wiring fault?; for an unusual sensor set emotionIot.ranges in settings.js)',
    );
  }
  return value;
}

/** The timestamp when it is ms since the epoch within [2000-01-01, now + 1 day]. */
export function checkTimestamp(value: number, now = Date.now(), name = 'record.timestamp'): number {
  if (!(value >= EARLIEST_TIMESTAMP && value <= now + MAX_CLOCK_AHEAD_MS)) {
    throw new Error(
      `${name} ${describeNumber(value)} is outside the plausible window 2000-01-01 to a day from now ` +
        '(ms since the epoch; is the clock of the machine that recorded it set?)',
    );
  }
  return value;
}

function describeNumber(value: number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
