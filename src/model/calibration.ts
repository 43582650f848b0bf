import type { Calibration } from './model-file';
import { softmax } from './model-file';

/**
 * Confidence that means what it says. A model fitted on single seconds, whose neighbours look alike,
 * is far surer than it has reason to be on a window from another day ("sad, 100 %" for a model right on
 * 72 % of real windows). Temperature scaling (Guo et al., "On calibration of modern neural networks",
 * ICML 2017) divides the logits by one number T fitted to minimise the log-loss of held-out answers:
 * T > 1 softens over-confident answers, T < 1 sharpens timid ones, and the most likely class never
 * changes. A few held-out windows, all answered right, would drive T to 0 (certainty); so the fit uses
 * Laplace's rule of succession: each window's target keeps K / (n + K) of its weight spread evenly over
 * the K moods, which makes n right answers out of n worth a confidence of (n + 1) / (n + K) (48 of 48
 * with three moods: 96 %, not 100 %; 6 of 6: 78 %), and fades as windows accumulate. Reliability is the
 * expected calibration error (ECE): the answers binned by confidence (10 equal bins), the gap between
 * each bin's mean confidence and its share of right answers, weighted by the bin's size.
 */

/** T is searched within these bounds: at 100 every answer is as good as uniform, at 0.05 nearly certain. */
const MIN_TEMPERATURE = 0.05;
const MAX_TEMPERATURE = 100;
const ECE_BINS = 10;

/**
 * The temperature minimising the mean log-loss of `logits` (one row per window) against the true class
 * indices, smoothed by the rule of succession. The loss is convex in 1/T (a log-sum-exp minus a linear
 * term), so a golden-section search over 1/T finds its minimum.
 */
export function fitTemperature(logits: readonly (readonly number[])[], actual: readonly number[]): number {
  if (logits.length === 0) return 1;
  const classes = logits[0].length;
  const smoothing = classes / (logits.length + classes);
  const loss = (beta: number) => meanLogLoss(logits, actual, 1 / beta, smoothing);
  let [a, b] = [1 / MAX_TEMPERATURE, 1 / MIN_TEMPERATURE];
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let [fc, fd] = [loss(c), loss(d)];
  for (let i = 0; i < 80; i++) {
    if (fc <= fd) {
      [b, d, fd] = [d, c, fc];
      c = b - ratio * (b - a);
      fc = loss(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + ratio * (b - a);
      fd = loss(d);
    }
  }
  return 1 / ((a + b) / 2);
}

/**
 * Mean cross-entropy of the tempered softmax against targets that put 1 − smoothing on the true class
 * and spread `smoothing` evenly over all classes (0: the plain log-loss).
 */
export function meanLogLoss(logits: readonly (readonly number[])[], actual: readonly number[], temperature: number, smoothing = 0): number {
  let sum = 0;
  logits.forEach((z, i) => {
    const max = Math.max(...z);
    const lse = max / temperature + Math.log(z.reduce((s, v) => s + Math.exp((v - max) / temperature), 0));
    const target = (1 - smoothing) * z[actual[i]] + (smoothing * z.reduce((s, v) => s + v, 0)) / z.length;
    sum += lse - target / temperature;
  });
  return sum / logits.length;
}

/** Expected calibration error of the most likely class's probability, over 10 equal-width bins. */
export function expectedCalibrationError(probabilities: readonly (readonly number[])[], actual: readonly number[]): number {
  const bins = Array.from({ length: ECE_BINS }, () => ({ n: 0, confidence: 0, right: 0 }));
  probabilities.forEach((p, i) => {
    const best = p.reduce((m, v, k) => (v > p[m] ? k : m), 0);
    const bin = bins[Math.min(ECE_BINS - 1, Math.floor(p[best] * ECE_BINS))];
    bin.n += 1;
    bin.confidence += p[best];
    bin.right += best === actual[i] ? 1 : 0;
  });
  const total = probabilities.length;
  return total === 0 ? 0 : bins.reduce((s, b) => s + (b.n === 0 ? 0 : Math.abs(b.confidence - b.right) / total), 0);
}

/** The calibration the model keeps: fitted when any window was held out (else T stays 1), with its reliability. */
export function calibrate(logits: readonly (readonly number[])[], actual: readonly number[]): Calibration {
  const fitted = logits.length > 0;
  const temperature = fitted ? round4(fitTemperature(logits, actual)) : 1;
  const ece = (t: number) => round4(expectedCalibrationError(logits.map((z) => softmax(z, t)), actual));
  return { temperature, fitted, windows: logits.length, ece: ece(temperature), eceUncalibrated: ece(1) };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
