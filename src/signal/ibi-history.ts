// Inter-beat intervals: which ones to believe, and the rate they give.
// HeartPy keeps RR intervals within mean ± 30 % and averages what is left; PulseSensor and Seeed average the
// last 10 / 20 intervals and restart after a > 2 s gap. Dropping every unusual interval biases the rate when
// beats come early: a premature beat's short interval and its compensatory pause belong together, and
// averaging only the usual intervals reads a bigeminal rhythm far too fast. So the rate here is the mean of
// the counted intervals of the last 10 s of signal (at least four), which is 60·(n−1)/(span of the n beats)
// whenever they are consecutive: what a heart rate "over 10 s" means, and how an annotated record's rate is
// taken. The usual interval is the median of *pair* averages of the last ten counted intervals (a premature
// interval plus its pause average to the usual one, so bigeminy and trigeminy leave it where the sinus rhythm
// is). Each new interval is judged against it: a short one followed by one that completes a usual interval is
// a false beat (merged); a short one followed by a usual or compensatory one is a real premature beat (both
// count); one far too long is a missed beat (left out: the span across it is not a beat interval); a run of
// rejected intervals that explain themselves means the rhythm itself changed (the history starts from them).
// An interval between two beats the caller vouches for (an ECG's QRS complexes the detector does not doubt) is
// not repaired: it counts as it is, short or long, so couplets and runs of premature beats count beat by beat;
// only a long one that follows no short one is still a missed beat.

export interface IbiLimits {
  minIbiMs: number;
  maxIbiMs: number;
  /** Counted intervals the usual interval and its scatter are judged from. */
  historySize: number;
  /** The rate is the mean of the counted intervals that began in the last windowMs ... */
  windowMs: number;
  /** ... and at least this many (the latest), when the window holds fewer. */
  minIntervals: number;
  /** Largest relative departure from the usual interval that still counts as the same rhythm. */
  tolerance: number;
}

/** How an interval was taken: usual, part of a premature beat and its pause, a repair, or not at all. */
export type Verdict = 'usual' | 'ectopic' | 'merged' | 'rejected';

interface Counted {
  ms: number;
  usual: boolean;
  /** when the interval ended (its second beat), in the caller's time base */
  at: number;
}

interface Interval {
  ms: number;
  at: number;
}

const VERDICTS = 8; // how many recent verdicts the quality check looks at
const RAW = 6; // recent raw intervals a new rhythm may be learned from
const SCATTER = 0.1; // usual intervals scattering more than this (MAD / median) are not one rhythm
const RHYTHM_CHANGE = 3; // intervals in a row that do not fit before a new rhythm may be learned from them
const LEARN_TOLERANCE = 0.2; // a new rhythm's intervals agree this closely

export class IbiHistory {
  private readonly counted: Counted[] = [];
  private readonly raw: Interval[] = []; // recent in-range intervals, whatever their verdict
  private readonly verdicts: Verdict[] = [];
  private heldShort: Interval | null = null; // the last interval, when it was too short: judged again with the next one
  private unsettled = 0; // raw intervals since the last one that fitted the rhythm
  // usualMs() and scattered(), cached: asked for on many samples and every report, they change only with a push
  private usual = NaN;
  private scatter = false;

  constructor(private readonly limits: IbiLimits) {}

  /**
   * Judges one interval, ending at `atMs`; returns the intervals it adds to the rate (none, itself, a repaired
   * pair, or a new rhythm). `vouched`: both of its beats are certain, so it is not repaired.
   */
  add(ibiMs: number, atMs: number, vouched = false): number[] {
    const { minIbiMs, maxIbiMs } = this.limits;
    const interval = { ms: ibiMs, at: atMs };
    // a compensatory pause may outlast the slowest rate (after a couplet at 55 BPM: over 2 s); it still counts
    if (ibiMs < minIbiMs || (ibiMs > maxIbiMs && !this.compensates(interval, this.usualMs()))) {
      this.heldShort = null;
      this.raw.length = this.unsettled = 0; // a break in the chain: no rhythm is learned across it
      this.verdict('rejected');
      return [];
    }
    this.raw.push(interval);
    if (this.raw.length > RAW) this.raw.shift();
    const usual = this.usualMs();
    // a rhythm is learned the same way whoever vouches for the beats: a first interval may still be anything
    if (!Number.isNaN(usual)) {
      const out = vouched ? this.count(interval, usual) : this.judge(interval, usual);
      // a usual interval or a pause, counted as it is, ends a premature run: did the run hold a false beat?
      const closes = out.length === 1 && out[0] === ibiMs && ibiMs >= (1 - this.limits.tolerance) * usual;
      return (closes && this.overfull(usual)) || out;
    }
    const learned = this.learn(this.raw.length, true);
    if (learned.length === 0) this.verdict('rejected');
    return learned;
  }

