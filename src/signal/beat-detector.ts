// Streaming beat detector for the ear-clip pulse (a clean pulse per beat) and for an analog pulse wave
// (PPG, and sharp ECG R waves), driven only by sample timestamps so it runs the same live and offline.
//
// Per sample, O(1): a light low-pass against ADC noise; a fast baseline (a 0.8 Hz high-pass, in the spirit
// of HeartPy's rolling mean) taken off so wander and electrode-motion steps do not move the threshold; a peak
// envelope that jumps to each peak and decays, with the threshold at 40 % of it (PulseSensor's fraction-of-
// amplitude rule, decaying so a weaker pulse is found again). A run above threshold is one candidate beat,
// timed at its (interpolated) maximum; within the refractory period (60000 / maxBpm ms) the tallest candidate
// wins, so a P wave crossing first cannot hide its R wave. A small peak in the first 70 % of the usual
// interval is a T wave or dicrotic wave, not a beat (a real rate rise is not small). Intervals go to IbiHistory.
import { ContactMonitor } from './contact-monitor';
import { IbiHistory, median } from './ibi-history';

export interface BeatDetectorOptions {
  minBpm: number;
  maxBpm: number;
  /** No beat for this long (signal time) means no contact: BPM becomes null and the history restarts. */
  noContactMs: number;
  /** Peak-to-peak (input units) below which the signal counts as flat; also the smallest beat it detects. */
  minAmplitude: number;
  /** Input at or above this for a second counts as saturated (null: never). */
  saturationLevel: number | null;
  /** Beats show as dips instead of peaks (a module that idles high). */
  invert: boolean;
  /** Accepted intervals averaged into the BPM. */
  historySize: number;
  /** A jump in sample time longer than this is a gap: no interval is measured across it. */
  gapMs: number;
}

