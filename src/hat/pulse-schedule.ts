// The sample clock of the ear-clip reader. Sample i is due at start + i·1000/rateHz and is stamped with
// that time, whatever moment the timer actually fired, so batch times never drift:
// t0 of batch n+1 = t0 of batch n + samples·1000/rateHz. A failed read or a stall of more than one
// batch (event loop blocked, bus errors) drops the partial batch and leaves an honest gap.

export interface PulseBatch {
  /** time of the first sample, ms since the epoch */
  t0: number;
  rateHz: number;
  samples: number[];
}

export class PulseSchedule {
  private index = 0;
  private samples: number[] = [];
  private batchStart = 0;

  constructor(
    readonly rateHz: number,
    readonly samplesPerBatch: number,
    private readonly startMs: number,
  ) {
    if (!(rateHz > 0)) throw new RangeError(`sample rate must be positive, got ${rateHz}`);
    if (!Number.isInteger(samplesPerBatch) || samplesPerBatch < 1) {
      throw new RangeError(`samples per batch must be a whole number of 1 or more, got ${samplesPerBatch}`);
    }
  }

  timeOf(index: number): number {
    return this.startMs + (index * 1000) / this.rateHz;
  }

  /** When the next sample is (or was) due. */
  nextTime(): number {
    return this.timeOf(this.index);
  }

  /** How many samples are due by nowMs. After a stall longer than a batch, skips ahead to the present. */
  due(nowMs: number): number {
    const dueCount = Math.floor(((nowMs - this.startMs) * this.rateHz) / 1000) + 1;
    if (dueCount - this.index > this.samplesPerBatch) this.restartAt(dueCount - 1);
    return Math.max(0, dueCount - this.index);
  }

  /** Adds the reading of the sample due at nextTime(); returns a batch when one is complete. */
  push(value: number): PulseBatch | undefined {
    this.samples.push(value);
    this.index++;
    if (this.samples.length < this.samplesPerBatch) return undefined;
    const batch = { t0: this.timeOf(this.batchStart), rateHz: this.rateHz, samples: this.samples };
    this.samples = [];
    this.batchStart = this.index;
    return batch;
  }

  /** The read of the sample due at nextTime() failed: drop the partial batch and go on after it. */
  fail(): void {
    this.restartAt(this.index + 1);
  }

  private restartAt(index: number): void {
    this.index = index;
    this.samples = [];
    this.batchStart = index;
  }
}