  /** A vouched interval counts as it is, unless it is long and no premature beat came before it (a missed beat). */
  private count(interval: Interval, usual: number): number[] {
    this.heldShort = null;
    const verdict = this.vouchedVerdict(interval, usual);
    if (verdict === 'rejected') {
      this.verdict('rejected');
      return this.unsettle([]);
    }
    return this.take([{ ...interval, usual: verdict === 'usual' }], verdict);
  }

  /**
   * The premature run just closed (its intervals shorter than the tolerance allows, and the one that closed it)
   * holds more beats than its
   * span allows: k premature beats and their pause span k + 1 usual intervals (an atrial beat's pause is
   * shorter: k + 0.5 or more), so one beat more than that is a false one, e.g. noise in a pause the QRS detector
   * did not doubt. The run is then merged into as many usual intervals as its span holds, and its verdicts are
   * doubtful. Returns the merged intervals, or null when the run is sound.
   */
  private overfull(usual: number): number[] | null {
    const last = this.counted.length - 1;
    let span = this.counted[last].ms;
    let start = this.counted[last].at - span;
    let n = 1;
    for (let i = last - 1; i >= 0; i--) {
      const c = this.counted[i];
      if (!(c.ms < (1 - this.limits.tolerance) * usual) || Math.abs(c.at - start) >= 1) break;
      span += c.ms;
      start = c.at - c.ms;
      n++;
    }
    if (n < 2 || n - span / usual <= 0.5) return null;
    const m = Math.max(1, Math.round(span / usual));
    const merged = Array.from({ length: m }, (_, k) => ({ ms: span / m, at: start + ((k + 1) * span) / m, usual: true }));
    this.counted.splice(this.counted.length - n, n);
    for (let k = 1; k <= Math.min(n, this.verdicts.length); k++) this.verdicts[this.verdicts.length - k] = 'merged';
    for (const c of merged) this.push(c);
    return merged.map((c) => c.ms);
  }

  private vouchedVerdict(interval: Interval, usual: number): Verdict {
    const { minIbiMs, maxIbiMs, tolerance } = this.limits;
    if (interval.ms < minIbiMs) return 'rejected';
    const inRange = interval.ms <= maxIbiMs;
    if (inRange && (Number.isNaN(usual) || Math.abs(interval.ms - usual) <= tolerance * usual)) return 'usual';
    if (this.compensates(interval, usual)) return 'ectopic';
    return inRange && interval.ms < usual ? 'ectopic' : 'rejected';
  }

  /**
   * A long interval right after a run of k premature intervals that, with them, spans k + 1 usual intervals
   * (each within the tolerance): their compensatory pause. A full one makes exactly k + 1; a pause and a missed
   * beat make k + 2.
   */
  private compensates(interval: Interval, usual: number): boolean {
    if (Number.isNaN(usual) || !(interval.ms > usual)) return false;
    let start = interval.at - interval.ms;
    let run = 0;
    let k = 0;
    for (let i = this.counted.length - 1; i >= 0; i--) {
      const c = this.counted[i];
      if (!(c.ms < usual) || Math.abs(c.at - start) >= 1) break;
      run += c.ms;
      k++;
      start = c.at - c.ms;
    }
    return k > 0 && run + interval.ms <= (k + 1) * (1 + this.limits.tolerance) * usual;
  }

  private judge(interval: Interval, usual: number): number[] {
    const { ms: ibiMs, at } = interval;
    const slack = this.limits.tolerance * usual;
    const held = this.heldShort;
    this.heldShort = null;
    if (held) {
      if (Math.abs(held.ms + ibiMs - usual) <= slack) return this.unsettle(this.take([{ ms: held.ms + ibiMs, usual: true, at }], 'merged'));
      if (ibiMs >= usual - slack && ibiMs <= 2 * usual - held.ms + slack) {
        // the premature beat's verdict, given when it was held, is corrected: it was a real beat
        this.verdicts[this.verdicts.length - 1] = 'ectopic';
        return this.take([{ ...held, usual: false }, { ...interval, usual: false }], 'ectopic');
      }
    }
    if (ibiMs > this.limits.maxIbiMs) return this.take([{ ...interval, usual: false }], 'ectopic'); // a pause (add())
    if (Math.abs(ibiMs - usual) <= slack) return this.take([{ ...interval, usual: true }], 'usual');
    const before = this.counted[this.counted.length - 1];
    if (this.compensates(interval, usual)) {
      // the pause after premature beats counted as they came (mildly premature, or vouched for)
      before.usual = false;
      if (this.verdicts.at(-1) === 'usual') this.verdicts[this.verdicts.length - 1] = 'ectopic';
      return this.take([{ ...interval, usual: false }], 'ectopic');
    }
    if (ibiMs < usual) this.heldShort = interval;
    this.verdict('rejected');
    return this.unsettle([]);
  }

