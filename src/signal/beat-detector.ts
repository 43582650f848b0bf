// Streaming beat detector for the ear-clip pulse (a clean pulse per beat), an analog pulse wave (PPG) and an
// ECG, driven only by sample timestamps so it runs the same live and offline. O(1) per sample.
//
// For a pulse wave, PulseFront (envelope threshold) turns samples into candidate beats; here, within the
// refractory period after a candidate the tallest one wins (so a noise bump cannot hide its beat) and is final
// once that period has passed, and a small peak in the first 70 % of the usual interval is a dicrotic wave, not
// a beat (a real rate rise is not small). For an ECG, QrsDetector (Pan-Tompkins) decides which complexes are
// beats and which of them it doubts. Intervals go to IbiHistory; the quality says whether the recent beats
// support its number (see quality()).
import { ContactMonitor } from './contact-monitor';
import type { Candidate, FrontEnd } from './front-end';
import { IbiHistory, type Verdict } from './ibi-history';
import { PulseFront } from './pulse-front';
import { QrsDetector } from './qrs-detector';

export interface BeatDetectorOptions {
  minBpm: number;
  maxBpm: number;
  /** No beat for this long (signal time) means no contact: BPM becomes null and the history restarts. */
  noContactMs: number;
  /**
   * Peak-to-peak (input units) below which the signal counts as flat (0: only a constant signal); for a pulse also
   * the smallest beat it detects. The ECG detector needs no such floor: it adapts to the signal's own amplitude.
   */
  minAmplitude: number;
  /** Input at or above this for a second counts as saturated (null: never). */
  saturationLevel: number | null;
  /** Beats show as dips instead of peaks (a module that idles high). */
  invert: boolean;
  /** Counted intervals the usual interval is judged from. */
  historySize: number;
  /** The BPM is the mean of the counted intervals that began in the last windowMs of signal (at least four). */
  windowMs: number;
  /** A jump in sample time longer than this is a gap: no interval is measured across it. */
  gapMs: number;
  /** `pulse`: the ear clip's pulse or a PPG (a peak per beat); `ecg`: an ECG (a steep QRS complex per beat). */
  waveform: 'pulse' | 'ecg';
}

export const DEFAULT_BEAT_OPTIONS: Readonly<BeatDetectorOptions> = {
  minBpm: 30,
  maxBpm: 220,
  noContactMs: 3000,
  minAmplitude: 20,
  saturationLevel: 4095,
  invert: false,
  historySize: 10,
  windowMs: 10_000,
  gapMs: 250,
  waveform: 'pulse',
};

export interface Beat {
  /** Time of the beat's peak, in the input's time base (ms). */
  tMs: number;
  /** Interval since the previous beat, or null for the first beat after a start, reset, gap or loss. */
  ibiMs: number | null;
  /**
   * The intervals this beat added to the BPM average: usually [ibiMs]; none when the interval was
   * implausible; after a short interval, either both (a real premature beat) or their sum (a false beat).
   */
  counted: number[];
  /** The BPM after this beat (null while the beats do not support one: see BeatDetector.current()). */
  bpm: number | null;
}

export type Quality = 'good' | 'noisy' | 'no-contact';

export interface HeartState {
  bpm: number | null;
  ibiMs: number[];
  quality: Quality;
  beats: number;
}

export interface SampleBatch {
  t0: number;
  rateHz: number;
  samples: readonly number[];
}

const WARMUP_MS = 1000; // after a start the front end learns the beat height before the first detection
const SETTLE_MS = 200; // after a gap, the filters settle before detection resumes
const GUARD = 0.7; // fraction of the usual interval in which only full-size peaks count
const GUARD_HEIGHT = 0.7; // "full-size": relative to the running beat height
const CONFIRMED = 4; // counted intervals before a rhythm is good (three are enough to learn it)
const VERDICTS_NOISY = 2; // this many doubtful intervals (rejected or merged) of the last eight: noisy
const VERDICTS_WITHHELD = 3; // this many: the beats do not support a number at all
const FINAL_MS = 500; // a beat is final at most this long after it happened (ECG 0.35-0.45 s, pulse less)
const PAUSE = 1.3; // an interval under way this many usual intervals long is a pause the reading does not hold yet
// An ECG sampled slower than ~50 Hz holds a QRS complex (60-100 ms) in 1-4 samples, and the QRS detector loses beats
// in a steady way a rhythm check cannot see (MIT-BIH 100 at 40 Hz: 95 %, at 25 Hz: 60 %, half the rate read as
// steady): its reading is never good there. 5 % slack for timestamps that jitter around 50 Hz.
const ECG_MAX_SPACING_MS = 1.05 * (1000 / 50);

