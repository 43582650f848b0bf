// Inter-beat intervals: which ones to believe, and the robust rate they give.
// HeartPy keeps RR intervals within mean ± 30 % and averages what is left; PulseSensor and Seeed average the
// last 10 / 20 intervals and restart after a > 2 s gap. This keeps the last N counted intervals and judges
// each new one against their median. Beyond that it understands the three usual ways an interval goes wrong:
// a short one followed by one that completes a usual interval (a false beat in between: merge the two), a
// short one followed by a usual or compensatory one (a real premature beat: count both), and a run of
// rejected intervals that agree with one another (the rhythm itself changed: start the history from them).

export interface IbiLimits {
  minIbiMs: number;
  maxIbiMs: number;
  historySize: number;
  /** Largest relative departure from the median of the history that still counts as the same rhythm. */
  tolerance: number;
}

const VERDICTS = 8; // how many recent verdicts the quality check looks at
const RHYTHM_CHANGE = 3; // agreeing rejected intervals that mean the rhythm itself changed

export class IbiHistory {
  private readonly counted: number[] = [];
  private readonly rejected: number[] = [];
  private readonly verdicts: boolean[] = [];
  private heldShort = NaN; // the last interval, when it was too short: judged again with the next one

  constructor(private readonly limits: IbiLimits) {}

  /** Judges one interval; returns the intervals it adds to the rate (none, itself, or a repaired pair). */
  add(ibiMs: number): number[] {
    const counted = this.judge(ibiMs);
    for (const c of counted) this.push(c);
    this.verdicts.push(counted.length > 0);
    if (this.verdicts.length > VERDICTS) this.verdicts.shift();
    return counted;
  }

  private judge(ibiMs: number): number[] {
    const { minIbiMs, maxIbiMs, tolerance } = this.limits;
    const held = this.heldShort;
    this.heldShort = NaN;
    const n = this.counted.length;
    if (n < 3) {
      if (ibiMs < minIbiMs || ibiMs > maxIbiMs) return [];
      // while the history is short, an interval unlike the last one starts it afresh (a warm-up artefact)
      if (n > 0 && Math.abs(ibiMs - this.counted[n - 1]) > tolerance * this.counted[n - 1]) this.counted.length = 0;
      return [ibiMs];
    }
    const ref = median(this.counted);
    const slack = tolerance * ref;
    if (!Number.isNaN(held)) {
      if (Math.abs(held + ibiMs - ref) <= slack) return [held + ibiMs];
      if (ibiMs >= ref - slack && ibiMs <= 2 * ref - held + slack) return [held, ibiMs];
    }
    if (Math.abs(ibiMs - ref) <= slack) {
      this.rejected.length = 0;
      return [ibiMs];
    }
    if (ibiMs < ref) this.heldShort = ibiMs;
    if (ibiMs < minIbiMs || ibiMs > maxIbiMs) return [];
    this.rejected.push(ibiMs);
    if (this.rejected.length > RHYTHM_CHANGE) this.rejected.shift();
    if (this.rejected.length === RHYTHM_CHANGE && Math.max(...this.rejected) <= (1 + tolerance) * Math.min(...this.rejected)) {
      const run = [...this.rejected];
      this.counted.length = 0;
      this.rejected.length = 0;
      this.heldShort = NaN;
      return run;
    }
    return [];
  }

  private push(ibiMs: number): void {
    this.counted.push(ibiMs);
    if (this.counted.length > this.limits.historySize) this.counted.shift();
  }

  /** Beats per minute from the mean of the counted intervals (outliers never got in), or null before two. */
  bpm(): number | null {
    const n = this.counted.length;
    if (n < 2) return null;
    let sum = 0;
    for (const c of this.counted) sum += c;
    return (60000 * n) / sum;
  }

  /** True when the recent intervals disagree: several were rejected, or the counted ones scatter widely. */
  disagrees(): boolean {
    let rejected = 0;
    for (const v of this.verdicts) if (!v) rejected++;
    if (rejected >= 2) return true;
    if (this.counted.length < 3) return false;
    const med = median(this.counted);
    return median(this.counted.map((x) => Math.abs(x - med))) > 0.1 * med;
  }

  intervals(): number[] {
    return [...this.counted];
  }

  clear(): void {
    this.counted.length = 0;
    this.rejected.length = 0;
    this.verdicts.length = 0;
    this.heldShort = NaN;
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
