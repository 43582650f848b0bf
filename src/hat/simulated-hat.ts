// A simulated Grove Base Hat with a GSR sensor on A0 and the ear-clip receiver on A4, for the demo and
// the tests. Never real data: everything made from it must carry `simulated: true`.
//
// Model (documented for users in docs/sensors.md):
// - Each participant has a baseline skin conductance g0 (2.5..10 µS) and heart rate hr0 (62..78 bpm),
//   and personal reactivities, all derived from a hash of (seed, participant).
// - A stimulus sets targets relative to baseline, in the direction the published system and the EDA/HR
//   literature describe (anger: much more sweat and a faster heart; sadness: more sweat, a slower heart;
//   happiness: a little more of both):
//       conductance × angry 1.9 / sad 1.3 / happy 1.15 / calm 1   (each ± a personal 4-8 %)
//       heart rate  + angry 14 / happy 5 / calm 0 / sad −2 bpm      (each ± a personal 1.5-3 bpm)
// - A change of stimulus is approached exponentially (time constant 3 s for conductance, 2 s for heart
//   rate: most of the way in 5-10 s), which is why training drops the first seconds of each session.
// - Slow drifts (sinusoids of 30..120 s periods, personal phases) move conductance by up to ±13 % and
//   heart rate by up to ±3.5 bpm (10-s means vary with a standard deviation of ~1.8 bpm: real resting
//   ECGs in test/data/heart vary by 0.9 (MIT-BIH 100) and 1.9 (118) bpm), so happy and sad overlap a
//   little, as in the published confusion matrix (a linear model on per-second means reaches roughly
//   85-95 % per person); conductance also has ~1 % white noise per sample.
// - Skin conductance responses (the phasic part): quick rises (0.7 s) that fade over seconds (3 s), each
//   3-9 % of the baseline, a few a minute at rest and many more under emotional stimulation, as the EDA
//   literature reports for non-specific responses: per minute calm 1, sad 12, happy 15, angry 20.
// - The ear clip's receiver gives a digital pulse per beat: ~4000 (3.3 V) for 80 ms, else ~0, with small
//   noise. Beats follow the heart rate through a phase that also carries respiratory sinus arrhythmia
//   (±4 % over a ~4.2 s breath), so intervals vary beat to beat by a few %.
// Everything is a pure function of (seed, participant, stimulus history, t): rawAt() can generate a whole
// session offline in fast time.
import type { GroveHat } from './hat';
import { checkChannel } from './hat';
import { rawForConductance } from '../signal/gsr';

export type Stimulus = 'calm' | 'angry' | 'happy' | 'sad';
export const STIMULI: readonly Stimulus[] = ['calm', 'angry', 'happy', 'sad'];

export function isStimulus(value: unknown): value is Stimulus {
  return typeof value === 'string' && (STIMULI as readonly string[]).includes(value);
}

export const GSR_CHANNEL = 0;
export const PULSE_CHANNEL = 4;

const TAU_GSR_MS = 3000;
const TAU_HR_MS = 2000;
/**
 * How long the simulated body takes to show a new stimulus: three time constants of the slower signal
 * (conductance), by when both are within 5 % of their new levels.
 */
export const SETTLE_MS = 3 * Math.max(TAU_GSR_MS, TAU_HR_MS);
const PULSE_WIDTH_MS = 80;
const BREATH_MS = 4200;
const RSA_DEPTH = 0.04;
const TWO_PI = 2 * Math.PI;
// Phasic skin conductance responses: how often each stimulus sets one off, and their shape.
const SCR_PER_MINUTE: Record<Stimulus, number> = { calm: 1, sad: 12, happy: 15, angry: 20 };
const SCR_MEAN_HEIGHT = 0.06;
const SCR_RISE_MS = 700;
const SCR_DECAY_MS = 3000;
const SCR_SLOT_MS = 1000;
const SCR_LOOKBACK_MS = 20_000;
const SCR_PEAK = scrPeak();

interface Profile {
  g0: number;
  hr0: number;
  gsrGain: Record<Stimulus, number>;
  hrShift: Record<Stimulus, number>;
  /** slow drifts: [amplitude, period ms, phase] */
  gsrDrift: Array<[number, number, number]>;
  hrDrift: Array<[number, number, number]>;
  breathPhase: number;
  key: number;
}

/** A stimulus change, with the state it starts from, so any instant is one segment away (O(log n)). */
interface Change {
  at: number;
  stimulus: Stimulus;
  /** conductance (× baseline − 1) and heart rate (bpm − baseline) deviations at `at` */
  gsrDev: number;
  hrDev: number;
  /** the heart-rate deviation integrated from -infinity to `at`, in beats */
  beats: number;
}