export class BeatDetector {
  private readonly opts: BeatDetectorOptions;
  private readonly ibis: IbiHistory;
  private readonly contact: ContactMonitor;
  /** Signal pulse: candidates, judged here. */
  private readonly front: FrontEnd;
  /** Signal ECG: the QRS detector decides which complexes are beats. */
  private readonly qrs: QrsDetector | null;
  private readonly minIbiMs: number;

  private dt = NaN;
  // the beat found but not yet final: a taller candidate within the hold period replaces it
  private pendingT = NaN;
  private pendingHeight = 0;
  private finalAt = NaN; // when the pending beat's hold period is over

  private lastT = NaN;
  private lastBeatT = NaN;
  private sinceT = NaN; // last beat, or when watching started: the no-contact clock
  private beatHeight = NaN;
  private armedT = NaN; // no detection until the filters settle after a start or a gap
  private beats = 0;
  private lost = false;
  private lastDoubtful = true; // the QRS detector doubted the last beat (none yet: no interval to vouch for)

  constructor(options: Partial<BeatDetectorOptions> = {}) {
    // an ECG's flat-signal limit defaults to adaptive (0): the pulse default is in the hat's 12-bit counts
    const ecgDefault = options.waveform === 'ecg' && options.minAmplitude === undefined ? { minAmplitude: 0 } : {};
    this.opts = { ...DEFAULT_BEAT_OPTIONS, ...options, ...ecgDefault };
    const { minBpm, maxBpm, historySize, windowMs, minAmplitude, waveform } = this.opts;
    if (!(minBpm > 0 && maxBpm > minBpm)) throw new RangeError('need 0 < minBpm < maxBpm');
    this.minIbiMs = 60000 / maxBpm;
    const limits = { minIbiMs: this.minIbiMs, maxIbiMs: 60000 / minBpm, historySize, windowMs, minIntervals: CONFIRMED, tolerance: 0.3 };
    this.ibis = new IbiHistory(limits);
    this.contact = new ContactMonitor(minAmplitude, this.opts.saturationLevel);
    this.front = new PulseFront(minAmplitude);
    this.qrs = waveform === 'ecg' ? new QrsDetector() : null;
  }

  /** Runs a batch of evenly spaced samples (sample i at t0 + i·1000/rateHz) and returns the beats in it. */
  processBatch(batch: SampleBatch): Beat[] {
    const { t0, rateHz, samples } = batch;
    if (!(rateHz > 0)) throw new RangeError('rateHz must be positive');
    const step = 1000 / rateHz;
    const found: Beat[] = [];
    for (let i = 0; i < samples.length; i++) {
      const beat = this.processSample(t0 + i * step, samples[i]);
      if (beat) found.push(beat);
    }
    return found;
  }

  /**
   * Runs one sample; returns the beat it makes final, if any: a beat is final once its hold period has
   * passed (60000 / maxBpm ms for a pulse, up to 360 ms for an ECG), so it comes 0.3-0.5 s after its own
   * time (Beat.tMs). Non-finite values and repeated timestamps are skipped.
   */
  processSample(tMs: number, value: number): Beat | null {
    if (!Number.isFinite(value) || !Number.isFinite(tMs)) return null;
    const dt = tMs - this.lastT;
    if (dt === 0) return null; // a repeated timestamp carries no new time
    if (dt < 0) this.rewind(tMs);
    this.contact.add(tMs, value);
    const x = this.opts.invert ? -value : value;
    if (!(dt > 0 && dt <= this.opts.gapMs)) return this.restart(tMs, x);
    if (dt !== this.dt) {
      this.dt = dt;
      if (this.qrs) this.qrs.setSpacing(dt);
      else this.front.setSpacing(dt);
    }
    this.lastT = tMs;

    const beat = this.qrs ? this.stepQrs(this.qrs, tMs, x) : this.stepPulse(tMs, x);
    if (!this.lost && tMs - this.sinceT > this.opts.noContactMs) this.lose();
    return beat;
  }

