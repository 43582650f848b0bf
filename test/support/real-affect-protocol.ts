// The Stress-Predict development people as the product's users: each block of their hour is a recording
// session, rest blocks and stress blocks are two moods. A person "records" some blocks, trains with the
// product's own trainer, and is then detected on later blocks through the product's own inference
// (10-s windows averaged as emotion-infer's collection window does, answered by the local backend).
// Shared by bench/real-affect.ts and the tests; a scenario or an option (features, window) is a parameter.
import { answerEmotion, type EmotionAnswer } from '../../src/model/emotion-answer';
import { createLocalBackend } from '../../src/model/local-backend';
import type { ModelFile } from '../../src/model/model-file';
import { trainModel, type TrainOptions } from '../../src/model/train';
import { WindowAverage } from '../../src/model/window-average';
import type { SensorRecord } from '../../src/record/record';
import { BLOCKS, stressPredictPerson, type Block } from './real-recordings';

export const REST_STRESS = ['rest', 'stress'] as const;
export type RealMood = (typeof REST_STRESS)[number];

/** The study's baseline and rest blocks are "rest"; the Stroop test, interview and hyperventilation "stress". */
export function moodOf(block: Block): RealMood {
  return block === 'base' || block.startsWith('rest') ? 'rest' : 'stress';
}

/**
 * What a person records (trains on), and the later blocks they are detected on. With `recordedShare`,
 * only that first share of each recorded block is recorded, and detection runs on the rest of each later
 * block (the first measurement: the first 70 % of every block recorded, the last 30 % detected).
 */
export interface Scenario {
  name: string;
  recorded: Block[];
  later: Block[];
  recordedShare?: number;
}

export const SCENARIOS: readonly Scenario[] = [
  // every block's first 70 % recorded (four rest sessions, three stress sessions); its last 30 % detected
  { name: 'the end of every session', recorded: [...BLOCKS], later: [...BLOCKS], recordedShare: 0.7 },
  // one session per mood: baseline and the Stroop test; later: everything after them
  { name: 'one session per mood', recorded: ['base', 'stroop'], later: ['rest1', 'interview', 'rest2', 'hypervent', 'rest3'] },
  // two sessions per mood: baseline and rest 1, Stroop and interview; later: each mood's third session on
  { name: 'two sessions per mood', recorded: ['base', 'stroop', 'rest1', 'interview'], later: ['rest2', 'hypervent', 'rest3'] },
];

/** The person's 1 Hz seconds of some blocks (the first `share` of each) as stored records: one session per block. */
export function realRecords(id: string, blocks: readonly Block[], share = 1): SensorRecord[] {
  const person = stressPredictPerson(id);
  return person.seconds
    .filter((s) => blocks.includes(s.block) && s.t < cut(person.blocks[s.block], share))
    .map((s) => ({ participant: id, timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm, mood: moodOf(s.block), session: s.block }));
}

/** Where a block's first `share` ends (unix s). */
function cut([start, end]: [number, number], share: number): number {
  return start + share * (end - start);
}

export function trainReal(id: string, scenario: Scenario, options: Partial<TrainOptions> = {}): ModelFile {
  return trainModel(realRecords(id, scenario.recorded, scenario.recordedShare), { participant: id, labels: [...REST_STRESS], ...options });
}

/**
 * Detection on the scenario's later blocks: each block (after the recorded share, or after its first
 * `settleSeconds`) cut into back-to-back windows of `windowSeconds`, each averaged and answered as
 * emotion-infer does (threshold off, following the verdict).
 */
export async function detectLater(
  model: ModelFile,
  id: string,
  scenario: Scenario,
  opts: { windowSeconds?: number; settleSeconds?: number; followVerdict?: boolean } = {},
): Promise<{ mood: RealMood; answer: EmotionAnswer }[]> {
  const windowS = opts.windowSeconds ?? 10;
  const settleS = opts.settleSeconds ?? 10;
  const backend = createLocalBackend(model);
  const out: { mood: RealMood; answer: EmotionAnswer }[] = [];
  const person = stressPredictPerson(id);
  for (const block of scenario.later) {
    const [start, end] = person.blocks[block];
    const first = scenario.recordedShare === undefined ? start + settleS : Math.ceil(cut(person.blocks[block], scenario.recordedShare));
    for (let from = first; from + windowS <= end; from += windowS) {
      const window = new WindowAverage();
      for (const s of person.seconds) if (s.block === block && s.t >= from && s.t < from + windowS) window.add(s);
      if (window.count === 0) continue;
      const features = window.mean(windowS * 1000);
      const answer = await answerEmotion({
        backend,
        features,
        participant: id,
        labels: model.labels,
        threshold: 0,
        followVerdict: opts.followVerdict ?? true,
        startedAt: 0,
      });
      out.push({ mood: moodOf(block), answer });
    }
  }
  return out;
}

/** Balanced accuracy of labels against moods (moods without windows left out). */
export function balanced(pairs: readonly { mood: string; label: string }[]): number {
  const moods = [...new Set(pairs.map((p) => p.mood))];
  const recalls = moods.map((m) => {
    const of = pairs.filter((p) => p.mood === m);
    return of.filter((p) => p.label === m).length / of.length;
  });
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}
