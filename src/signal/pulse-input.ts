// What the pulse-bpm node accepts, checked once at the edge so the detector never sees a bad value:
// a grove-ear-hr batch { t0, rateHz, samples }, or one numeric sample with msg.timestamp, and/or a reset.
import type { SampleBatch } from './beat-detector';
// input errors name their text in nodes/bpm/locales/<lang>/pulse-bpm.json ("errors")
import { keyedError as inputError } from '../keyed-error';

export const MIN_RATE_HZ = 25;
export const MAX_RATE_HZ = 500;

export interface PulseInput {
  reset: boolean;
  batch: SampleBatch | null;
  sample: { tMs: number; value: number } | null;
}

/** Throws an Error whose message says what is wrong, in terms of the message the user sent. */
export function parsePulseMessage(msg: { payload?: unknown; timestamp?: unknown; reset?: unknown }): PulseInput {
  const { payload } = msg;
  const reset = Boolean(msg.reset) || payload === 'reset';
  const none: PulseInput = { reset, batch: null, sample: null };
  if (payload === 'reset' || (reset && (payload === undefined || payload === null || payload === ''))) return none;
  if (typeof payload === 'number') return { ...none, sample: parseSample(payload, msg.timestamp) };
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) return { ...none, batch: parseBatch(payload) };
  throw inputError('payload', 'payload must be a pulse batch { t0, rateHz, samples } or a number with msg.timestamp');
}

function parseSample(value: number, timestamp: unknown): { tMs: number; value: number } {
  if (!Number.isFinite(value)) throw inputError('finite', 'payload must be a finite number');
  const tMs = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (typeof tMs !== 'number' || !Number.isFinite(tMs)) throw inputError('timestamp', 'a single sample needs msg.timestamp (ms)');
  return { tMs, value };
}

function parseBatch(payload: object): SampleBatch {
  const { t0, rateHz, samples } = payload as Record<string, unknown>;
  if (typeof t0 !== 'number' || !Number.isFinite(t0)) throw inputError('t0', 'payload.t0 must be a time in ms');
  if (typeof rateHz !== 'number' || !(rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) {
    throw inputError('rateHz', `payload.rateHz must be ${MIN_RATE_HZ}-${MAX_RATE_HZ} Hz`, { min: MIN_RATE_HZ, max: MAX_RATE_HZ });
  }
  if (!Array.isArray(samples)) throw inputError('samples', 'payload.samples must be an array of numbers');
  for (let i = 0; i < samples.length; i++) {
    const v: unknown = samples[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError('sample', `payload.samples[${i}] is not a number`, { index: i });
  }
  return { t0, rateHz, samples: samples as number[] };
}
