// When pulse-bpm speaks: on every beat, or every N seconds of signal time (so a downstream join always has
// a fresh BPM), and in both modes once when contact is lost, so a consumer sees the BPM turn null.
import type { BeatDetector, HeartState, SampleBatch } from './beat-detector';

export type EmitMode = 'beat' | 'interval';

export interface Report {
  /** Signal time of the report (ms, the input's time base). */
  tMs: number;
  state: HeartState;
  /** the intervals (ms) counted since the previous report, in order: what heart-rate variability is measured on */
  newIbiMs: number[];
}

export class BpmReporter {
  private nextDue = NaN;
  private hadContact = false;
  private counted: number[] = [];

  constructor(
    private readonly detector: BeatDetector,
    private readonly mode: EmitMode,
    private readonly intervalMs: number,
  ) {
    if (mode === 'interval' && !(intervalMs > 0)) throw new RangeError('interval must be positive');
  }

  feedBatch(batch: SampleBatch): Report[] {
    const reports: Report[] = [];
    const step = 1000 / batch.rateHz;
    const { samples } = batch;
    for (let i = 0; i < samples.length; i++) this.step(batch.t0 + i * step, samples[i], reports);
    if (samples.length) this.checkContact(batch.t0 + (samples.length - 1) * step, reports);
    return reports;
  }

  feedSample(tMs: number, value: number): Report[] {
    const reports: Report[] = [];
    this.step(tMs, value, reports);
    this.checkContact(tMs, reports);
    return reports;
  }

  state(): HeartState {
    return this.detector.current();
  }

  reset(): void {
    this.detector.reset();
    this.nextDue = NaN;
    this.hadContact = false;
    this.counted = [];
  }

  private step(tMs: number, value: number, reports: Report[]): void {
    const beat = this.detector.processSample(tMs, value);
    if (beat) this.counted.push(...beat.counted);
    if (this.mode === 'beat') {
      if (beat) reports.push(this.report(beat.tMs));
      return;
    }
    if (Number.isNaN(this.nextDue) || tMs < this.nextDue - this.intervalMs) this.nextDue = tMs + this.intervalMs;
    if (tMs >= this.nextDue) {
      reports.push(this.report(tMs));
      // after a gap, one report and back on the grid; never a burst of stale ones
      this.nextDue += this.intervalMs * Math.max(1, Math.ceil((tMs - this.nextDue) / this.intervalMs));
    }
  }

  /** Contact lost since the last report: say so once (interval mode says it on its next tick anyway). */
  private checkContact(tMs: number, reports: Report[]): void {
    const contact = this.detector.hasContact(); // after every sample on the per-sample path: no full reading
    if (this.mode === 'beat' && this.hadContact && !contact) reports.push(this.report(tMs));
    this.hadContact = contact;
  }

  private report(tMs: number): Report {
    const newIbiMs = this.counted;
    this.counted = [];
    return { tMs, state: this.detector.current(), newIbiMs };
  }
}
