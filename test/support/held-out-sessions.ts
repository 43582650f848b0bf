// Simulated participants for the "unfamiliar" check: a training recording per mood (as the demo seed
// makes), and later, held-out sessions cut into detection windows, as the Detect page would collect them.
import { BeatDetector } from '../../src/signal/beat-detector';
import { SimulatedHat, type Stimulus } from '../../src/hat/simulated-hat';
import { simulateSession } from '../../demo/seed';
import type { SensorRecord } from '../../src/record/record';
import { WindowAverage, type Features } from '../../src/model/window-average';
import { createLocalBackend } from '../../src/model/local-backend';
import { trainModel } from '../../src/model/train';

const PULSE_HZ = 50;

/** One session per mood, back to back from `startMs`, on the participant's own simulated hat. */
export function recordMoods(hatSeed: number, participant: string, moods: readonly Stimulus[], secondsPerMood: number, startMs: number): SensorRecord[] {
  const hat = new SimulatedHat({ seed: hatSeed, participant });
  const detector = new BeatDetector();
  return moods.flatMap((mood, i) => simulateSession(hat, detector, mood, startMs + i * secondsPerMood * 1000, secondsPerMood, PULSE_HZ));
}

/**
 * A later session of `mood` (from calm, at `startMs`), cut into back-to-back windows of `windowS` after
 * `settleS` seconds (the body adjusting to the stimulus): the features of each, as emotion-infer's
 * collection window makes them.
 */
export function detectionWindows(hatSeed: number, participant: string, mood: Stimulus, startMs: number, opts: { settleS: number; windowS: number; windows: number }): Features[] {
  const hat = new SimulatedHat({ seed: hatSeed, participant });
  const detector = new BeatDetector();
  simulateSession(hat, detector, 'calm', startMs - 30_000, 30, PULSE_HZ); // the beat detector locks on first
  const records = simulateSession(hat, detector, mood, startMs, opts.settleS + opts.windowS * opts.windows, PULSE_HZ);
  return Array.from({ length: opts.windows }, (_, w) => {
    const from = startMs + (opts.settleS + w * opts.windowS) * 1000;
    const window = new WindowAverage();
    for (const r of records) if (r.timestamp >= from && r.timestamp < from + opts.windowS * 1000) window.add(r);
    return window.count > 0 ? [window.mean(opts.windowS * 1000)] : [];
  }).flat();
}

/**
 * Distances to the nearest recorded mood of held-out detection windows: `participants` simulated people
 * record angry, happy and sad for 90 s each and train; 3, 6 and 9 hours later, sessions of each trained
 * mood and of calm (never trained) are cut into five 10-s windows after 10 s of settling.
 */
export async function heldOutDistances(
  participants: number,
  first = 0,
  laterMs: readonly number[] = [3, 6, 9].map((h) => h * 3600_000),
): Promise<{ trained: number[]; calm: number[]; trainedBeyond: number; calmBeyond: number }> {
  const T0 = Date.UTC(2026, 10, 1, 9);
  const moods: Stimulus[] = ['angry', 'happy', 'sad'];
  const trained: number[] = [];
  const calm: number[] = [];
  let trainedBeyond = 0;
  let calmBeyond = 0;
  for (let p = first; p < first + participants; p++) {
    const participant = `sim-${p}`;
    const backend = createLocalBackend(trainModel(recordMoods(100 + p, participant, moods, 90, T0), { participant }));
    for (const later of laterMs) {
      for (const mood of [...moods, 'calm' as const]) {
        for (const f of detectionWindows(100 + p, participant, mood, T0 + moods.length * 90_000 + later, { settleS: 10, windowS: 10, windows: 5 })) {
          const { distance, threshold } = (await backend.predict([f.gsr, f.bpm], f.gsrPhasic)).familiarity!;
          (mood === 'calm' ? calm : trained).push(distance);
          if (distance > threshold && mood === 'calm') calmBeyond++;
          else if (distance > threshold) trainedBeyond++;
        }
      }
    }
  }
  return { trained, calm, trainedBeyond: trainedBeyond / trained.length, calmBeyond: calmBeyond / calm.length };
}

/** The share of distances above a threshold. */
export function shareAbove(distances: readonly number[], threshold: number): number {
  return distances.filter((d) => d > threshold).length / distances.length;
}