export const DEFAULT_BEAT_OPTIONS: Readonly<BeatDetectorOptions> = {
  minBpm: 30,
  maxBpm: 220,
  noContactMs: 3000,
  minAmplitude: 20,
  saturationLevel: 4095,
  invert: false,
  historySize: 10,
  gapMs: 250,
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
  /** The BPM after this beat (null until two intervals are counted). */
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

const LOWPASS_MS = 6; // ~25 Hz corner: smooths ADC noise yet keeps a sharp R wave's height
const WARMUP_MS = 1000; // after a start the envelope learns the beat height before the first detection
const BASELINE_MS = 200; // ~0.8 Hz high-pass: follows wander and electrode-motion steps, keeps a 30 BPM pulse
const ENVELOPE_MS = 2000; // how fast the threshold forgets a tall peak
const THRESHOLD = 0.4; // fraction of the envelope
const FLOOR = 0.5; // the threshold never drops below this fraction of minAmplitude: noise is not a pulse
const RELEASE = 0.6; // a run ends below this fraction of the threshold it started on (hysteresis)
const GUARD = 0.7; // fraction of the usual interval in which only full-size peaks count
const GUARD_HEIGHT = 0.7; // "full-size": relative to the running beat height

export class BeatDetector {
  private readonly opts: BeatDetectorOptions;
  private readonly ibis: IbiHistory;
  private readonly contact: ContactMonitor;
  private readonly minIbiMs: number;

  // filters, with coefficients cached for the last sample spacing
  private dt = NaN;
  private aLow = 0;
  private aBase = 0;
  private decay = 0;
  private low = 0;
  private base = 0;
  private env = 0;
  private prevY = 0;

  // the run above threshold being watched
  private inRun = false;
  private runThreshold = 0;
  private peak = 0;
  private peakT = 0;
  private peakLeft = 0;
  private peakRight = NaN;
  // the beat found but not yet final: a taller peak within the refractory period replaces it
  private pendingT = NaN;
  private pendingHeight = 0;

  private lastT = NaN;
  private lastBeatT = NaN;
  private sinceT = NaN; // last beat, or when watching started: the no-contact clock
  private beatHeight = NaN;
  private ceiling = Infinity;
  private armedT = NaN; // no detection until the filters settle after a start or a gap
  private beats = 0;
  private lost = false;

  constructor(options: Partial<BeatDetectorOptions> = {}) {
    this.opts = { ...DEFAULT_BEAT_OPTIONS, ...options };
    const { minBpm, maxBpm, historySize } = this.opts;
    if (!(minBpm > 0 && maxBpm > minBpm)) throw new RangeError('need 0 < minBpm < maxBpm');
    this.minIbiMs = 60000 / maxBpm;
    this.ibis = new IbiHistory({ minIbiMs: this.minIbiMs, maxIbiMs: 60000 / minBpm, historySize, tolerance: 0.3 });
    this.contact = new ContactMonitor(this.opts.minAmplitude, this.opts.saturationLevel);
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
   * Runs one sample; returns the beat it makes final, if any: a beat is final once its refractory period
   * (60000 / maxBpm ms) has passed, so it comes ~0.3 s after its own time (Beat.tMs). Non-finite values
   * and repeated timestamps are skipped.
   */
  processSample(tMs: number, value: number): Beat | null {
    if (!Number.isFinite(value) || !Number.isFinite(tMs)) return null;
    const dt = tMs - this.lastT;
    if (dt === 0) return null; // a repeated timestamp carries no new time
    if (dt < 0) this.rewind(tMs);
    this.contact.add(tMs, value);
    const x = this.opts.invert ? -value : value;
    if (!(dt > 0 && dt <= this.opts.gapMs)) return this.restart(tMs, x);
    if (dt !== this.dt) this.setSpacing(dt);
    this.lastT = tMs;

    this.low += this.aLow * (x - this.low);
    this.base += this.aBase * (this.low - this.base);
    const y = this.low - this.base;
    // an artefact far taller than the beats may lift the envelope only to twice their height, so it
    // cannot blind the detector for seconds (a real amplitude rise still passes: beatHeight follows it)
    const capped = y < this.ceiling ? y : this.ceiling;
    this.env = capped > this.env * this.decay ? capped : this.env * this.decay;

    let beat: Beat | null = null;
    if (!this.inRun) {
      if (!Number.isNaN(this.pendingT) && tMs - this.pendingT >= this.minIbiMs) beat = this.commit();
      const threshold = Math.max(THRESHOLD * this.env, FLOOR * this.opts.minAmplitude);
      if (y > threshold && tMs >= this.armedT) this.startRun(tMs, y, threshold);
    } else {
      if (y > this.peak) {
        this.peak = y;
        this.peakT = tMs;
        this.peakLeft = this.prevY;
        this.peakRight = NaN;
      } else if (Number.isNaN(this.peakRight)) {
        this.peakRight = y;
      }
      if (y < RELEASE * this.runThreshold) {
        this.inRun = false;
        beat = this.consider();
      }
    }
    this.prevY = y;

    if (!this.lost && tMs - this.sinceT > this.opts.noContactMs) this.lose();
    return beat;
  }

  current(): HeartState {
    const quality = this.quality();
    return {
      bpm: quality === 'no-contact' ? null : this.ibis.bpm(),
      ibiMs: quality === 'no-contact' ? [] : this.ibis.intervals(),
      quality,
      beats: this.beats,
    };
  }

  reset(): void {
    this.ibis.clear();
    this.contact.reset();
    this.dt = NaN;
    this.inRun = false;
    this.pendingT = NaN;
    this.env = 0;
    this.lastT = this.lastBeatT = this.sinceT = this.beatHeight = NaN;
    this.ceiling = Infinity;
    this.beats = 0;
    this.lost = false;
  }

  private quality(): Quality {
    if (Number.isNaN(this.lastT) || this.contact.flat() || this.contact.saturated()) return 'no-contact';
    if (this.lastT - this.sinceT > this.opts.noContactMs) return 'no-contact';
    return this.ibis.bpm() === null || this.ibis.disagrees() ? 'noisy' : 'good';
  }

  /**
   * A finished run becomes the pending beat unless it is a T wave / dicrotic notch. Within the refractory
   * period of the pending beat the taller peak wins (a P wave crossing first must not hide its R wave).
   */
  private consider(): Beat | null {
    const t = this.peakT + this.subSampleOffset();
    let committed: Beat | null = null;
    if (!Number.isNaN(this.pendingT)) {
      if (t - this.pendingT < this.minIbiMs) {
        if (this.peak > this.pendingHeight) this.setPending(t);
        return null;
      }
      committed = this.commit(); // at fast rates the next run ends before the refractory check ran
    }
    const sinceLast = t - this.lastBeatT;
    const usual = this.ibis.intervals();
    const smallEarly = usual.length > 0 && sinceLast < GUARD * median(usual) && this.peak < GUARD_HEIGHT * this.beatHeight;
    if (!(sinceLast < this.minIbiMs) && !smallEarly) this.setPending(t);
    return committed;
  }

  private setPending(t: number): void {
    this.pendingT = t;
    this.pendingHeight = this.peak;
  }

  /** The pending beat outlived its refractory period: it is a beat. */
  private commit(): Beat {
    const t = this.pendingT;
    this.pendingT = NaN;
    const ibiMs = Number.isNaN(this.lastBeatT) ? null : t - this.lastBeatT;
    const counted = ibiMs === null ? [] : this.ibis.add(ibiMs);
    const h = this.pendingHeight;
    this.beatHeight = Number.isNaN(this.beatHeight) ? h : this.beatHeight + 0.25 * (h - this.beatHeight);
    this.ceiling = 2 * this.beatHeight;
    this.lastBeatT = this.sinceT = t;
    this.lost = false;
    this.beats++;
    return { tMs: t, ibiMs, counted, bpm: this.ibis.bpm() };
  }

  /** Parabolic interpolation through the peak and its neighbours: sub-sample timing at low rates. */
  private subSampleOffset(): number {
    const l = this.peakLeft;
    const r = this.peakRight;
    const curve = l - 2 * this.peak + r;
    if (!(curve < 0)) return 0;
    return (0.5 * (l - r) / curve) * this.dt;
  }

  private startRun(tMs: number, y: number, threshold: number): void {
    this.inRun = true;
    this.runThreshold = threshold;
    this.peak = y;
    this.peakT = tMs;
    this.peakLeft = this.prevY;
    this.peakRight = NaN;
  }

  /**
   * First sample, or the first after a gap: seed the filters at this level so there is no step to detect,
   * and measure no interval across the gap. A beat still pending before the gap is final.
   */
  private restart(tMs: number, x: number): Beat | null {
    const beat = Number.isNaN(this.pendingT) ? null : this.commit();
    this.low = this.base = x;
    this.prevY = 0;
    this.inRun = false;
    this.pendingT = NaN;
    this.lastBeatT = NaN;
    this.lastT = tMs;
    this.armedT = tMs + (Number.isNaN(this.beatHeight) ? WARMUP_MS : BASELINE_MS);
    if (Number.isNaN(this.sinceT)) this.sinceT = tMs;
    return beat;
  }

  /** Time went backwards (a new recording, a reset clock): timings from the old time base mean nothing. */
  private rewind(tMs: number): void {
    this.contact.reset();
    this.pendingT = NaN;
    this.sinceT = tMs;
  }

  /** Contact lost: the old rhythm says nothing about the next one. */
  private lose(): void {
    this.lost = true;
    this.ceiling = Infinity;
    this.ibis.clear();
    this.lastBeatT = NaN;
  }

  private setSpacing(dt: number): void {
    this.dt = dt;
    this.aLow = dt / (LOWPASS_MS + dt);
    this.aBase = dt / (BASELINE_MS + dt);
    this.decay = Math.exp(-dt / ENVELOPE_MS);
  }
}
