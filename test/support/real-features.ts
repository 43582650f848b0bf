// Which window features and window length real recordings support, measured with the product's own
// trainer and answers. Protocol (stated in docs/model.md):
// - the Stress-Predict development people in test/data, three states: rest (baseline and the three rest
//   blocks), the Stroop test and the interview (the hyperventilation block is breathing, not a state of
//   mind, and is left out); each block is one recording session;
// - every session's first 70 % is recorded (trained on, the trainer's 10-s warm-up dropped) and its last
//   30 % is held out in time, after a gap of one window; the held-out part is cut into back-to-back
//   windows, each answered as emotion-infer answers a window (WindowAverage, the local backend);
// - score: balanced accuracy over the held-out windows per person (chance 1/3); a window the model cannot
//   answer (a feature missing, e.g. too few clean beats for heart-rate variability) counts as wrong;
// - a choice among feature sets and windows is made leave-one-person-out: for each person, the
//   configuration best on the other people, scored on that person.
// The simulated hat replays the same schedules (rest calm, Stroop angry, interview sad) for comparison.
import { simulateSession } from '../../demo/seed';
import { SimulatedHat, type Stimulus } from '../../src/hat/simulated-hat';
import { createLocalBackend, orderFeatures, type OrderedBackend } from '../../src/model/local-backend';
import { trainModel } from '../../src/model/train';
import { WindowAverage } from '../../src/model/window-average';
import type { SensorRecord } from '../../src/record/record';
import { BeatDetector } from '../../src/signal/beat-detector';
import type { FeatureName } from '../../src/signal/window-features';
import { stressPredictIbi, stressPredictPerson, type Block } from './real-recordings';

export const STATES = ['rest', 'stroop', 'interview'] as const;
const STATE_OF: Partial<Record<Block, (typeof STATES)[number]>> = {
  base: 'rest',
  rest1: 'rest',
  rest2: 'rest',
  rest3: 'rest',
  stroop: 'stroop',
  interview: 'interview',
};
const STIMULUS_OF: Record<(typeof STATES)[number], Stimulus> = { rest: 'calm', stroop: 'angry', interview: 'sad' };
export const RECORDED_SHARE = 0.7;

export const FEATURE_SETS: Readonly<Record<string, readonly FeatureName[]>> = {
  'means of GSR and BPM (published)': ['gsr', 'bpm'],
  '+ skin responses, slope, phasic activity': ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize'],
  '+ heart-rate variability (RMSSD, SDNN)': ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize', 'hrvRmssd', 'hrvSdnn'],
  'responses only': ['scrCount', 'scrSize'],
};

/** One person's hour as sensor-record would store it: a record a second, with that second's beat intervals. */
export interface Session {
  id: string;
  records: SensorRecord[];
  /** [start, end) ms of each state's blocks, with the block as the session id */
  blocks: { session: string; state: (typeof STATES)[number]; start: number; end: number }[];
}

/** A real person's 1 Hz records with the E4's beat intervals that ended in each second. */
export function realRecords(id: string): SensorRecord[] {
  const ibis = stressPredictIbi(id);
  let j = 0;
  return stressPredictPerson(id).seconds.map((s) => {
    const ibiMs: number[] = [];
    while (j < ibis.length && ibis[j].t < s.t) j++;
    for (let k = j; k < ibis.length && ibis[k].t < s.t + 1; k++) ibiMs.push(Math.round(ibis[k].ibi * 1e6) / 1e3);
    return { participant: id, timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm, session: s.block, ibiMs };
  });
}

export function realSession(id: string): Session {
  const person = stressPredictPerson(id);
  return { id, records: realRecords(id), blocks: blocksOf(person.blocks) };
}