/** The stimulus the simulated body follows, since when, and when it will have reacted (`SETTLE_MS` later). */
export interface SimulationState {
  stimulus: Stimulus;
  /** when it was set; absent for the calm the body starts in */
  since?: number;
  settledAt?: number;
}

export interface SimulatedHatOptions {
  seed?: number;
  participant?: string;
  now?: () => number;
}

export class SimulatedHat implements GroveHat {
  readonly simulated = true;
  readonly seed: number;
  readonly participant: string;
  private readonly now: () => number;
  private readonly profile: Profile;
  private readonly changes: Change[] = [];

  constructor(opts: SimulatedHatOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.participant = opts.participant ?? 'participant';
    this.now = opts.now ?? Date.now;
    this.profile = makeProfile(this.seed, this.participant);
  }

  get stimulus(): Stimulus {
    return this.changes.length ? this.changes[this.changes.length - 1].stimulus : 'calm';
  }

  /** The person's resting values, before any stimulus. */
  get baseline(): { conductanceUS: number; bpm: number } {
    return { conductanceUS: this.profile.g0, bpm: this.profile.hr0 };
  }

  /** The stimulus at tMs (default now) and when the body has reacted to it. */
  simulationAt(tMs: number = this.now()): SimulationState {
    const change = this.changeAt(tMs);
    return change ? { stimulus: change.stimulus, since: change.at, settledAt: change.at + SETTLE_MS } : { stimulus: 'calm' };
  }

  /**
   * Applies a stimulus from `at` (default now) on; times never go backwards in the history. The stimulus the
   * body already follows changes nothing (the flows send it again with every recording).
   */
  setStimulus(s: Stimulus, at: number = this.now()): void {
    if (!isStimulus(s)) throw new Error(`unknown stimulus "${String(s)}": use ${STIMULI.join(', ')}`);
    const last = this.changes[this.changes.length - 1];
    if (s === this.stimulus) return;
    if (!last) {
      this.changes.push({ at, stimulus: s, gsrDev: 0, hrDev: 0, beats: 0 });
      return;
    }
    const when = Math.max(at, last.at);
    const { gsrDev, hrDev, beats } = this.stateAt(last, when);
    this.changes.push({ at: when, stimulus: s, gsrDev, hrDev, beats });
  }

  async readRaw(channel: number): Promise<number> {
    return this.rawAt(channel, this.now());
  }

  async close(): Promise<void> {}

  /** The 12-bit reading channel `channel` shows at time tMs (ms since the epoch). */
  rawAt(channel: number, tMs: number): number {
    checkChannel(channel);
    const p = this.profile;
    if (channel === GSR_CHANNEL) {
      const g = this.conductanceAt(tMs) * (1 + 0.01 * gaussian(p.key, 11, tMs));
      return rawForConductance(g);
    }
    if (channel === PULSE_CHANNEL) {
      const phase = this.beatPhase(tMs);
      const high = phase - Math.floor(phase) < (PULSE_WIDTH_MS * this.heartRateAt(tMs)) / 60_000;
      const noise = Math.abs(gaussian(p.key, 40 + channel, tMs)) * 12;
      return high ? Math.min(4095, Math.round(4000 - noise)) : Math.round(noise);
    }
    // An unused input floats near 0.
    return Math.round(Math.abs(gaussian(p.key, 40 + channel, tMs)) * 8);
  }

  /** The true skin conductance (µS) at tMs, before sensor noise. */
  conductanceAt(tMs: number): number {
    const p = this.profile;
    const change = this.changeAt(tMs);
    const dev = change ? this.stateAt(change, tMs).gsrDev : 0;
    return p.g0 * ((1 + dev) * (1 + drift(p.gsrDrift, tMs)) + this.phasicAt(tMs));
  }

  /**
   * The skin conductance responses still under way at tMs, as a share of the baseline: at most one starts
   * in each second, with a chance set by the stimulus of that second, at a hashed instant and height.
   */
  private phasicAt(tMs: number): number {
    const key = this.profile.key;
    let sum = 0;
    for (let slot = Math.floor((tMs - SCR_LOOKBACK_MS) / SCR_SLOT_MS); slot * SCR_SLOT_MS <= tMs; slot++) {
      const from = slot * SCR_SLOT_MS;
      const stimulus = this.changeAt(from)?.stimulus ?? 'calm';
      if (unit(key, 60, slot) >= (SCR_PER_MINUTE[stimulus] * SCR_SLOT_MS) / 60_000) continue;
      const onset = from + unit(key, 61, slot) * SCR_SLOT_MS;
      if (onset > tMs) continue;
      const height = SCR_MEAN_HEIGHT * (0.5 + unit(key, 62, slot));
      sum += (height * scrShape(tMs - onset)) / SCR_PEAK;
    }
    return sum;
  }

