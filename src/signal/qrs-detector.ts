// QRS complexes in an ECG, streaming and O(1) per sample, in any units and at 25-500 Hz: no absolute threshold.
// The Pan-Tompkins detector (Pan & Tompkins, IEEE TBME 32(3):230-236, 1985) with the decision rules Hamilton &
// Tompkins measured on the whole MIT-BIH Arrhythmia Database (IEEE TBME 33(12):1157-1165, 1986) and Hamilton
// kept in his open-source detector (OSEA, EP Limited, 2002):
//  - a 5-15 Hz band-pass keeps the QRS complex's slopes (P and T waves, wander and most motion noise sit lower);
//    the slope of the band-passed signal, squared and integrated over a 150 ms moving window (the widest QRS),
//    gives one hump per complex, narrow or wide (a premature ventricular beat is wide and slow).
//  - each hump's peak (reported when the hump falls to half its height, or 95 ms after its top) is held 200 ms:
//    a taller one within that time replaces it (one QRS per 200 ms: the refractory period).
//  - a held peak above the threshold is a QRS complex; below, it teaches the noise level. The threshold sits
//    0.3125 of the way from the noise level to the QRS level, each the median of the last eight peaks of its kind,
//    so it follows the signal's own amplitude and units and a single artefact moves it little. As in PT, the
//    band-passed signal's deflection under the peak must pass its own threshold, learned the same way.
//  - a peak 200-360 ms after a QRS complex whose steepest slope is under half that QRS's is a T wave; a peak in the
//    first 70 % of the median RR interval must reach half the QRS level (EARLY below).
//  - beat types: every complex found by its own peak teaches QRS templates compared as in Hamilton's beat
//    matching (OSEA, beat-templates.ts: shape over the R wave ± 150 ms, aligned within ± 40 ms, and size). A peak
//    whose shape and size match a known type is held to that type's own levels (never to a higher bar than the
//    others'), so tall ventricular beats do not raise the bar for the sinus beats between them.
//  - a complex that early must also show it is a beat: have the shape of a known type (an atrial premature beat
//    looks like the usual QRS, a ventricular one like the earlier ones of its kind), or be as tall as the usual
//    QRS (a new ventricular beat is). Noise in the QRS band passes the thresholds, but comes early and looks like
//    nothing seen before.
//  - no QRS for 1.5 median RR intervals: the tallest noise peak since the last QRS (at least 360 ms after it,
//    so no T wave) above half the threshold was a missed beat (search-back).
// Each beat says whether it is doubtful: found by the search-back; or a rival peak above the search-back level
// came in the interval before it; or it is neither on time (within 20 % of the median RR interval) nor of a known
// shape. Those are the detector's own evidence that the rhythm it reads may be wrong.
import { bandPass, type Biquad, biquadStep, groupDelayMs, seedCascade } from './biquad';
import { BeatTemplates } from './beat-templates';
import { median } from './ibi-history';

export interface QrsBeat {
  /** Time of the R wave (the input's largest departure near the complex), in the input's time base. */
  tMs: number;
  /** Found by the search-back, a rival peak above the search-back level came since the last beat, or off time and of no known shape. */
  doubtful: boolean;
}

const LOW_HZ = 5;
const HIGH_HZ = 15;
const WINDOW_MS = 150; // the moving-window integrator: as wide as the widest QRS complex
const PEAK_WAIT_MS = 95; // a hump's top is a peak once the hump falls to half, or this long after the top
const REFRACTORY_MS = 200; // one QRS complex per 200 ms: the tallest peak within it wins
const T_WAVE_MS = 360; // a peak this soon after a QRS complex may be its T wave
const T_WAVE_SLOPE = 0.5; // ... when its steepest slope is under half of that QRS complex's
const LEVELS = 8; // QRS and noise levels: medians of the last eight peaks of each kind
const TH = 0.3125; // threshold position between the noise and QRS levels (Hamilton & Tompkins)
const SEARCH_BACK = 1.5; // no QRS for this many median RR intervals: search back
const FIRST_RR_MS = 1000; // the RR buffer starts full of 1 s intervals (OSEA)
const LEARN_MS = 1000; // at a start, and after contact was lost, a second of signal teaches the first QRS level
const R_REACH_MS = 50; // the R wave is looked for this far either side of the band-passed mark
const HISTORY_MS = WINDOW_MS + PEAK_WAIT_MS + 2 * R_REACH_MS; // how far back a peak's R wave and slope are looked for
// QRS shapes: the input over the R wave ± 150 ms (OSEA's 300 ms match window), at points ~8 ms apart, aligned
// within ± 40 ms (OSEA's shift); kept 800 ms, since a peak is judged up to ~0.55 s after its R wave.
const SHAPE_HALF_MS = 150;
const SHAPE_STEP_MS = 8;
const SHAPE_SHIFT_MS = 40;
const SHAPE_KEPT_MS = 800;
const SAME_SHAPE = 0.8; // a beat correlating this well with a type is of that type
const KNOWN = 2; // a type is known once it has averaged two beats (one may be noise; two alike seldom are)
const ON_TIME = 0.2; // an interval within 20 % of the median RR is on time (IbiHistory learns a rhythm within 20 %)
const RESPACE = 0.1; // a sample spacing this far off the one the filters were made for makes them again