  /**
   * One more interval that did not fit: once three in a row did not, and they agree with one another, the
   * rhythm itself changed (a premature pattern fits the old usual interval, so only a steady run counts here:
   * two false beats in a row must not pass for a new rhythm).
   */
  private unsettle(counted: number[]): number[] {
    this.unsettled++;
    if (this.unsettled < RHYTHM_CHANGE) return counted;
    const learned = this.learn(Math.min(this.unsettled, this.raw.length), false);
    return learned.length ? learned : counted;
  }

  /**
   * No rhythm known (or it changed): start from the longest run among the last `upTo` raw intervals that is
   * one rhythm: intervals within 20 % of their usual one and, with `pairs`, premature beats whose pause makes
   * up at least half of the prematurity (so a warm-up artefact cannot pass for one).
   */
  private learn(upTo: number, pairs: boolean): number[] {
    for (let k = upTo; k >= RHYTHM_CHANGE; k--) {
      const run = this.raw.slice(-k);
      const items = explain(run, median(pairAverages(run.map((r) => r.ms))), LEARN_TOLERANCE, pairs);
      if (!items) continue;
      this.counted.length = 0;
      this.usual = NaN;
      this.scatter = false;
      this.raw.length = this.unsettled = 0;
      this.heldShort = null;
      // a new rhythm keeps the doubtful verdicts that led to it: it must prove itself before it is good
      if (pairs) this.verdicts.length = 0;
      for (const c of items) {
        this.push(c);
        this.verdict(c.usual ? 'usual' : 'ectopic');
      }
      return run.map((r) => r.ms);
    }
    return [];
  }

  private take(items: Counted[], verdict: Verdict): number[] {
    if (verdict !== 'merged') this.unsettled = 0;
    for (const c of items) this.push(c);
    this.verdict(verdict);
    return items.map((c) => c.ms);
  }

  private push(c: Counted): void {
    const { historySize, windowMs } = this.limits;
    this.counted.push(c);
    // keep the last historySize intervals, and any that began in the last windowMs
    while (this.counted.length > historySize && this.counted[0].at - this.counted[0].ms < c.at - windowMs) this.counted.shift();
    const recent = this.counted.slice(-historySize);
    this.usual = recent.length < 3 ? NaN : median(sinusEstimates(recent, this.usual, this.limits.tolerance));
    this.scatter = scatters(recent);
  }

  private verdict(v: Verdict): void {
    this.verdicts.push(v);
    if (this.verdicts.length > VERDICTS) this.verdicts.shift();
  }

  /** The usual interval: the median of pair averages of the counted intervals (NaN before three). */
  usualMs(): number {
    return this.usual;
  }

  /**
   * Beats per minute at `nowMs`, 60·n / (the sum of the n intervals of the reading: see intervals()), or null
   * before two intervals.
   */
  bpm(nowMs: number, pending: Interval | null = null): number | null {
    const used = this.intervals(nowMs, pending);
    if (used.length < 2) return null;
    let sum = 0;
    for (const ms of used) sum += ms;
    return (60000 * used.length) / sum;
  }

  /** The last `VERDICTS` verdicts, oldest first. */
  recentVerdicts(): readonly Verdict[] {
    return this.verdicts;
  }

  /** True when the usual intervals scatter widely (MAD over 10 % of the median): no one rhythm. */
  scattered(): boolean {
    return this.scatter;
  }

  /**
   * The intervals of the reading at `nowMs`, oldest first: the counted ones that began in the last windowMs, at
   * least minIntervals; with `pending`, a vouched interval whose last beat is not final yet, if it would count.
   */
  intervals(nowMs: number, pending: Interval | null = null): number[] {
    const { windowMs, minIntervals } = this.limits;
    const all = pending && this.vouchedVerdict(pending, this.usual) !== 'rejected' ? [...this.counted, { ...pending, usual: true }] : this.counted;
    let i = all.length;
    while (i > 0) {
      const c = all[i - 1];
      if (c.at - c.ms < nowMs - windowMs && all.length - i >= minIntervals) break;
      i--;
    }
    return all.slice(i).map((c) => c.ms);
  }