  /** The true mean heart rate (bpm) at tMs, without the breathing modulation. */
  heartRateAt(tMs: number): number {
    const p = this.profile;
    const change = this.changeAt(tMs);
    return p.hr0 + (change ? this.stateAt(change, tMs).hrDev : 0) + drift(p.hrDrift, tMs);
  }

  /**
   * Beats counted since -infinity (integer crossings are beats): the integral of the heart rate, done in
   * closed form so any instant can be sampled without simulating the time before it.
   */
  private beatPhase(tMs: number): number {
    const p = this.profile;
    const change = this.changeAt(tMs);
    let beats = (p.hr0 * tMs) / 60_000 + (change ? this.stateAt(change, tMs).beats : 0);
    for (const [amp, period, phase] of p.hrDrift) {
      beats -= (amp * period * Math.cos((TWO_PI * tMs) / period + phase)) / (TWO_PI * 60_000);
    }
    // Respiratory sinus arrhythmia: the rate swings by RSA_DEPTH over each breath.
    beats += (RSA_DEPTH * p.hr0 * BREATH_MS * Math.sin((TWO_PI * tMs) / BREATH_MS + p.breathPhase)) / (TWO_PI * 60_000);
    return beats;
  }

  /** The last change at or before tMs (binary search: a long demo collects many). */
  private changeAt(tMs: number): Change | undefined {
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.changes[mid].at <= tMs) lo = mid + 1;
      else hi = mid;
    }
    return lo ? this.changes[lo - 1] : undefined;
  }

  /** The deviations at tMs ≥ change.at, approaching the change's targets exponentially. */
  private stateAt(change: Change, tMs: number): Omit<Change, 'at' | 'stimulus'> {
    const p = this.profile;
    const dt = tMs - change.at;
    const gsrTarget = p.gsrGain[change.stimulus] - 1;
    const hrTarget = p.hrShift[change.stimulus];
    const hrDecay = Math.exp(-dt / TAU_HR_MS);
    return {
      gsrDev: gsrTarget + (change.gsrDev - gsrTarget) * Math.exp(-dt / TAU_GSR_MS),
      hrDev: hrTarget + (change.hrDev - hrTarget) * hrDecay,
      beats: change.beats + (hrTarget * dt + (change.hrDev - hrTarget) * TAU_HR_MS * (1 - hrDecay)) / 60_000,
    };
  }
}

function makeProfile(seed: number, participant: string): Profile {
  const key = hash(Math.floor(seed) >>> 0, hashString(participant));
  let n = 0;
  const u = () => unit(key, 1, n++);
  const spread = (centre: number, width: number) => centre + (u() * 2 - 1) * width;
  return {
    key,
    g0: spread(6.25, 3.75),
    hr0: spread(70, 8),
    gsrGain: { calm: 1, angry: spread(1.9, 0.15), sad: spread(1.3, 0.05), happy: spread(1.15, 0.04) },
    hrShift: { calm: 0, angry: spread(14, 3), happy: spread(5, 1.5), sad: spread(-2, 1.5) },
    gsrDrift: [
      [0.08, spread(47_000, 10_000), u() * TWO_PI],
      [0.05, spread(113_000, 20_000), u() * TWO_PI],
    ],
    hrDrift: [
      [2, spread(31_000, 6_000), u() * TWO_PI],
      [1.5, spread(79_000, 15_000), u() * TWO_PI],
    ],
    breathPhase: u() * TWO_PI,
  };
}

function scrShape(dtMs: number): number {
  return Math.exp(-dtMs / SCR_DECAY_MS) - Math.exp(-dtMs / SCR_RISE_MS);
}

function scrPeak(): number {
  const at = (SCR_RISE_MS * SCR_DECAY_MS * Math.log(SCR_DECAY_MS / SCR_RISE_MS)) / (SCR_DECAY_MS - SCR_RISE_MS);
  return scrShape(at);
}

function drift(terms: Array<[number, number, number]>, tMs: number): number {
  let sum = 0;
  for (const [amp, period, phase] of terms) sum += amp * Math.sin((TWO_PI * tMs) / period + phase);
  return sum;
}

// Deterministic noise: a 32-bit integer hash of (participant key, stream, sample time).
function hash(a: number, b: number, c = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(c + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform in (0, 1). The time is taken to the microsecond so sub-ms sample times still differ. */
function unit(key: number, stream: number, t: number): number {
  const ticks = Math.round(t * 1000);
  return (hash(key, stream, (ticks % 0x100000000) ^ Math.floor(ticks / 0x100000000)) + 0.5) / 0x100000000;
}

function gaussian(key: number, stream: number, t: number): number {
  return Math.sqrt(-2 * Math.log(unit(key, stream, t))) * Math.cos(TWO_PI * unit(key, stream + 1000, t));
}