const RECENT = 8; // a reading is good only when none of the last eight beats was doubtful
// The pulse path's rule for T and dicrotic waves, in this feature's terms: a peak in the first 70 % of the usual
// interval must reach 70 % of the usual height; the feature is a squared slope, so 70 % of the height is half of it.
const EARLY = 0.7;
const EARLY_HEIGHT = 0.5;

interface Peak {
  /** the moving window's top */
  height: number;
  /** the band-passed signal's largest deflection under it */
  amp: number;
  rT: number;
  /** the R wave's sample number (counted since the filters were made) */
  rN: number;
  slope: number;
  /** when the hold of this peak ends */
  holdUntil: number;
  /** the known beat type its shape and size match, -1 for none, NaN until it is needed (typed()) */
  type: number;
}

export class QrsDetector {
  // filters and the moving window, made for one sample spacing
  private dt = NaN;
  private filters: Biquad[] = [];
  private delayMs = 0;
  private window = new Float64Array(1);
  private raw = new Float64Array(1); // the input, the last SHAPE_KEPT_MS
  private bp = new Float64Array(1); // band-passed signal, as long
  private slope = new Float64Array(1); // |slope| of it
  private times = new Float64Array(1);
  private count = 0; // samples since the filters were made
  private templates = new BeatTemplates(1, 1, 0);
  private segment = new Float64Array(1);
  private n = 0; // samples in the moving window
  private at = 0; // ring position (window and history rings advance together)
  private sum = 0;
  private prevBp = 0;
  private lastX = 0;

  // the hump being watched
  private prevMwi = 0;
  private top = 0;
  private topT = NaN;
  private topAt = 0;
  private held: Peak | null = null;
  private displaced: Peak | null = null; // a held peak of a known type a taller one replaced

  // levels, intervals and the search-back candidate
  private qrs: number[] = [];
  private noise: number[] = [];
  private rr: number[] = [];
  private threshold = NaN;
  // their medians, kept by update()
  private qrsLevel = NaN;
  private noiseLevel = NaN;
  private noiseLevelF = NaN;
  private rrLevel = NaN;
  // the same levels for the band-passed signal: a QRS complex must pass both thresholds (PT)
  private qrsF: number[] = [];
  private noiseF: number[] = [];
  private thresholdF = NaN;
  private lastR = NaN;
  private lastSlope = 0;
  private rival = false; // a noise peak above the search-back level since the last beat
  private best: Peak | null = null; // the tallest noise peak ≥ 360 ms after the last beat
  private learnEnd = NaN;
  private learnMax = 0;
  private learnAmp = 0;
  private readonly recent: boolean[] = [];

  setSpacing(dt: number): void {
    if (Math.abs(dt - this.dt) <= RESPACE * this.dt) return; // timestamp jitter: keep the filters
    this.dt = dt;
    const rateHz = 1000 / dt;
    const high = Math.min(HIGH_HZ, 0.4 * rateHz); // below Nyquist at low rates
    this.filters = bandPass(LOW_HZ, high, rateHz);
    this.delayMs = groupDelayMs(this.filters, Math.sqrt(LOW_HZ * high), rateHz);
    this.n = Math.max(1, Math.round(WINDOW_MS / dt));
    const size = Math.max(this.n, Math.ceil(HISTORY_MS / dt), Math.ceil(SHAPE_KEPT_MS / dt)) + 1;
    const step = Math.max(1, Math.round(SHAPE_STEP_MS / dt));
    this.templates = new BeatTemplates(2 * Math.round(SHAPE_HALF_MS / (step * dt)) + 1, step, Math.round(SHAPE_SHIFT_MS / dt));
    this.segment = new Float64Array(this.templates.length);
    this.window = new Float64Array(size);
    this.raw = new Float64Array(size);
    this.bp = new Float64Array(size);
    this.slope = new Float64Array(size);
    this.times = new Float64Array(size).fill(NaN);
    this.at = 0;
    this.seed(this.lastX); // new filters start where the signal is
  }

