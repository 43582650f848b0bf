// Tells a live sensor from a dead one without looking for beats: a flat signal (ear clip off, wire loose)
// or one pinned at the ADC's top rail (input saturated) means no contact, whatever the detector thinks.
// The ear clip idles between its short pulses, so "flat" must span more than the longest interval (2 s
// at 30 BPM): min/max over the current one-second block and the two before it, a 2-3 s window, O(1).

const BLOCK_MS = 1000;
const BLOCKS = 3;
const SATURATED_MS = 1000;

export class ContactMonitor {
  private blockStart = NaN;
  private readonly mins: number[] = [];
  private readonly maxs: number[] = [];
  private seenMs = 0;
  private railSince = NaN;
  private lastT = NaN;

  /**
   * @param minAmplitude peak-to-peak below this (input units) over the window is "flat"; 0: only a constant signal is
   * @param saturationLevel samples at or above this for a second are "saturated" (null: never)
   */
  constructor(
    private readonly minAmplitude: number,
    private readonly saturationLevel: number | null,
  ) {}

  add(tMs: number, value: number): void {
    if (!(tMs - this.blockStart < BLOCK_MS)) {
      if (!Number.isNaN(this.blockStart)) this.seenMs += tMs - this.blockStart;
      this.mins.push(Infinity);
      this.maxs.push(-Infinity);
      if (this.mins.length > BLOCKS) {
        this.mins.shift();
        this.maxs.shift();
      }
      this.blockStart = tMs;
    }
    const last = this.mins.length - 1;
    if (value < this.mins[last]) this.mins[last] = value;
    if (value > this.maxs[last]) this.maxs[last] = value;
    if (this.saturationLevel !== null && value >= this.saturationLevel) {
      if (Number.isNaN(this.railSince)) this.railSince = tMs;
    } else {
      this.railSince = NaN;
    }
    this.lastT = tMs;
  }

  flat(): boolean {
    if (this.seenMs < (BLOCKS - 1) * BLOCK_MS) return false; // not enough signal yet to judge
    const swing = Math.max(...this.maxs) - Math.min(...this.mins);
    return swing < this.minAmplitude || swing === 0;
  }

  saturated(): boolean {
    return this.lastT - this.railSince >= SATURATED_MS;
  }

  reset(): void {
    this.blockStart = NaN;
    this.mins.length = 0;
    this.maxs.length = 0;
    this.seenMs = 0;
    this.railSince = NaN;
    this.lastT = NaN;
  }
}