  private stepQrs(qrs: QrsDetector, tMs: number, x: number): Beat | null {
    const found = qrs.step(tMs, x, tMs >= this.armedT);
    if (!found) return null;
    // an interval between two complexes the QRS detector does not doubt is not repaired: both are beats
    const vouched = !found.doubtful && !this.lastDoubtful;
    this.lastDoubtful = found.doubtful;
    return this.record(found.tMs, vouched);
  }

  private stepPulse(tMs: number, x: number): Beat | null {
    let beat: Beat | null = null;
    const candidate = this.front.step(tMs, x, tMs >= this.armedT);
    // (comparisons with NaN are false: no pending beat)
    if (tMs >= this.finalAt && !this.front.busy()) beat = this.commit();
    if (candidate) beat = this.consider(candidate) ?? beat;
    return beat;
  }

  /** Whether the sensor is in contact, without the reading current() computes. */
  hasContact(): boolean {
    return this.quality() !== 'no-contact';
  }

  current(): HeartState {
    const quality = this.quality();
    const pending = this.pendingInterval();
    const withheld = quality !== 'good' && this.unsupported();
    return {
      bpm: quality === 'no-contact' || withheld ? null : this.ibis.bpm(this.lastT, pending),
      ibiMs: quality === 'no-contact' ? [] : this.ibis.intervals(this.lastT, pending),
      quality,
      beats: this.beats,
    };
  }

  /**
   * ECG: the interval to the complex the QRS detector holds (final ~0.2 s later) when both its beats are certain,
   * so a reading does not lag the heart by that long (a premature beat's pause would otherwise be missing).
   */
  private pendingInterval(): { ms: number; at: number } | null {
    const beat = this.qrs?.pending();
    if (!beat || beat.doubtful || this.lastDoubtful || Number.isNaN(this.lastBeatT) || this.lost) return null;
    return { ms: beat.tMs - this.lastBeatT, at: beat.tMs };
  }

  reset(): void {
    this.ibis.clear();
    this.contact.reset();
    this.front.reset();
    this.qrs?.reset();
    this.dt = NaN;
    this.pendingT = this.finalAt = NaN;
    this.lastT = this.lastBeatT = this.sinceT = this.beatHeight = NaN;
    this.beats = 0;
    this.lost = false;
  }

  /**
   * `no-contact`: no samples, a flat or saturated signal, or no beat for noContactMs. `noisy`: fewer than four
   * intervals counted, or two of the last eight intervals doubtful (rejected: a missed or false beat; merged:
   * a false beat repaired), or the usual intervals scatter (MAD over 10 %), or no beat for longer than 1.3 usual
   * intervals (beyond the time a beat takes to be final: a pause is under way, and the number does not hold it
   * yet), or two or more premature intervals in a row still waiting for their pause, or an ECG sampled slower
   * than 50 Hz. Otherwise `good`.
   */
  private quality(): Quality {
    if (Number.isNaN(this.lastT) || this.contact.flat() || this.contact.saturated()) return 'no-contact';
    if (this.lastT - this.sinceT > this.opts.noContactMs) return 'no-contact';
    if (this.ibis.size() < CONFIRMED || this.doubtful() >= VERDICTS_NOISY || this.ibis.scattered()) return 'noisy';
    if (this.qrs && (this.qrs.uncertain() || this.dt > ECG_MAX_SPACING_MS)) return 'noisy';
    if (this.ibis.openRun() >= 2) return 'noisy'; // two or more premature beats whose pause is still to come
    if (this.lastT - FINAL_MS - this.lastBeatT > PAUSE * this.ibis.usualMs()) return 'noisy';
    return 'good';
  }

