// Candidate beats in an ECG, after Pan & Tompkins (1985), made O(1) per sample and driven by timestamps:
// a band-pass (two ~20 Hz low-passes, a ~8 Hz high-pass) keeps the QRS complex's steep slopes and drops most
// of the electrode-motion and baseline noise, whose energy sits lower; the squared slope, integrated over
// ~40 ms, is the feature (NeuroKit2's default method likewise works on the smoothed gradient). Each local
// maximum of the feature is a peak: above the threshold it is a candidate beat, timed at the largest band-passed
// deflection on its rise (the R wave); below it, it teaches the noise level. The threshold sits a quarter of the
// way from the noise level to the beat level (Pan-Tompkins' NPKI + 0.25 (SPKI - NPKI)), so noise as tall as the
// R wave raises it; a peak above half of it is kept as a weak candidate for the search-back of a missed beat.
import type { Candidate, FrontEnd } from './front-end';

const LOWPASS_MS = 8; // two of them: ~20 Hz, above the QRS band's top
const HIGHPASS_MS = 20; // ~8 Hz: the QRS slopes stay, P and T waves, wander and motion mostly go
const INTEGRATE_MS = 40; // smoothing of the squared slope: one hump per QRS complex
const FRACTION = 0.3; // threshold position between the noise and beat levels
const WEAK = 0.5; // a weak candidate is above this fraction of the threshold
const NOISE_LEARN = 0.125; // Pan-Tompkins' update weight for the noise level
const FLOOR = 0.5; // a deflection below this fraction of minAmplitude is no beat (sensor noise)

export class QrsFront implements FrontEnd {
  private aLow = 0;
  private aHigh = 0;
  private aInt = 0;
  private dt = NaN;
  private low1 = 0;
  private low2 = 0;
  private base = 0;
  private prevY = 0;
  private feature = 0;
  private prevFeature = 0;
  private rising = false;
  // the largest deflection on the feature's current rise: where the R wave is
  private peakAbs = 0;
  private peakT = 0;
  private beatLevel = NaN;
  private noiseLevel = 0;
  private warmMax = 0;

  constructor(private readonly minAmplitude: number) {}

  setSpacing(dt: number): void {
    this.dt = dt;
    this.aLow = dt / (LOWPASS_MS + dt);
    this.aHigh = dt / (HIGHPASS_MS + dt);
    this.aInt = dt / (INTEGRATE_MS + dt);
  }

  seed(x: number): void {
    this.low1 = this.low2 = this.base = x;
    this.prevY = 0;
    this.feature = this.prevFeature = 0;
    this.rising = false;
  }

  step(tMs: number, x: number, armed: boolean): Candidate | null {
    this.low1 += this.aLow * (x - this.low1);
    this.low2 += this.aLow * (this.low1 - this.low2);
    this.base += this.aHigh * (this.low2 - this.base);
    const y = this.low2 - this.base;
    const slope = (y - this.prevY) / this.dt;
    this.prevY = y;
    this.feature += this.aInt * (slope * slope - this.feature);
    const f = this.feature;
    const abs = y < 0 ? -y : y;
    let found: Candidate | null = null;
    if (f > this.prevFeature) {
      if (!this.rising) {
        this.rising = true;
        this.peakAbs = 0;
      }
    } else if (this.rising) {
      this.rising = false;
      found = armed ? this.judge(this.prevFeature) : this.learnLevel(this.prevFeature);
    }
    if (this.rising && abs > this.peakAbs) {
      this.peakAbs = abs;
      this.peakT = tMs;
    }
    this.prevFeature = f;
    return found;
  }

  /** During warm-up: the tallest peak seen is the first beat level. */
  private learnLevel(h: number): null {
    if (h > this.warmMax) this.warmMax = h;
    return null;
  }

  private judge(h: number): Candidate | null {
    if (Number.isNaN(this.beatLevel)) {
      // the tallest peak of the warm-up (or, after contact was lost, this one) is the first beat level
      this.beatLevel = Math.max(this.warmMax, h);
      this.noiseLevel = 0.1 * this.beatLevel;
    }
    if (this.peakAbs < FLOOR * this.minAmplitude) return null;
    const threshold = this.noiseLevel + FRACTION * (this.beatLevel - this.noiseLevel);
    if (h > threshold) return { tMs: this.peakT, height: h, weak: false };
    this.noiseLevel += NOISE_LEARN * (h - this.noiseLevel);
    return h > WEAK * threshold ? { tMs: this.peakT, height: h, weak: true } : null;
  }

  busy(): boolean {
    return this.rising;
  }

  beat(beatHeight: number): void {
    this.beatLevel = beatHeight;
  }

  forget(): void {
    this.beatLevel = NaN;
    this.warmMax = 0;
  }

  reset(): void {
    this.forget();
    this.noiseLevel = 0;
    this.dt = NaN;
  }
}
