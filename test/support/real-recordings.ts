// The real recordings in test/data (see its README for sources and licences), read once and shared by the
// tests and benches: the Stress-Predict development people (1 Hz records, 4 Hz EDA, beat intervals, blocks)
// and the NeuroKit2 100 Hz physiology.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DATA_DIR = join(__dirname, '..', 'data');
const STRESS_DIR = join(DATA_DIR, 'real-affect', 'stress-predict');
const PHYSIO_DIR = join(DATA_DIR, 'real-physio');

/** The study's blocks, in the order every session ran them. */
export const BLOCKS = ['base', 'stroop', 'rest1', 'interview', 'rest2', 'hypervent', 'rest3'] as const;
export type Block = (typeof BLOCKS)[number];

/** One second of a real session, in the product's record shape (gsr in µS, bpm the E4's heart rate). */
export interface RealSecond {
  /** unix seconds */
  t: number;
  gsr: number;
  bpm: number;
  block: Block;
}

export interface RealPerson {
  id: string;
  seconds: RealSecond[];
  /** [start, end) unix seconds per block */
  blocks: Record<Block, [number, number]>;
}

/** The development people's ids, e.g. ["S02", ..., "S12"]. */
export function stressPredictIds(): string[] {
  return readdirSync(STRESS_DIR)
    .map((f) => /^(S\d+)_records_1hz\.csv$/.exec(f)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}

const people = new Map<string, RealPerson>();

/** One person's 1 Hz session with its block boundaries. */
export function stressPredictPerson(id: string): RealPerson {
  let person = people.get(id);
  if (!person) {
    const blocks = JSON.parse(readFileSync(join(STRESS_DIR, 'blocks.json'), 'utf8'))[id] as RealPerson['blocks'];
    const seconds = csvRows(readFileSync(join(STRESS_DIR, `${id}_records_1hz.csv`), 'utf8')).map(([t, gsr, bpm, block]) => ({
      t: Number(t),
      gsr: Number(gsr),
      bpm: Number(bpm),
      block: block as Block,
    }));
    person = { id, seconds, blocks };
    people.set(id, person);
  }
  return person;
}

/** The raw 4 Hz skin conductance within the blocks. */
export function stressPredictEda(id: string): { t: number; eda: number; block: Block }[] {
  const text = gunzipSync(readFileSync(join(STRESS_DIR, `${id}_eda_4hz.csv.gz`))).toString('utf8');
  return csvRows(text).map(([t, eda, block]) => ({ t: Number(t), eda: Number(eda), block: block as Block }));
}

/** The E4's inter-beat intervals: beat time (unix s) and interval (s). */
export function stressPredictIbi(id: string): { t: number; ibi: number }[] {
  return csvRows(readFileSync(join(STRESS_DIR, `${id}_ibi.csv`), 'utf8')).map(([t, ibi]) => ({ t: Number(t), ibi: Number(ibi) }));
}

export type PhysioRecording = 'resting_5min_100hz_ecg-ppg' | 'resting_8min_100hz_ecg-eda-photosensor' | 'eventrelated_100hz_ecg-eda-photosensor';

/** A NeuroKit2 example recording at 100 Hz: one array per column, keyed by the CSV header (ECG, PPG, EDA, ...). */
export function neurokitRecording(name: PhysioRecording): Record<string, number[]> {
  const text = gunzipSync(readFileSync(join(PHYSIO_DIR, `neurokit_bio_${name}.csv.gz`))).toString('utf8');
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',');
  const columns: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(',').forEach((v, i) => columns[names[i]].push(Number(v)));
  return columns;
}

/**
 * The R waves of a NeuroKit2 recording's ECG, as sample indices (100 Hz): NeuroKit2's default detector, checked
 * against pulse-bpm's where the two disagree (test/data/README.md says how).
 */
export function neurokitRPeaks(name: PhysioRecording): number[] {
  return readFileSync(join(PHYSIO_DIR, `neurokit_bio_${name}.rpeaks.csv`), 'utf8').trim().split('\n').map(Number);
}

/** The rows of a CSV with a header line, as strings. */
function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}