  /** Restart the filters at this input level (first sample, after a gap): no step to detect. */
  seed(x: number): void {
    this.lastX = x;
    seedCascade(this.filters, x);
    this.prevBp = 0;
    this.window.fill(0);
    this.times.fill(NaN);
    this.sum = 0;
    this.prevMwi = 0;
    this.top = 0;
    this.held = this.displaced = null;
    this.lastR = NaN;
    this.best = null;
    this.rival = false;
  }

  /** One sample; the beat it makes final, if any. Not `armed`: filters and levels only (warm-up, settling). */
  step(tMs: number, x: number, armed: boolean): QrsBeat | null {
    this.lastX = x;
    let y = x;
    for (const f of this.filters) y = biquadStep(f, y);
    const d = (y - this.prevBp) / this.dt;
    this.prevBp = y;
    const e = d * d;
    const size = this.window.length;
    const at = this.at;
    const out = at - this.n < 0 ? at - this.n + size : at - this.n;
    this.sum += e - this.window[out];
    this.window[at] = e;
    this.raw[at] = x;
    this.bp[at] = y;
    this.slope[at] = d < 0 ? -d : d;
    this.times[at] = tMs;
    this.count++;
    this.at = at + 1 === size ? 0 : at + 1;
    if (this.at === 0) this.resum();
    const mwi = this.sum / this.n;

    const peak = this.watch(tMs, mwi);
    this.prevMwi = mwi;
    if (Number.isNaN(this.threshold) && !this.learn(tMs, peak)) return null;
    if (!armed) return null;
    if (peak) this.hold(peak, tMs);
    if (this.held && tMs >= this.held.holdUntil) {
      let p = this.held;
      if (this.displaced && this.typed(p) < 0) p = this.displaced;
      this.held = this.displaced = null;
      const beat = this.judge(p);
      if (beat) return beat;
    }
    return this.searchBack(tMs);
  }

  /** One of the last eight beats was doubtful: the beats may not all be the heart's. */
  uncertain(): boolean {
    return this.recent.includes(true);
  }

  /** The levels are known (after the first second, or a second after contact was lost). */
  learned(): boolean {
    return !Number.isNaN(this.threshold);
  }

  /** Contact lost: relearn the levels from the next second of signal. */
  forget(): void {
    this.qrs = [];
    this.noise = [];
    this.qrsF = [];
    this.noiseF = [];
    this.rr = [];
    this.threshold = NaN;
    this.thresholdF = NaN;
    this.learnEnd = NaN;
    this.learnMax = 0;
    this.lastR = NaN;
    this.held = this.displaced = null;
    this.best = null;
    this.recent.length = 0;
    this.templates.clear();
  }

  reset(): void {
    this.forget();
    this.dt = NaN;
  }

  /** A hump's top, once the hump fell to half of it or 95 ms passed (OSEA's peak()). */
  private watch(tMs: number, mwi: number): Peak | null {
    if (mwi > this.prevMwi && mwi > this.top) {
      this.top = mwi;
      this.topT = tMs;
      this.topAt = this.at;
      return null;
    }
    if (this.top > 0 && (mwi < 0.5 * this.top || tMs - this.topT > PEAK_WAIT_MS)) {
      const peak = this.describe(this.top);
      this.top = 0;
      return peak;
    }
    return null;
  }

