// One participant's log skin conductance in whole-second buckets, split into the window (the last
// `windowSeconds` closed seconds) and the history before it (the `historySeconds` before the window), each
// kept as running sums so a record costs O(1) and a closed second O(1), whatever the record rate. Memory is
// one ring of windowSeconds + historySeconds + 1 buckets.

export interface Sums {
  /** records */
  n: number;
  sum: number;
  sumSq: number;
  /** seconds that hold at least one record */
  filled: number;
}

export interface Stats {
  mean: number;
  /** sample standard deviation (0 for a single record) */
  sd: number;
  records: number;
  seconds: number;
}

const empty = (): Sums => ({ n: 0, sum: 0, sumSq: 0, filled: 0 });

export class LogConductanceHistory {
  private readonly size: number;
  private readonly count: Uint32Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  /** the second (since the epoch) whose bucket is still open: every earlier one is closed */
  private openSecond = 0;
  /** values are stored relative to the first one, so the sums of squares stay small (no cancellation) */
  private offset = 0;
  private win = empty();
  private hist = empty();

  constructor(
    private readonly windowSeconds: number,
    private readonly historySeconds: number,
  ) {
    this.size = windowSeconds + historySeconds + 1;
    this.count = new Uint32Array(this.size);
    this.sum = new Float64Array(this.size);
    this.sumSq = new Float64Array(this.size);
  }

  /** Forgets everything: `second` is the new open bucket and `x` the reference value. */
  reset(second: number, x: number): void {
    this.count.fill(0);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.win = empty();
    this.hist = empty();
    this.openSecond = second;
    this.offset = x;
  }

  get open(): number {
    return this.openSecond;
  }

  /** Closes every bucket before `second` (a later second than the open one), moving data window -> history -> out. */
  advanceTo(second: number): void {
    // after more than a whole ring of seconds, the loop below would only empty buckets: skip to the end
    if (second - this.openSecond > this.size) this.reset(second, this.offset);
    while (this.openSecond < second) this.closeOne();
  }

  /** Adds one value to the open second. */
  add(x: number): void {
    const i = this.slot(this.openSecond);
    const v = x - this.offset;
    this.count[i] += 1;
    this.sum[i] += v;
    this.sumSq[i] += v * v;
  }

  window(): Stats {
    return this.stats(this.win);
  }

  history(): Stats {
    return this.stats(this.hist);
  }

  private closeOne(): void {
    this.move(this.win, this.slot(this.openSecond), +1);
    const toHistory = this.slot(this.openSecond - this.windowSeconds);
    this.move(this.win, toHistory, -1);
    this.move(this.hist, toHistory, +1);
    // the oldest history second shares its slot with the next open one: it leaves and is emptied
    this.openSecond += 1;
    const leaving = this.slot(this.openSecond);
    this.move(this.hist, leaving, -1);
    this.count[leaving] = 0;
    this.sum[leaving] = 0;
    this.sumSq[leaving] = 0;
  }

  /** Adds (+1) or removes (-1) bucket `i` to or from running sums. Rounding drift is ~1e-9 of a mean after a month at one close a second: no resync needed. */
  private move(into: Sums, i: number, sign: 1 | -1): void {
    if (this.count[i] === 0) return;
    into.n += sign * this.count[i];
    into.sum += sign * this.sum[i];
    into.sumSq += sign * this.sumSq[i];
    into.filled += sign;
  }

  private slot(second: number): number {
    return ((second % this.size) + this.size) % this.size;
  }

  private stats(s: Sums): Stats {
    if (s.n === 0) return { mean: NaN, sd: NaN, records: 0, seconds: 0 };
    const mean = s.sum / s.n;
    const variance = s.n > 1 ? Math.max(0, (s.sumSq - s.sum * mean) / (s.n - 1)) : 0;
    return { mean: mean + this.offset, sd: Math.sqrt(variance), records: s.n, seconds: s.filled };
  }
}