  /**
   * How many premature intervals (shorter than the tolerance allows) end the counted ones, contiguous: a run
   * whose pause has not come yet, so nothing can tell yet whether it holds a false beat (see overfull()).
   */
  openRun(): number {
    const short = (1 - this.limits.tolerance) * this.usual;
    let n = 0;
    for (let i = this.counted.length - 1; i >= 0 && this.counted[i].ms < short; i--) {
      if (i < this.counted.length - 1 && Math.abs(this.counted[i].at - (this.counted[i + 1].at - this.counted[i + 1].ms)) >= 1) break;
      n++;
    }
    return n;
  }

  /** How many intervals are counted. */
  size(): number {
    return this.counted.length;
  }

  clear(): void {
    this.counted.length = 0;
    this.usual = NaN;
    this.scatter = false;
    this.raw.length = 0;
    this.verdicts.length = 0;
    this.heldShort = null;
  }
}

function scatters(counted: readonly Counted[]): boolean {
  const usual = counted.filter((c) => c.usual).map((c) => c.ms);
  if (usual.length < 3) return false;
  const med = median(usual);
  return median(usual.map((x) => Math.abs(x - med))) > SCATTER * med;
}

/** Means of neighbouring intervals (one value when there is only one interval). */
/**
 * What each stretch of the counted intervals says the sinus interval is: an interval itself, or a run of
 * premature ones (shorter than the tolerance allows) together with the interval that ends it, averaged (k
 * premature intervals and a full compensatory pause span k + 1 sinus intervals). A run still waiting for its end
 * says nothing yet. Before there is a usual interval to tell a premature interval by, or while fewer than three
 * stretches are complete: the averages of neighbouring intervals.
 */
function sinusEstimates(counted: readonly Counted[], usual: number, tolerance: number): number[] {
  const out: number[] = [];
  let run = 0;
  let k = 0;
  for (const c of counted) {
    if (c.ms < (1 - tolerance) * usual) {
      run += c.ms;
      k++;
      continue;
    }
    out.push((run + c.ms) / (k + 1));
    run = k = 0;
  }
  return out.length >= 3 ? out : pairAverages(counted.map((x) => x.ms));
}

function pairAverages(intervals: readonly number[]): number[] {
  if (intervals.length < 2) return [...intervals];
  const out: number[] = [];
  for (let i = 1; i < intervals.length; i++) out.push((intervals[i - 1] + intervals[i]) / 2);
  return out;
}

/**
 * The intervals as usual ones and (with `pairs`) premature beats whose pause makes up at least half of the
 * prematurity, around `usual`; null if some do not fit.
 */
function explain(run: readonly Interval[], usual: number, tolerance: number, pairs: boolean): Counted[] | null {
  const slack = tolerance * usual;
  const out: Counted[] = [];
  for (let i = 0; i < run.length; i++) {
    const x = run[i].ms;
    if (Math.abs(x - usual) <= slack) {
      out.push({ ...run[i], usual: true });
      continue;
    }
    // k premature intervals (a couplet: two) and a pause that makes up at least half of their prematurity and
    // spans, with them, k + 1 usual intervals
    let k = 0;
    let early = 0;
    while (i + k < run.length && run[i + k].ms < usual - slack) early += run[i + k++].ms;
    const pause = run[i + k]?.ms;
    const owed = (k + 1) * usual - early;
    if (!(pairs && k > 0 && pause >= usual + 0.5 * (owed - usual) && pause <= owed + slack)) return null;
    for (let j = i; j <= i + k; j++) out.push({ ...run[j], usual: false });
    i += k;
  }
  return out;
}

let sorted = new Float64Array(32); // median()'s scratch: it runs on every peak and beat, so nothing is allocated

export function median(values: readonly number[]): number {
  const n = values.length;
  if (n > sorted.length) sorted = new Float64Array(2 * n);
  // insertion sort: the lists here hold 8-20 values
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let j = i;
    while (j > 0 && sorted[j - 1] > v) {
      sorted[j] = sorted[j - 1];
      j--;
    }
    sorted[j] = v;
  }
  const m = n >> 1;
  return n === 0 ? NaN : n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