  /**
   * The R wave and steepest slope of the hump whose top is at topAt. The band-passed signal's largest deflection
   * within the window that ends at the top marks the complex; the R wave is the input's largest departure from
   * its mean over that window, within 50 ms of that mark less the filter's delay (a wide or notched complex moves
   * the band-passed mark, not the R wave).
   */
  private describe(height: number): Peak {
    const size = this.bp.length;
    const back = (i: number, k: number) => (i - k < 0 ? i - k + size : i - k);
    const last = back(this.topAt, 1);
    let mark = last;
    let markAbs = -1;
    let slope = 0;
    let mean = 0;
    let k = 0;
    for (; k < this.n; k++) {
      const i = back(last, k);
      if (Number.isNaN(this.times[i])) break;
      const v = this.bp[i] < 0 ? -this.bp[i] : this.bp[i];
      if (v > markAbs) {
        markAbs = v;
        mark = i;
      }
      if (this.slope[i] > slope) slope = this.slope[i];
      mean += this.raw[i];
    }
    mean /= Math.max(1, k);
    const centre = back(mark, Math.round(this.delayMs / this.dt));
    const reach = Math.round(R_REACH_MS / this.dt);
    let r = centre;
    let rAbs = -1;
    for (let j = -reach; j <= reach; j++) {
      const i = back(centre, j);
      if (Number.isNaN(this.times[i]) || this.times[i] > this.times[last]) continue;
      const v = Math.abs(this.raw[i] - mean);
      if (v > rAbs) {
        rAbs = v;
        r = i;
      }
    }
    const ago = this.at - 1 - r < 0 ? this.at - 1 - r + size : this.at - 1 - r;
    return { height, amp: markAbs, rT: this.times[r], rN: this.count - 1 - ago, slope, holdUntil: NaN, type: NaN };
  }

  /**
   * One QRS complex per 200 ms: a taller peak replaces the held one and starts the 200 ms again (OSEA). A held
   * peak of a known beat type is kept aside: if the taller one turns out to be of no known type, it is an
   * artefact on the complex, and the complex is the beat.
   */
  private hold(peak: Peak, tMs: number): void {
    if (this.held && peak.height <= this.held.height) return;
    if (this.held && this.typed(this.held) >= 0) this.displaced = this.held;
    peak.holdUntil = tMs + REFRACTORY_MS;
    this.held = peak;
  }

  /**
   * The first second (at a start, or after contact was lost) only learns: its tallest peak is the first QRS
   * level, the noise level starts at zero and the RR intervals at 1 s (OSEA). False while still learning.
   */
  private learn(tMs: number, peak: Peak | null): boolean {
    if (Number.isNaN(this.learnEnd)) this.learnEnd = tMs + LEARN_MS;
    if (peak && peak.height > this.learnMax) {
      this.learnMax = peak.height;
      this.learnAmp = peak.amp;
    }
    if (tMs < this.learnEnd || this.learnMax === 0) return false;
    this.qrs = [this.learnMax];
    this.qrsF = [this.learnAmp];
    this.noise = new Array<number>(LEVELS).fill(0);
    this.noiseF = new Array<number>(LEVELS).fill(0);
    this.rr = new Array<number>(LEVELS).fill(FIRST_RR_MS);
    this.update();
    return true;
  }

  private judge(p: Peak): QrsBeat | null {
    const sinceR = p.rT - this.lastR;
    if (sinceR < REFRACTORY_MS) return null; // part of the last complex, seen late
    if (this.isBeat(p)) return this.accept(p, false);
    this.noise = pushLevel(this.noise, p.height);
    this.noiseF = pushLevel(this.noiseF, p.amp);
    this.update();
    if (!(sinceR < T_WAVE_MS)) {
      const searchable = p.height > 0.5 * this.threshold && p.amp > 0.5 * this.thresholdF;
      if (searchable) this.rival = true;
      if (!this.best || p.height > this.best.height) {
        if (searchable) this.typed(p); // while its shape is still kept: the search-back may take it
        this.best = p;
      }
    }
    return null;
  }

  /** The peak is a QRS complex: the decision rules above, without their effects (its type is found if needed). */
  private isBeat(p: Peak): boolean {
    const sinceR = p.rT - this.lastR;
    if (sinceR < REFRACTORY_MS) return false;
    if (sinceR < T_WAVE_MS && p.slope < T_WAVE_SLOPE * this.lastSlope) return false; // a T wave
    const early = sinceR < EARLY * this.rrLevel;
    const passes = p.height > this.threshold && p.amp > this.thresholdF;
    if (passes && !early) return true;
    if (!passes && !(p.height > this.bar(this.templates.lowest(KNOWN, 0), this.noiseLevel))) return false; // under every bar
    if (this.typed(p) >= 0) {
      // a known shape is held to its own type's levels (never a higher bar than the others'), and when early
      // to half its type's height
      const level = this.templates.level(p.type, 0);
      const own = p.height > this.bar(level, this.noiseLevel) && p.amp > this.bar(this.templates.level(p.type, 1), this.noiseLevelF);
      return (own || passes) && !(early && p.height < EARLY_HEIGHT * level);
    }
    // an unknown shape early in the interval must be as tall as the usual QRS (a ventricular beat is)
    return passes && (!early || p.height >= this.qrsLevel);
  }

