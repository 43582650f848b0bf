// Noise for stress-testing the ECG detector on a clean annotated record, in the manner of the MIT-BIH Noise
// Stress Test (Moody, Muldrow & Mark, Computers in Cardiology 11:381-384, 1984): the three noise types of its
// database, made here by a seeded generator (the recorded noise is not in the repository), added at a stated
// signal-to-noise ratio. As nst(1) calibrates it: the signal power is that of a sine with the QRS complexes'
// peak-to-peak amplitude A (A²/8, A the median over the annotated beats), the noise power its mean square.
//  - baseline wander: breathing-like 0.1-0.5 Hz swings and a slow drift;
//  - muscle (EMG) noise: broadband, 5 Hz up to the Nyquist rate;
//  - electrode motion: bursts (0.3-3 s, 30 % of the time) of 1-10 Hz swings with steps where the electrode moves,
//    which overlap the QRS band: the hardest of the three for a detector.

import { mulberry32 } from '../../src/model/prng';

export type EcgNoise = 'wander' | 'muscle' | 'motion';

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** One-pole low-pass (corner hz) applied in place. */
function lowPass(x: number[], hz: number, rateHz: number): number[] {
  const a = 1 - Math.exp((-2 * Math.PI * hz) / rateHz);
  let y = 0;
  for (let i = 0; i < x.length; i++) x[i] = y += a * (x[i] - y);
  return x;
}

function highPass(x: number[], hz: number, rateHz: number): number[] {
  const low = lowPass([...x], hz, rateHz);
  return x.map((v, i) => v - low[i]);
}

function noiseOf(kind: EcgNoise, n: number, rateHz: number, seed: number): number[] {
  const rand = mulberry32(seed); // seeded: every run adds the same noise
  const g = gaussian(rand);
  if (kind === 'muscle') return highPass(lowPass(Array.from({ length: n }, g), 0.45 * rateHz, rateHz), 5, rateHz);
  if (kind === 'wander') {
    const waves = Array.from({ length: 4 }, () => ({ hz: 0.1 + 0.4 * rand(), phase: 2 * Math.PI * rand(), amp: 0.5 + rand() }));
    const drift = lowPass(Array.from({ length: n }, g), 0.05, rateHz);
    const driftScale = 30; // the drift's random walk is small after so low a corner
    return drift.map((d, i) => driftScale * d + waves.reduce((s, w) => s + w.amp * Math.sin((2 * Math.PI * w.hz * i) / rateHz + w.phase), 0));
  }
  // electrode motion: bursts of band-limited swings, with a step at each burst's start
  const out = new Array<number>(n).fill(0);
  const band = highPass(lowPass(Array.from({ length: n }, g), 10, rateHz), 1, rateHz);
  let i = Math.floor(rand() * rateHz);
  let level = 0;
  while (i < n) {
    const length = Math.floor((0.3 + 2.7 * rand()) * rateHz);
    level += (rand() - 0.5) * 4;
    for (let k = i; k < Math.min(n, i + length); k++) out[k] = band[k] + level;
    i += length + Math.floor(((0.3 + 2.7 * rand()) * rateHz * 0.7) / 0.3);
  }
  return highPass(out, 0.3, rateHz); // the steps decay as an ECG amplifier's coupling lets them
}

/** Median QRS peak-to-peak amplitude over the annotated beats (within ±60 ms of each). */
export function qrsAmplitude(samples: readonly number[], beats: readonly number[], rateHz: number): number {
  const half = Math.round(0.06 * rateHz);
  const amps = beats
    .filter((b) => b - half >= 0 && b + half < samples.length)
    .map((b) => {
      const part = samples.slice(b - half, b + half + 1);
      return Math.max(...part) - Math.min(...part);
    })
    .sort((a, b) => a - b);
  return amps[amps.length >> 1];
}

/** The record with one noise type added at snrDb (nst's definition), from a seeded generator. */
export function addEcgNoise(samples: readonly number[], beats: readonly number[], rateHz: number, kind: EcgNoise, snrDb: number, seed = 1): number[] {
  const noise = noiseOf(kind, samples.length, rateHz, seed);
  const a = qrsAmplitude(samples, beats, rateHz);
  const signalPower = (a * a) / 8;
  const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
  const noisePower = noise.reduce((s, v) => s + (v - mean) ** 2, 0) / noise.length;
  const scale = Math.sqrt(signalPower / (noisePower * 10 ** (snrDb / 10)));
  return samples.map((v, i) => v + scale * (noise[i] - mean));
}
