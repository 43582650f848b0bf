/** The labels and their indices used by the published system: 0 angry, 1 happy, 2 sad. */
export const DEFAULT_LABELS: readonly string[] = ['angry', 'happy', 'sad'];

/** One training or inference row, as `emotion-sensor-record` emits it (README.md, Message contracts). */
export interface SensorRecord {
  participant: string;
  /** ms since the epoch */
  timestamp: number;
  /** mean skin conductance over the tick, µS */
  gsr: number;
  /** beats per minute */
  bpm: number;
  /**
   * the beat intervals (ms) pulse-bpm counted during the tick, for heart-rate variability; absent when the
   * BPM came from elsewhere (older records, a plain number)
   */
  ibiMs?: number[];
  /** one of the labels while recording training data; absent at inference time */
  mood?: string;
  /** identifies one recording session (one stimulus), so cleaning can drop its first seconds */
  session: string;
  /** present and true when the data came from the simulated hat: never mistake it for real data */
  simulated?: boolean;
}

/** The published "rounding_op": numbers kept to 3 decimals. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
