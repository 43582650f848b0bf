// Real Stress-Predict sessions replayed through a loaded emotion-arousal node, and the scoring of its
// windows against the study's blocks (the protocol of the real-recordings research: a window counts for a
// block when it lies inside the block after its first 10 s; "rising" is the answer "stress"). Shared by
// the node test and bench/arousal.ts.
import type { NodeMessage } from 'node-red';
import type { ArousalAlert, ArousalReading } from '../../src/signal/arousal';
import { helper } from './node-red';
import type { Block, RealPerson } from './real-recordings';

/** The research's comparison: the interview (stress) against the rest blocks after it. */
export const STRESS_VS_LATER_REST: Comparison = { stress: ['interview'], rest: ['rest2', 'rest3'] };

export interface Comparison {
  stress: Block[];
  rest: Block[];
}

export interface Replay {
  readings: ArousalReading[];
  alerts: ArousalAlert[];
}

/**
 * Sends every second of `person` as a sensor-record record into node `arousalId` (wired to helper nodes
 * `statesId` and `alertsId`) as fast as the runtime takes them, and collects what comes out.
 */
export async function replayPerson(person: RealPerson, ids = { arousal: 'arousal', states: 'states', alerts: 'alerts' }): Promise<Replay> {
  const readings: ArousalReading[] = [];
  const alerts: ArousalAlert[] = [];
  const onState = (m: NodeMessage) => readings.push((m as NodeMessage & { arousal: ArousalReading }).arousal);
  const onAlert = (m: NodeMessage) => alerts.push(m.payload as ArousalAlert);
  helper.getNode(ids.states).on('input', onState);
  helper.getNode(ids.alerts).on('input', onAlert);
  try {
    const node = helper.getNode(ids.arousal);
    for (const s of person.seconds) {
      node.receive({ payload: { participant: person.id, timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm } } as NodeMessage);
    }
    // deliveries to the next node are asynchronous: wait until they stop
    for (let seen = -1; seen !== readings.length + alerts.length;) {
      seen = readings.length + alerts.length;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    helper.getNode(ids.states).removeListener('input', onState);
    helper.getNode(ids.alerts).removeListener('input', onAlert);
  }
  return { readings, alerts };
}

/** The readings whose whole window lies in `block`, after the block's first 10 s. */
export function readingsIn(person: RealPerson, readings: ArousalReading[], block: Block, windowSeconds = 30): ArousalReading[] {
  const [start, end] = person.blocks[block];
  return readings.filter((r) => r.timestamp / 1000 - windowSeconds >= start + 10 && r.timestamp / 1000 <= end);
}

export interface Score {
  /** (share of stress windows rising + share of rest windows not rising) / 2 */
  balanced: number;
  stressRising: number;
  restNotRising: number;
  stressWindows: number;
  restWindows: number;
}

export function scorePerson(person: RealPerson, readings: ArousalReading[], c: Comparison = STRESS_VS_LATER_REST): Score {
  const stress = c.stress.flatMap((b) => readingsIn(person, readings, b));
  const rest = c.rest.flatMap((b) => readingsIn(person, readings, b));
  const stressRising = stress.filter((r) => r.state === 'rising').length / stress.length;
  const restNotRising = rest.filter((r) => r.state !== 'rising').length / rest.length;
  return { balanced: (stressRising + restNotRising) / 2, stressRising, restNotRising, stressWindows: stress.length, restWindows: rest.length };
}

/**
 * Seconds from the start of `block` to the first reading after it that says `rising` (wanted true) or
 * anything but rising (wanted false); undefined when none does before the block ends.
 */
export function secondsToState(person: RealPerson, readings: ArousalReading[], block: Block, rising: boolean): number | undefined {
  const [start, end] = person.blocks[block];
  const first = readings.find((r) => r.timestamp / 1000 > start && r.timestamp / 1000 <= end && (r.state === 'rising') === rising);
  return first ? first.timestamp / 1000 - start : undefined;
}