  /** The recent beats do not support a number: fewer than four intervals, or three of the last eight doubtful. */
  private unsupported(): boolean {
    return this.ibis.size() < CONFIRMED || this.doubtful() >= VERDICTS_WITHHELD;
  }

  private doubtful(): number {
    let n = 0;
    for (const v of this.ibis.recentVerdicts()) if (isDoubtful(v)) n++;
    return n;
  }

  /**
   * A candidate becomes the pending beat unless it is a T wave / dicrotic wave. Within the hold period of the
   * pending beat the taller one wins (a P wave crossing first must not hide its R wave).
   */
  private consider(c: Candidate): Beat | null {
    let committed: Beat | null = null;
    if (!Number.isNaN(this.pendingT)) {
      if (c.tMs < this.finalAt) {
        if (c.height > this.pendingHeight) this.setPending(c.tMs, c.height);
        return null;
      }
      committed = this.commit(); // at fast rates the next candidate ends before the hold check ran
    }
    const sinceLast = c.tMs - this.lastBeatT;
    const usual = this.ibis.usualMs();
    const smallEarly = sinceLast < GUARD * usual && c.height < GUARD_HEIGHT * this.beatHeight;
    if (!(sinceLast < this.minIbiMs) && !smallEarly) this.setPending(c.tMs, c.height);
    return committed;
  }

  /** A pending beat: final once the refractory period has passed without a taller candidate. */
  private setPending(t: number, height: number): void {
    this.pendingT = t;
    this.pendingHeight = height;
    this.finalAt = t + this.minIbiMs; // a taller candidate within the refractory period wins
  }

  /** The pending beat outlived its hold period: it is a beat. */
  private commit(): Beat {
    const t = this.pendingT;
    this.pendingT = this.finalAt = NaN;
    const h = this.pendingHeight;
    this.beatHeight = Number.isNaN(this.beatHeight) ? h : this.beatHeight + 0.25 * (h - this.beatHeight);
    this.front.beat(this.beatHeight);
    return this.record(t);
  }

  /** A beat at t: its interval goes to the history (`vouched`: both its beats are certain). */
  private record(t: number, vouched = false): Beat {
    const ibiMs = Number.isNaN(this.lastBeatT) ? null : t - this.lastBeatT;
    const counted = ibiMs === null ? [] : this.ibis.add(ibiMs, t, vouched);
    this.lastBeatT = this.sinceT = t;
    this.lost = false;
    this.beats++;
    return { tMs: t, ibiMs, counted, bpm: this.unsupported() ? null : this.ibis.bpm(t) };
  }

  /**
   * First sample, or the first after a gap: seed the filters at this level so there is no step to detect,
   * and measure no interval across the gap. A beat still pending before the gap is final.
   */
  private restart(tMs: number, x: number): Beat | null {
    const beat = Number.isNaN(this.pendingT) ? null : this.commit();
    if (this.qrs) this.qrs.seed(x);
    else this.front.seed(x);
    this.pendingT = this.finalAt = NaN;
    this.lastBeatT = NaN;
    this.lastT = tMs;
    const learned = this.qrs ? this.qrs.learned() : !Number.isNaN(this.beatHeight);
    this.armedT = tMs + (learned ? SETTLE_MS : WARMUP_MS);
    if (Number.isNaN(this.sinceT)) this.sinceT = tMs;
    return beat;
  }

  /** Time went backwards (a new recording, a reset clock): timings from the old time base mean nothing. */
  private rewind(tMs: number): void {
    this.contact.reset();
    this.pendingT = this.finalAt = NaN;
    this.sinceT = tMs;
  }

  /** Contact lost: the old rhythm says nothing about the next one. */
  private lose(): void {
    this.lost = true;
    this.front.forget();
    this.qrs?.forget();
    this.ibis.clear();
    this.lastBeatT = NaN;
  }
}

const isDoubtful = (v: Verdict) => v === 'rejected' || v === 'merged';
