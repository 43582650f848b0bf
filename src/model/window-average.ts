import { checkPlausible } from '../record/plausible';
import { round3 } from '../record/record';
import { phasicActivity } from '../signal/phasic';

/** The features one inference uses: mean skin conductance (µS) and heart rate (BPM). */
export interface Features {
  gsr: number;
  bpm: number;
  /**
   * A window's phasic skin-conductance activity (src/signal/phasic.ts): not a model input, but part of
   * telling a state the person never recorded apart. Absent for single records and short windows.
   */
  gsrPhasic?: number;
}

/**
 * Reads `{ gsr, bpm }` from a record (sensor-record's payload) and says exactly what is wrong
 * otherwise: a null BPM is the pulse sensor's "no contact", not a zero. Values outside the plausible
 * ranges the model was trained within are refused, not answered.
 */
export function readFeatures(payload: unknown): Features {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Error('expected a record { gsr, bpm } in msg.payload');
  }
  const { gsr, bpm } = payload as Record<string, unknown>;
  if (typeof gsr !== 'number' || !Number.isFinite(gsr)) throw new Error('record has no valid gsr (number, µS)');
  if (bpm === null || bpm === undefined) throw new Error('record has no BPM (is the ear clip on?)');
  if (typeof bpm !== 'number' || !Number.isFinite(bpm) || bpm <= 0) throw new Error('record has no valid bpm (positive number)');
  return { gsr: checkPlausible('gsr', gsr, 'record gsr'), bpm: checkPlausible('bpm', bpm, 'record bpm') };
}

/** Running mean of the records collected in one window (the published system sent mean GSR and BPM). */
export class WindowAverage {
  private readonly gsr: number[] = [];
  private bpmSum = 0;
  count = 0;
  /** records that arrived in the window but could not be used, with the last reason */
  rejected = 0;
  lastRejection = '';

  add(payload: unknown): boolean {
    let f: Features;
    try {
      f = readFeatures(payload);
    } catch (e) {
      this.rejected += 1;
      this.lastRejection = (e as Error).message;
      return false;
    }
    this.gsr.push(f.gsr);
    this.bpmSum += f.bpm;
    this.count += 1;
    return true;
  }

  /** The mean features, to 3 decimals; throws when no usable record arrived. */
  mean(windowMs: number): Features {
    if (this.count === 0) {
      const why = this.rejected > 0 ? ` (${this.rejected} unusable, last: ${this.lastRejection})` : '';
      throw new Error(
        `no valid records arrived in the ${windowMs / 1000} s window${why}: check the sensors are wired into emotion-infer and touching the skin`,
      );
    }
    // 3 decimals like the records themselves, so msg.emotion.features is exactly what either backend saw
    const gsr = round3(this.gsr.reduce((s, v) => s + v, 0) / this.count);
    const phasic = phasicActivity(this.gsr);
    return { gsr, bpm: round3(this.bpmSum / this.count), ...(phasic === undefined ? {} : { gsrPhasic: Math.round(phasic * 1e5) / 1e5 }) };
  }
}
