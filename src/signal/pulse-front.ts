// Candidate beats in a pulse wave (the ear clip's pulse, a fingertip PPG): a light low-pass against ADC noise;
// a fast baseline (a 0.8 Hz high-pass, in the spirit of HeartPy's rolling mean) taken off so wander and
// electrode-motion steps do not move the threshold; a peak envelope that jumps to each peak and decays, with
// the threshold at 40 % of it (PulseSensor's fraction-of-amplitude rule, decaying so a weaker pulse is found
// again). A run above threshold is one candidate, timed at its (interpolated) maximum. O(1) per sample.
import type { Candidate, FrontEnd } from './front-end';

const LOWPASS_MS = 6; // ~25 Hz corner: smooths ADC noise yet keeps a sharp peak's height
const BASELINE_MS = 200; // ~0.8 Hz high-pass: follows wander and electrode-motion steps, keeps a 30 BPM pulse
const ENVELOPE_MS = 2000; // how fast the threshold forgets a tall peak
const THRESHOLD = 0.4; // fraction of the envelope
const FLOOR = 0.5; // the threshold never drops below this fraction of minAmplitude: noise is not a pulse
const RELEASE = 0.6; // a run ends below this fraction of the threshold it started on (hysteresis)

export class PulseFront implements FrontEnd {
  private dt = NaN;
  private aLow = 0;
  private aBase = 0;
  private decay = 0;
  private low = 0;
  private base = 0;
  private env = 0;
  private prevY = 0;
  private ceiling = Infinity;

  // the run above threshold being watched
  private inRun = false;
  private runThreshold = 0;
  private peak = 0;
  private peakT = 0;
  private peakLeft = 0;
  private peakRight = NaN;

  constructor(private readonly minAmplitude: number) {}

  setSpacing(dt: number): void {
    this.dt = dt;
    this.aLow = dt / (LOWPASS_MS + dt);
    this.aBase = dt / (BASELINE_MS + dt);
    this.decay = Math.exp(-dt / ENVELOPE_MS);
  }

  seed(x: number): void {
    this.low = this.base = x;
    this.prevY = 0;
    this.inRun = false;
  }

  step(tMs: number, x: number, armed: boolean): Candidate | null {
    this.low += this.aLow * (x - this.low);
    this.base += this.aBase * (this.low - this.base);
    const y = this.low - this.base;
    // an artefact far taller than the beats may lift the envelope only to twice their height, so it
    // cannot blind the detector for seconds (a real amplitude rise still passes: the beat height follows it)
    const capped = y < this.ceiling ? y : this.ceiling;
    this.env = capped > this.env * this.decay ? capped : this.env * this.decay;

    let found: Candidate | null = null;
    if (!this.inRun) {
      const threshold = Math.max(THRESHOLD * this.env, FLOOR * this.minAmplitude);
      if (y > threshold && armed) this.startRun(tMs, y, threshold);
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
        found = { tMs: this.peakT + this.subSampleOffset(), height: this.peak };
      }
    }
    this.prevY = y;
    return found;
  }

  busy(): boolean {
    return this.inRun;
  }

  beat(beatHeight: number): void {
    this.ceiling = 2 * beatHeight;
  }

  forget(): void {
    this.ceiling = Infinity;
  }

  reset(): void {
    this.forget();
    this.env = 0;
    this.inRun = false;
    this.dt = NaN;
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
}
