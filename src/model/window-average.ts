import { checkPlausible } from '../record/plausible';
import { isInterval } from '../record/validate';
import { windowFeatures, type FeatureValues, type WindowRecord } from '../signal/window-features';

/**
 * The features one answer uses: those of the detection window (src/signal/window-features.ts), at least
 * the mean skin conductance (µS) and heart rate (BPM) the published system sent. `gsrPhasic` also tells a
 * state the person never recorded apart (familiarity).
 */
export type Features = FeatureValues & { gsr: number; bpm: number };

/**
 * Reads one record (sensor-record's payload) for a window and says exactly what is wrong otherwise: a
 * null BPM is the pulse sensor's "no contact", not a zero. Values outside the plausible ranges the model
 * was trained within are refused, not answered. Beat intervals that are not a list of plausible ones are
 * left out (the record's GSR and BPM still count).
 */
export function readRecord(payload: unknown): Omit<WindowRecord, 'timestamp'> & { timestamp?: number } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Error('expected a record { gsr, bpm } in msg.payload');
  }
  const { gsr, bpm, timestamp, ibiMs } = payload as Record<string, unknown>;
  if (typeof gsr !== 'number' || !Number.isFinite(gsr)) throw new Error('record has no valid gsr (number, µS)');
  if (bpm === null || bpm === undefined) throw new Error('record has no BPM (is the ear clip on?)');
  if (typeof bpm !== 'number' || !Number.isFinite(bpm) || bpm <= 0) throw new Error('record has no valid bpm (positive number)');
  return {
    gsr: checkPlausible('gsr', gsr, 'record gsr'),
    bpm: checkPlausible('bpm', bpm, 'record bpm'),
    ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestamp } : {}),
    ...(Array.isArray(ibiMs) && ibiMs.every(isInterval) ? { ibiMs } : {}),
  };
}

/** The features of a single record (emotion-infer's "each" mode): its GSR and BPM. */
export function readFeatures(payload: unknown): Features {
  const { gsr, bpm } = readRecord(payload);
  return { gsr, bpm };
}

/** The records collected in one window, and their features when it closes. */
export class WindowAverage {
  private readonly records: WindowRecord[] = [];
  /** records that arrived in the window but could not be used, with the last reason */
  rejected = 0;
  lastRejection = '';

  get count(): number {
    return this.records.length;
  }

  /** From the first usable record to the last (ms; 0 with fewer than two). */
  get spanMs(): number {
    return this.records.length < 2 ? 0 : this.records[this.records.length - 1].timestamp - this.records[0].timestamp;
  }

  add(payload: unknown): boolean {
    try {
      const r = readRecord(payload);
      // a record without a time (written by hand) is taken as one a second, in arrival order
      this.records.push({ ...r, timestamp: r.timestamp ?? (this.records.at(-1)?.timestamp ?? 0) + 1000 });
      return true;
    } catch (e) {
      this.rejected += 1;
      this.lastRejection = (e as Error).message;
      return false;
    }
  }

  /** The window's features; throws when no usable record arrived. */
  mean(windowMs: number): Features {
    if (this.records.length === 0) {
      const why = this.rejected > 0 ? ` (${this.rejected} unusable, last: ${this.lastRejection})` : '';
      throw new Error(
        `no valid records arrived in the ${windowMs / 1000} s window${why}: check the sensors are wired into emotion-infer and touching the skin`,
      );
    }
    return windowFeatures(this.records, windowMs / 1000) as Features;
  }
}