  /** Whether the detector would doubt a beat at p (see QrsBeat.doubtful). */
  private doubts(p: Peak, searched: boolean): boolean {
    if (searched) return !(p.type >= 0); // the search-back's pick may be noise unless it has a known shape
    const rr = this.rrLevel;
    const onTime = Number.isNaN(this.lastR) || Math.abs(p.rT - this.lastR - rr) <= ON_TIME * rr;
    return this.rival || (!onTime && this.typed(p) < 0); // a beat off time must have a known shape
  }

  /**
   * The complex being held (reported, not yet past its 200 ms hold) if it is to be a beat: a reading can count
   * it before it is final.
   */
  pending(): QrsBeat | null {
    const p = this.held;
    if (!p || !this.learned()) return null;
    const peak = { ...p };
    return this.isBeat(peak) ? { tMs: peak.rT, doubtful: this.doubts(peak, false) } : null;
  }

  private searchBack(tMs: number): QrsBeat | null {
    const best = this.best;
    if (!best || this.held || Number.isNaN(this.lastR)) return null;
    if (tMs - this.lastR <= SEARCH_BACK * this.rrLevel + this.delayMs + PEAK_WAIT_MS + REFRACTORY_MS) return null;
    if (!(best.height > 0.5 * this.threshold && best.amp > 0.5 * this.thresholdF)) return null;
    return this.accept(best, true);
  }

  /** The threshold HT place between a noise level and a QRS level. */
  private bar(level: number, noise: number): number {
    return noise + TH * (level - noise);
  }

  private accept(p: Peak, searched: boolean): QrsBeat {
    const doubtful = this.doubts(p, searched);
    if (!searched) this.teach(p); // a beat found by its own peak is an example of its type
    if (!Number.isNaN(this.lastR)) this.rr = pushLevel(this.rr, p.rT - this.lastR);
    this.qrs = pushLevel(this.qrs, p.height);
    this.qrsF = pushLevel(this.qrsF, p.amp);
    this.update();
    this.lastR = p.rT;
    this.lastSlope = p.slope;
    this.best = null;
    this.rival = false;
    this.recent.push(doubtful);
    if (this.recent.length > RECENT) this.recent.shift();
    return { tMs: p.rT, doubtful };
  }

  /** The levels changed: the medians and thresholds follow (kept, since they are asked for on many samples). */
  private update(): void {
    this.qrsLevel = median(this.qrs);
    this.noiseLevel = median(this.noise);
    this.noiseLevelF = median(this.noiseF);
    this.rrLevel = median(this.rr);
    this.threshold = this.bar(this.qrsLevel, this.noiseLevel);
    this.thresholdF = this.bar(median(this.qrsF), this.noiseLevelF);
  }

  /** The known beat type the peak's shape and size match, -1 for none (found once; a small peak has none). */
  private typed(p: Peak): number {
    if (Number.isNaN(p.type)) {
      const seg = p.height > this.noiseLevel ? this.shape(p.rN) : null;
      const m = seg ? this.templates.match(seg, KNOWN, p.height) : null;
      p.type = m && m.corr >= SAME_SHAPE ? m.type : -1;
    }
    return p.type;
  }

  /** The peak's shape and size teach the beat types. */
  private teach(p: Peak): void {
    const seg = this.shape(p.rN);
    if (seg) this.templates.learn(seg, SAME_SHAPE, [p.height, p.amp]);
  }

  /** The input around the R wave of sample number rN (null when it is no longer kept). */
  private shape(rN: number): Float64Array | null {
    const seg = this.segment;
    const half = (seg.length - 1) >> 1;
    const ago = this.count - 1 - (rN + half); // the segment's last sample, this many samples ago
    const size = this.raw.length;
    if (ago < 0 || ago + seg.length > size) return null;
    let i = this.at - 1 - ago;
    if (i < 0) i += size;
    for (let k = seg.length - 1; k >= 0; k--) {
      if (Number.isNaN(this.times[i])) return null;
      seg[k] = this.raw[i];
      i = i === 0 ? size - 1 : i - 1;
    }
    return seg;
  }

  /** The moving sum, recomputed once per turn of the ring: no rounding drift. */
  private resum(): void {
    let s = 0;
    const size = this.window.length;
    for (let k = 1; k <= this.n; k++) s += this.window[size - k];
    this.sum = s;
  }
}

function pushLevel(levels: number[], value: number): number[] {
  levels.push(value);
  if (levels.length > LEVELS) levels.shift();
  return levels;
}