/** A simulated person living a real person's schedule, recorded by the product's own pieces (demo/seed). */
export function simulatedSession(id: string, seed = 1): Session {
  const person = stressPredictPerson(id);
  const hat = new SimulatedHat({ seed, participant: `sim-${id}` });
  const detector = new BeatDetector();
  const blocks = blocksOf(person.blocks);
  const records = blocks.flatMap((b) =>
    simulateSession(hat, detector, STIMULUS_OF[b.state], b.start, (b.end - b.start) / 1000, 50).map((r) => ({ ...r, session: b.session })),
  );
  return { id: `sim-${id}`, records, blocks };
}

function blocksOf(blocks: Record<Block, [number, number]>): Session['blocks'] {
  return (Object.keys(blocks) as Block[])
    .filter((b) => STATE_OF[b] !== undefined)
    .map((b) => ({ session: b, state: STATE_OF[b]!, start: Math.ceil(blocks[b][0]) * 1000, end: Math.floor(blocks[b][1]) * 1000 }))
    .sort((a, b) => a.start - b.start);
}

export interface Score {
  /** balanced accuracy over the held-out windows, unanswered windows wrong */
  balanced: number;
  /** share of held-out windows the model could answer */
  answered: number;
  windows: number;
  /** false when the trainer could not make a model from the recorded part */
  trained: boolean;
}

/** Trains on each session's first 70 % and answers the windows of its last 30 %. */
export async function heldOutInTime(s: Session, features: readonly FeatureName[], windowSeconds: number): Promise<Score> {
  const windowMs = windowSeconds * 1000;
  const cutOf = (b: Session['blocks'][number]) => b.start + RECORDED_SHARE * (b.end - b.start);
  const state = new Map(s.blocks.map((b) => [b.session, b]));
  const recorded = s.records.filter((r) => {
    const b = state.get(r.session);
    return b !== undefined && r.timestamp >= b.start && r.timestamp < cutOf(b) - windowMs;
  });
  let backend: OrderedBackend | undefined;
  try {
    backend = createLocalBackend(
      trainModel(
        recorded.map((r) => ({ ...r, mood: state.get(r.session)!.state })),
        { participant: s.id, labels: [...STATES], features: [...features], windowSeconds },
      ),
    );
  } catch {
    // too few windows with every feature (e.g. the E4's sparse beats): no model, every window unanswered
  }
  const hits = STATES.map(() => ({ right: 0, of: 0 }));
  let answered = 0;
  for (const b of s.blocks) {
    const k = STATES.indexOf(b.state);
    for (let from = Math.ceil(cutOf(b)); from + windowMs <= b.end; from += windowMs) {
      const window = new WindowAverage();
      for (const r of s.records) if (r.session === b.session && r.timestamp >= from && r.timestamp < from + windowMs) window.add(r);
      if (window.count === 0) continue;
      hits[k].of++;
      if (!backend) continue;
      let vector: number[];
      try {
        vector = orderFeatures(backend.featureNames, window.mean(windowMs));
      } catch {
        continue; // a feature the window cannot give: no answer
      }
      answered++;
      if ((await backend.predict(vector)).index === k) hits[k].right++;
    }
  }
  const windows = hits.reduce((n, h) => n + h.of, 0);
  const recalls = hits.filter((h) => h.of > 0).map((h) => h.right / h.of);
  return { balanced: recalls.reduce((a, b) => a + b, 0) / recalls.length, answered: answered / windows, windows, trained: backend !== undefined };
}

/**
 * Leave-one-person-out choice: for each person, the configuration with the best mean score on the others,
 * and that person's score with it. `scores[config][person]`.
 */
export function leaveOnePersonOut(scores: Record<string, number[]>): { chosen: string[]; score: number[] } {
  const configs = Object.keys(scores);
  const people = scores[configs[0]].length;
  const chosen: string[] = [];
  const score: number[] = [];
  for (let p = 0; p < people; p++) {
    const others = (c: string) => scores[c].reduce((s, v, i) => (i === p ? s : s + v), 0);
    const best = configs.reduce((a, c) => (others(c) > others(a) ? c : a));
    chosen.push(best);
    score.push(scores[best][p]);
  }
  return { chosen, score };
}
