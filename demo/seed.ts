// The demo participant `npm start` seeds on first start: short simulated recording sessions, made in fast
// time by the same pieces the flows run live (simulated hat -> GSR conversion and beat detection -> one
// record per second, with that second's beat intervals -> local store), then a model trained and saved, so the Detect page answers at once.
// The seed follows the recording protocol the Training page teaches (src/record/recording-protocol.ts):
// each mood in two sessions, on two occasions a day apart, in a different order; only the calm / rest
// session is left for the visitor to record. Never real data: every record says `simulated: true`.
import { SimulatedHat, GSR_CHANNEL, PULSE_CHANNEL, type Stimulus } from '../src/hat/simulated-hat';
import { convertGsr } from '../src/signal/gsr';
import { BeatDetector } from '../src/signal/beat-detector';
import { RecordStore } from '../src/record/record-store';
import { DEFAULT_LABELS, round3, type SensorRecord } from '../src/record/record';
import { trainModel } from '../src/model/train';
import { saveModel } from '../src/model/model-store';

/** The participant and hat seed the shipped flows' simulated hat uses: the seeded model fits that hat. */
export const DEMO_PARTICIPANT = 'demo';
export const DEMO_HAT_SEED = 1;

export interface SeedOptions {
  participant: string;
  hatSeed: number;
  /** length of each mood's session */
  secondsPerMood: number;
  /** the pulse channel's sampling rate, as grove-ear-hr's default */
  pulseRateHz: number;
  /** when the last occasion's first session starts (ms since the epoch); its sessions run back to back */
  startMs: number;
  /** sittings, each recording every mood once (the order turned by one mood each time) */
  occasions: number;
  /** from one occasion's start to the next's */
  occasionGapMs: number;
}

export interface SeedSummary {
  participant: string;
  records: number;
  /** the model's held-out balanced accuracy (null when nothing could be held out) and its verdict */
  balancedAccuracy: number | null;
  verdict?: string;
  modelPath: string;
}

const TICK_MS = 1000;

/** grove-gsr's default sampling interval: sensor-record averages the readings of each tick. */
const GSR_INTERVAL_MS = 200;

/**
 * Records one session: the stimulus switches to `mood` at `startMs`; each second the mean of that second's
 * GSR readings, the beat detector's BPM and the beat intervals it counted make a record (ticks without a
 * BPM are skipped, as sensor-record does).
 */
export function simulateSession(
  hat: SimulatedHat,
  detector: BeatDetector,
  mood: Stimulus,
  startMs: number,
  seconds: number,
  pulseRateHz: number,
): SensorRecord[] {
  hat.setStimulus(mood, startMs);
  const session = `${hat.participant}-${mood}-${startMs}`;
  const records: SensorRecord[] = [];
  const step = 1000 / pulseRateHz;
  let nextTick = startMs + TICK_MS;
  let nextGsr = startMs;
  let gsr: number[] = [];
  let ibiMs: number[] = [];
  for (let t = startMs; t < startMs + seconds * 1000; t += step) {
    ibiMs.push(...(detector.processSample(t, hat.rawAt(PULSE_CHANNEL, t))?.counted ?? []));
    if (t >= nextGsr) {
      const reading = convertGsr(hat.rawAt(GSR_CHANNEL, t));
      if (reading.contact) gsr.push(reading.conductanceUS);
      nextGsr += GSR_INTERVAL_MS;
    }
    if (t < nextTick) continue;
    nextTick += TICK_MS;
    const { bpm } = detector.current();
    const tick = { gsr, ibiMs };
    gsr = [];
    ibiMs = [];
    if (tick.gsr.length === 0 || bpm === null) continue;
    records.push({
      participant: hat.participant,
      timestamp: Math.round(t),
      gsr: round3(tick.gsr.reduce((a, b) => a + b, 0) / tick.gsr.length),
      bpm: round3(bpm),
      ibiMs: tick.ibiMs.map(round3),
      mood,
      session,
      simulated: true,
    });
  }
  return records;
}

/** Makes the demo participant's records and model under userDir; returns what it made. */
export async function seedDemoParticipant(userDir: string, options: Partial<SeedOptions> = {}): Promise<SeedSummary> {
  // two minutes a session: the trainer answers the second occasion's sessions (forward in time), and 11
  // windows of each mood after the warm-up are enough to measure (MIN_WINDOWS_PER_MOOD)
  const secondsPerMood = options.secondsPerMood ?? 120;
  const o: SeedOptions = {
    participant: DEMO_PARTICIPANT,
    hatSeed: DEMO_HAT_SEED,
    secondsPerMood,
    pulseRateHz: 100,
    startMs: Date.now() - DEFAULT_LABELS.length * secondsPerMood * 1000,
    occasions: 2,
    occasionGapMs: 24 * 3600_000,
    ...options,
  };
  const store = new RecordStore(userDir);
  let stored = await store.read(o.participant);
  // Records already there (the model file was deleted, say) are trained on again, not seeded twice.
  if (stored.length === 0) {
    const hat = new SimulatedHat({ seed: o.hatSeed, participant: o.participant });
    const detector = new BeatDetector();
    for (let k = 0; k < o.occasions; k++) {
      const start = o.startMs - (o.occasions - 1 - k) * o.occasionGapMs;
      const order = DEFAULT_LABELS.map((_, i) => DEFAULT_LABELS[(i + DEFAULT_LABELS.length - k) % DEFAULT_LABELS.length]);
      await store.append(
        order.flatMap((mood, i) => simulateSession(hat, detector, mood as Stimulus, start + i * o.secondsPerMood * 1000, o.secondsPerMood, o.pulseRateHz)),
      );
    }
    stored = await store.read(o.participant);
  }
  // Trained on everything stored for the participant, as emotion-train does.
  const model = trainModel(stored, { participant: o.participant });
  const { balancedAccuracy = null, verdict } = model.metrics;
  return { participant: o.participant, records: stored.length, balancedAccuracy, verdict, modelPath: saveModel(userDir, model) };
}
