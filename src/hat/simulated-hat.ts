// A simulated Grove Base Hat with a GSR sensor on A0 and the ear-clip receiver on A4, for the demo and
// the tests. Never real data: everything made from it must carry `simulated: true`.
//
// Its physiology is fitted to the real recordings in test/data (docs/sensors.md gives every number with
// its source; test/unit/hat-physiology.test.ts computes the same statistics on both and fails when they
// part):
// - Each participant has a baseline skin conductance g0 (2.5..10 µS) and heart rate hr0 (62..78 bpm).
// - Both wander slowly, as real ones do at rest: the log conductance and the heart rate follow smooth
//   random curves on three time scales (a day, twenty minutes, a few minutes for conductance; a day,
//   twenty minutes, half a minute for the heart), so the level moves by tens of percent within an hour
//   and differs between days.
// - A stimulus moves conductance and heart rate in the direction the published system describes (anger:
//   more sweat and a faster heart; sadness: more sweat, a slower heart; happiness: a little more of
//   both), by as much as real stress tasks moved them: at most +23 % and +3 bpm. Conductance gets there
//   over minutes (time constant 90 s), the heart within seconds.
// - Skin conductance responses: rare, small ones at the person's own rate whatever the stimulus, and one
//   event-locked response 1-3 s after each stimulus change, large for an emotional stimulus (a share of
//   the level like a negative picture's) and tiny for a neutral one (calm).
// - The GSR reading is the Base Hat's 12-bit converter: the sensor's output plus about half a step of
//   converter noise, rounded to a step.
// - The ear clip's receiver gives a digital pulse per beat: ~4000 (3.3 V) for 80 ms, else ~0, with small
//   noise. Beats follow the heart rate through a phase that also carries respiratory sinus arrhythmia
//   (±4 % over a ~4.2 s breath), so intervals vary beat to beat by a few %.
// Everything is a pure function of (seed, participant, stimulus history, t): rawAt() can generate a whole
// session offline in fast time.
import type { GroveHat } from './hat';
import { checkChannel } from './hat';
import { adcLevelForConductance } from '../signal/gsr';

export type Stimulus = 'calm' | 'angry' | 'happy' | 'sad';
export const STIMULI: readonly Stimulus[] = ['calm', 'angry', 'happy', 'sad'];

export function isStimulus(value: unknown): value is Stimulus {
  return typeof value === 'string' && (STIMULI as readonly string[]).includes(value);
}

export const GSR_CHANNEL = 0;
export const PULSE_CHANNEL = 4;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TAU_GSR_MS = 90_000;
const TAU_HR_MS = 5000;
/**
 * How long the simulated body takes to show a new stimulus: three time constants of the slower signal
 * (conductance), by when both are within 5 % of their new levels.
 */
export const SETTLE_MS = 3 * Math.max(TAU_GSR_MS, TAU_HR_MS);
const PULSE_WIDTH_MS = 80;
const BREATH_MS = 4200;
const RSA_DEPTH = 0.07;
const TWO_PI = 2 * Math.PI;
/** The converter's own noise, in steps (rms), before rounding. */
const ADC_NOISE_STEPS = 0.5;
/** Slow wandering: [knot spacing ms, standard deviation] of ln conductance, and of heart rate (bpm). */
const GSR_DRIFT: ReadonlyArray<readonly [number, number]> = [
  [DAY, 0.3],
  [20 * MINUTE, 0.45],
  [3 * MINUTE, 0.08],
];
const HR_DRIFT: ReadonlyArray<readonly [number, number]> = [
  [DAY, 3],
  [20 * MINUTE, 1.8],
  [30_000, 1.6],
];
// Skin conductance responses: spontaneous ones (personal rate, any stimulus), and one per stimulus change.
const SCR_RATE_PER_MINUTE: readonly [number, number] = [0.7, 6];
const SCR_SPONTANEOUS_SHARE = 0.04;
const SCR_SPREAD = 0.6;
const SCR_ONSET_SHARE: Record<Stimulus, number> = { angry: 0.18, sad: 0.06, happy: 0.04, calm: 0.004 };
const SCR_ONSET_SPREAD = 0.4;
const SCR_LATENCY_MS: readonly [number, number] = [1000, 3000];
const SCR_RISE_MS = 700;
const SCR_DECAY_MS = 3000;
const SCR_SLOT_MS = 1000;
const SCR_LOOKBACK_MS = 20_000;
const SCR_PEAK = scrPeak();
// noise streams of the hash
const S_PROFILE = 1;
const S_ADC = 11;
const S_PULSE = 40;
const S_SCR = 60;
const S_ONSET = 70;
const S_GSR_DRIFT = 100;
const S_HR_DRIFT = 200;

