// The statistics that say whether the simulated hat's physiology is real-sized, computed by the same code
// on the real recordings in test/data and on the simulator replaying them: the Stress-Predict hour (the
// same block times, calm for the rest blocks and angry for the tasks), five-minute rests for the heart, and
// a stimulus after a quiet minute for the event-locked response. Shared by the statistics test and
// bench/real-affect.ts; docs/sensors.md shows the table.
import { SimulatedHat, GSR_CHANNEL, PULSE_CHANNEL, type Stimulus } from '../../src/hat/simulated-hat';
import { BeatDetector } from '../../src/signal/beat-detector';
import { convertGsr } from '../../src/signal/gsr';
import { heartRateVariability } from '../../src/signal/hrv';
import { phasicActivity } from '../../src/signal/phasic';
import { skinResponses } from '../../src/signal/scr';
import { BLOCKS, neurokitRecording, stressPredictIds, stressPredictPerson, type Block } from './real-recordings';

/** One person's hour at one record a second: times (unix s), conductance (µS), heart rate (bpm), blocks. */
export interface HourSession {
  t: number[];
  gsr: number[];
  bpm: number[];
  blocks: Record<Block, [number, number]>;
}

const REST: readonly Block[] = ['base', 'rest1', 'rest2', 'rest3'];
const TASKS: readonly Block[] = ['stroop', 'interview', 'hypervent'];

export function realHours(): HourSession[] {
  return stressPredictIds().map((id) => {
    const p = stressPredictPerson(id);
    return { t: p.seconds.map((s) => s.t), gsr: p.seconds.map((s) => s.gsr), bpm: p.seconds.map((s) => s.bpm), blocks: p.blocks };
  });
}

/** How many simulated people replay each real schedule. */
export const SIMULATED_PER_SCHEDULE = 3;

/**
 * The real schedules replayed on simulated people: each second's GSR is the mean of five readings (the
 * grove-gsr node's 200 ms, as sensor-record averages them); the heart rate is the simulated heart's own
 * (the E4's heart rate is a smoothed estimate too).
 */
export function simulatedHours(): HourSession[] {
  const out: HourSession[] = [];
  for (const id of stressPredictIds()) {
    const { blocks } = stressPredictPerson(id);
    for (let k = 0; k < SIMULATED_PER_SCHEDULE; k++) {
      const hat = new SimulatedHat({ seed: 1 + k, participant: `sim-${id}` });
      const session: HourSession = { t: [], gsr: [], bpm: [], blocks };
      for (const block of BLOCKS) {
        const [start, end] = blocks[block];
        hat.setStimulus(REST.includes(block) ? 'calm' : 'angry', start * 1000);
        for (let s = Math.ceil(start); s < end; s++) {
          session.t.push(s);
          session.gsr.push(meanReading(hat, s * 1000));
          session.bpm.push(hat.heartRateAt(s * 1000 + 500));
        }
      }
      out.push(session);
    }
  }
  return out;
}

/** The mean conductance of the five readings grove-gsr takes in the second from tMs. */
export function meanReading(hat: SimulatedHat, tMs: number): number {
  let sum = 0;
  for (let j = 0; j < 5; j++) sum += convertGsr(hat.rawAt(GSR_CHANNEL, tMs + j * 200)).conductanceUS ?? NaN;
  return sum / 5;
}

export interface HourStatistics {
  /** median over people of |ln(rest level / the end of the baseline)|, for rest 1, 2 and 3 */
  gsrRestChange: number[];
  /** median over people of |rest heart rate − the end of the baseline's| (bpm), for rest 1, 2 and 3 */
  hrRestChange: number[];
  /** median minutes from the end of the baseline to the rest blocks */
  minutesLater: number[];
  /** skin conductance responses per minute in the rest blocks (median over people) */
  scrRestRate: number;
  /** median response size at rest, as a share of the level */
  scrRestSize: number;
  /** the tasks' response rate over the rest blocks' (median over people of each one's ratio of rates) */
  scrTaskRatio: number;
  /** per person, the median phasic activity of 10-s runs in the rest blocks */
  phasicRest: number[];
}

