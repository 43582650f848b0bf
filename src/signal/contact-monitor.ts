// Tells a live sensor from a dead one without looking for beats: a flat signal (ear clip off, wire loose)
// or one pinned at the ADC's top rail (input saturated) means no contact, whatever the detector thinks.
// Min/max over two consecutive one-second blocks gives a 1-2 s peak-to-peak window in O(1) per sample.

const BLOCK_MS = 1000;
const SATURATED_MS = 1000;

export class ContactMonitor {
  private blockStart = NaN;
  private curMin = Infinity;
  private curMax = -Infinity;
  private prevMin = Infinity;
  private prevMax = -Infinity;
  private seenMs = 0;
  private railSince = NaN;
  private lastT = NaN;

  /**
   * @param minAmplitude peak-to-peak below this (input units) over the window is "flat"
   * @param saturationLevel samples at or above this for a second are "saturated" (null: never)
   */
  constructor(
    private readonly minAmplitude: number,
    private readonly saturationLevel: number | null,
  ) {}

  add(tMs: number, value: number): void {
    if (!(tMs - this.blockStart < BLOCK_MS)) {
      if (!Number.isNaN(this.blockStart)) this.seenMs += tMs - this.blockStart;
      this.prevMin = this.curMin;
      this.prevMax = this.curMax;
      this.curMin = Infinity;
      this.curMax = -Infinity;
      this.blockStart = tMs;
    }
    if (value < this.curMin) this.curMin = value;
    if (value > this.curMax) this.curMax = value;
    if (this.saturationLevel !== null && value >= this.saturationLevel) {
      if (Number.isNaN(this.railSince)) this.railSince = tMs;
    } else {
      this.railSince = NaN;
    }
    this.lastT = tMs;
  }

  flat(): boolean {
    if (this.seenMs < BLOCK_MS) return false; // not enough signal yet to judge
    const range = Math.max(this.curMax, this.prevMax) - Math.min(this.curMin, this.prevMin);
    return range < this.minAmplitude;
  }

  saturated(): boolean {
    return this.lastT - this.railSince >= SATURATED_MS;
  }

  reset(): void {
    this.blockStart = NaN;
    this.curMin = this.prevMin = Infinity;
    this.curMax = this.prevMax = -Infinity;
    this.seenMs = 0;
    this.railSince = NaN;
    this.lastT = NaN;
  }
}