interface Profile {
  g0: number;
  hr0: number;
  gsrGain: Record<Stimulus, number>;
  hrShift: Record<Stimulus, number>;
  /** spontaneous skin conductance responses per minute */
  scrRate: number;
  breathPhase: number;
  key: number;
}

/** A stimulus change, with the state it starts from, so any instant is one segment away (O(log n)). */
interface Change {
  at: number;
  stimulus: Stimulus;
  /** conductance (× tonic level − 1) and heart rate (bpm − baseline) deviations at `at` */
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

  /** The person's resting values, before any stimulus and drift. */
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
    const key = this.profile.key;
    if (channel === GSR_CHANNEL) {
      const level = adcLevelForConductance(this.conductanceAt(tMs)) + ADC_NOISE_STEPS * gaussian(key, S_ADC, tMs);
      return Math.min(2048, Math.max(0, Math.round(level)));
    }
    if (channel === PULSE_CHANNEL) {
      const phase = this.beatPhase(tMs);
      const high = phase - Math.floor(phase) < (PULSE_WIDTH_MS * this.heartRateAt(tMs)) / 60_000;
      const noise = Math.abs(gaussian(key, S_PULSE + channel, tMs)) * 12;
      return high ? Math.min(4095, Math.round(4000 - noise)) : Math.round(noise);
    }
    // An unused input floats near 0.
    return Math.round(Math.abs(gaussian(key, S_PULSE + channel, tMs)) * 8);
  }

  /** The true skin conductance (µS) at tMs, before the converter. */
  conductanceAt(tMs: number): number {
    const change = this.changeAt(tMs);
    const dev = change ? this.stateAt(change, tMs).gsrDev : 0;
    return this.tonicAt(tMs) * (1 + dev) * (1 + this.phasicAt(tMs));
  }

  /** The resting level at tMs: the baseline with its slow wandering, without stimulus or responses. */
  tonicAt(tMs: number): number {
    let drift = 0;
    GSR_DRIFT.forEach(([spacing, sd], i) => (drift += sd * smoothNoise(this.profile.key, S_GSR_DRIFT + i, tMs / spacing).value));
    return this.profile.g0 * Math.exp(drift);
  }

  /** The true mean heart rate (bpm) at tMs, without the breathing modulation. */
  heartRateAt(tMs: number): number {
    const p = this.profile;
    const change = this.changeAt(tMs);
    let drift = 0;
    // the rate's wandering is the slope of a wandering beat count (see beatPhase)
    HR_DRIFT.forEach(([spacing, sd], i) => (drift += beatsPerKnot(spacing, sd) * smoothNoise(p.key, S_HR_DRIFT + i, tMs / spacing).slope * (60_000 / spacing)));
    return p.hr0 + (change ? this.stateAt(change, tMs).hrDev : 0) + drift;
  }

  /**
   * The skin conductance responses still under way at tMs, as a share of the level: at most one
   * spontaneous one starts in each second, at a hashed instant and size, and each stimulus change sets
   * one off after a short latency.
   */
  private phasicAt(tMs: number): number {
    const { key, scrRate } = this.profile;
    let sum = 0;
    const chance = (scrRate * SCR_SLOT_MS) / 60_000;
    for (let slot = Math.floor((tMs - SCR_LOOKBACK_MS) / SCR_SLOT_MS); slot * SCR_SLOT_MS <= tMs; slot++) {
      if (unit(key, S_SCR, slot) >= chance) continue;
      const onset = (slot + unit(key, S_SCR + 1, slot)) * SCR_SLOT_MS;
      if (onset > tMs) continue;
      sum += SCR_SPONTANEOUS_SHARE * Math.exp(SCR_SPREAD * gaussian(key, S_SCR + 2, slot)) * scrShape(tMs - onset);
    }
    for (let i = this.changeIndex(tMs) - 1; i >= 0 && this.changes[i].at > tMs - SCR_LOOKBACK_MS; i--) {
      const { at, stimulus } = this.changes[i];
      const onset = at + SCR_LATENCY_MS[0] + unit(key, S_ONSET, at) * (SCR_LATENCY_MS[1] - SCR_LATENCY_MS[0]);
      if (onset > tMs) continue;
      sum += SCR_ONSET_SHARE[stimulus] * Math.exp(SCR_ONSET_SPREAD * gaussian(key, S_ONSET + 1, at)) * scrShape(tMs - onset);
    }
    return sum;
  }

  /**
   * Beats counted since -infinity (integer crossings are beats): the integral of the heart rate, done in
   * closed form so any instant can be sampled without simulating the time before it.
   */
  private beatPhase(tMs: number): number {
    const p = this.profile;
    const change = this.changeAt(tMs);
    let beats = (p.hr0 * tMs) / 60_000 + (change ? this.stateAt(change, tMs).beats : 0);
    HR_DRIFT.forEach(([spacing, sd], i) => (beats += beatsPerKnot(spacing, sd) * smoothNoise(p.key, S_HR_DRIFT + i, tMs / spacing).value));
    // Respiratory sinus arrhythmia: the rate swings by RSA_DEPTH over each breath.
    beats += (RSA_DEPTH * p.hr0 * BREATH_MS * Math.sin((TWO_PI * tMs) / BREATH_MS + p.breathPhase)) / (TWO_PI * 60_000);
    return beats;
  }

  /** How many changes are at or before tMs (binary search: a long demo collects many). */
  private changeIndex(tMs: number): number {
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.changes[mid].at <= tMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last change at or before tMs. */
  private changeAt(tMs: number): Change | undefined {
    const i = this.changeIndex(tMs);
    return i ? this.changes[i - 1] : undefined;
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
  const u = () => unit(key, S_PROFILE, n++);
  const spread = (centre: number, width: number) => centre + (u() * 2 - 1) * width;
  const [slow, fast] = SCR_RATE_PER_MINUTE;
  return {
    key,
    g0: spread(6.25, 3.75),
    hr0: spread(70, 8),
    gsrGain: { calm: 1, angry: spread(1.23, 0.05), sad: spread(1.08, 0.02), happy: spread(1.04, 0.01) },
    hrShift: { calm: 0, angry: spread(3, 1), happy: spread(1.1, 0.4), sad: spread(-0.4, 0.3) },
    scrRate: slow * (fast / slow) ** u(),
    breathPhase: u() * TWO_PI,
  };
}

/**
 * A smooth random curve with unit-variance knots at whole `x`: Catmull-Rom through hashed Gaussian
 * values, so it and its slope (per unit of x) are continuous and any x costs four hashes.
 */
function smoothNoise(key: number, stream: number, x: number): { value: number; slope: number } {
  const k = Math.floor(x);
  const f = x - k;
  const [p0, p1, p2, p3] = [k - 1, k, k + 1, k + 2].map((i) => gaussian(key, stream, i));
  const a = 2 * p0 - 5 * p1 + 4 * p2 - p3;
  const b = -p0 + 3 * p1 - 3 * p2 + p3;
  return {
    value: 0.5 * (2 * p1 + (p2 - p0) * f + a * f * f + b * f * f * f),
    slope: 0.5 * (p2 - p0 + 2 * a * f + 3 * b * f * f),
  };
}

/**
 * The beat-count wander behind a heart-rate wander of `sd` bpm with knots every `spacing` ms: a
 * Catmull-Rom curve's slope at a knot is (p[k+1] − p[k−1]) / 2, of standard deviation knot sd / √2.
 */
function beatsPerKnot(spacing: number, sd: number): number {
  return (Math.SQRT2 * sd * spacing) / 60_000;
}

function scrShape(dtMs: number): number {
  return (Math.exp(-dtMs / SCR_DECAY_MS) - Math.exp(-dtMs / SCR_RISE_MS)) / SCR_PEAK;
}

function scrPeak(): number {
  const at = (SCR_RISE_MS * SCR_DECAY_MS * Math.log(SCR_DECAY_MS / SCR_RISE_MS)) / (SCR_DECAY_MS - SCR_RISE_MS);
  return Math.exp(-at / SCR_DECAY_MS) - Math.exp(-at / SCR_RISE_MS);
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