export function hourStatistics(hours: readonly HourSession[]): HourStatistics {
  const gsr: number[][] = [[], [], []];
  const hr: number[][] = [[], [], []];
  const later: number[][] = [[], [], []];
  const restRates: number[] = [];
  const taskRatios: number[] = [];
  const sizes: number[] = [];
  const phasic: number[] = [];
  for (const h of hours) {
    const baseEnd = h.blocks.base[1];
    const base = pick(h, baseEnd - 120, baseEnd);
    (['rest1', 'rest2', 'rest3'] as const).forEach((block, k) => {
      const [start, end] = h.blocks[block];
      const rest = pick(h, start + 30, end);
      gsr[k].push(Math.abs(Math.log(median(rest.gsr) / median(base.gsr))));
      hr[k].push(Math.abs(mean(rest.bpm) - mean(base.bpm)));
      later[k].push((start + end) / 2 / 60 - baseEnd / 60);
    });
    const rest = responses(h, REST, sizes);
    const tasks = responses(h, TASKS, []);
    restRates.push(rest);
    if (rest > 0) taskRatios.push(tasks / rest);
    const runs: number[] = [];
    for (const block of REST) {
      const [start, end] = h.blocks[block];
      for (let from = start + 30; from + 10 <= end; from += 10) {
        const a = phasicActivity(pick(h, from, from + 10).gsr);
        if (a !== undefined) runs.push(a);
      }
    }
    phasic.push(median(runs));
  }
  return {
    gsrRestChange: gsr.map(median),
    hrRestChange: hr.map(median),
    minutesLater: later.map(median),
    scrRestRate: median(restRates),
    scrRestSize: median(sizes),
    scrTaskRatio: median(taskRatios),
    phasicRest: phasic,
  };
}

/** Responses per minute over the blocks' whole minutes (after 30 s each); their sizes go to `sizes`. */
function responses(h: HourSession, blocks: readonly Block[], sizes: number[]): number {
  let count = 0;
  let minutes = 0;
  for (const block of blocks) {
    const [start, end] = h.blocks[block];
    for (let from = start + 30; from + 60 <= end; from += 60) {
      const { gsr } = pick(h, from, from + 60);
      if (gsr.length < 50) continue;
      const r = skinResponses(gsr);
      count += r.count;
      minutes++;
      const level = mean(gsr);
      sizes.push(...r.amplitudes.map((a) => a / level));
    }
  }
  return minutes > 0 ? count / minutes : 0;
}

function pick(h: HourSession, from: number, to: number): { gsr: number[]; bpm: number[] } {
  const gsr: number[] = [];
  const bpm: number[] = [];
  for (let i = 0; i < h.t.length; i++) {
    if (h.t[i] < from || h.t[i] >= to) continue;
    gsr.push(h.gsr[i]);
    bpm.push(h.bpm[i]);
  }
  return { gsr, bpm };
}

export interface HeartStatistics {
  /** standard deviation of the 10-s mean heart rates (bpm) */
  spread10s: number;
  /** ms, over the whole rest */
  rmssd: number;
}

/** Beat times (ms) of a rest: the spread of its 10-s mean heart rates, and its RMSSD. */
export function heartStatistics(beats: readonly number[]): HeartStatistics {
  const ibis = beats.slice(1).map((t, i) => t - beats[i]);
  const means: number[] = [];
  for (let from = beats[0]; from + 10_000 <= beats[beats.length - 1]; from += 10_000) {
    const inside = ibis.filter((_, i) => beats[i + 1] >= from && beats[i + 1] < from + 10_000);
    if (inside.length > 0) means.push(60_000 / mean(inside));
  }
  const m = mean(means);
  return {
    spread10s: Math.sqrt(mean(means.map((x) => (x - m) ** 2))),
    rmssd: heartRateVariability(ibis, beats[beats.length - 1] - beats[0])?.rmssd ?? NaN,
  };
}

/** The real resting ECGs' beats (NeuroKit2: the 5-min rest, the 8-min rest from 20 s to 500 s, the 2.5-min picture viewing). */
export function realRestBeats(): number[][] {
  const spans = [
    ['resting_5min_100hz_ecg-ppg', 0, 300],
    ['resting_8min_100hz_ecg-eda-photosensor', 20, 500],
    ['eventrelated_100hz_ecg-eda-photosensor', 0, 150],
  ] as const;
  return spans.map(([name, from, to]) => {
    const ecg = neurokitRecording(name).ECG;
    const detector = new BeatDetector({ waveform: 'ecg', minAmplitude: 0.02 });
    const beats: number[] = [];
    for (let i = from * 100; i < Math.min(ecg.length, to * 100); i++) {
      const beat = detector.processSample(i * 10, ecg[i]);
      if (beat) beats.push(beat.tMs);
    }
    return beats;
  });
}

/** Simulated five-minute calm rests through the product's own beat detector on the ear clip at 100 Hz. */
export function simulatedRestBeats(people: number, t0: number): number[][] {
  return Array.from({ length: people }, (_, k) => {
    const hat = new SimulatedHat({ seed: 1, participant: `rest-${k}` });
    hat.setStimulus('calm', t0);
    const detector = new BeatDetector();
    const beats: number[] = [];
    for (let t = t0; t < t0 + 320_000; t += 10) {
      const beat = detector.processSample(t, hat.rawAt(PULSE_CHANNEL, t));
      if (beat && t > t0 + 20_000) beats.push(beat.tMs);
    }
    return beats;
  });
}

/**
 * The event-locked response: the largest rise of the conductance within 1-6 s after an onset, as a share
 * of the level at the onset.
 */
export function onsetResponse(gsr: readonly number[], rateHz: number, onsetS: number): number {
  const at = Math.round(onsetS * rateHz);
  let peak = -Infinity;
  for (let i = at + rateHz; i <= at + 6 * rateHz && i < gsr.length; i++) peak = Math.max(peak, gsr[i]);
  return (peak - gsr[at]) / gsr[at];
}

/** The NeuroKit2 picture viewing: the responses to its negative and its neutral pictures (onsets in test/data/README.md). */
export function realOnsetResponses(): { negative: number[]; neutral: number[] } {
  const eda = neurokitRecording('eventrelated_100hz_ecg-eda-photosensor').EDA;
  const at = (s: number) => onsetResponse(eda, 100, s);
  return { negative: [at(10.24), at(129.84)], neutral: [at(49.58), at(92.24)] };
}

/** The same on simulated people after a quiet calm minute: a change to `stimulus`, read at 10 Hz. */
export function simulatedOnsetResponses(stimulus: Stimulus, people: number, t0: number): number[] {
  return Array.from({ length: people }, (_, k) => {
    const hat = new SimulatedHat({ seed: 1, participant: `onset-${k}` });
    hat.setStimulus('calm', t0 - 60_000);
    hat.setStimulus(stimulus, t0);
    const gsr = Array.from({ length: 70 }, (_, i) => convertGsr(hat.rawAt(GSR_CHANNEL, t0 + i * 100)).conductanceUS ?? NaN);
    return onsetResponse(gsr, 10, 0);
  });
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The NeuroKit2 8-min lab rest (20-500 s) at one reading a second: the phasic activity of each 10-s run. */
export function labRestPhasic(): number {
  const eda = neurokitRecording('resting_8min_100hz_ecg-eda-photosensor').EDA;
  const seconds = Array.from({ length: 480 }, (_, s) => mean(eda.slice((20 + s) * 100, (21 + s) * 100)));
  const runs: number[] = [];
  for (let from = 0; from + 10 <= seconds.length; from += 10) runs.push(phasicActivity(seconds.slice(from, from + 10))!);
  return median(runs);
}
