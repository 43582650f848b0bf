import { checkPlausible, type PlausibleRanges } from '../record/plausible';
import type { SensorRecord } from '../record/record';

/**
 * Cleaning as the published notebook did it, before any split: drop rows that cannot be used (a feature
 * missing or not a finite number, GSR or BPM outside the plausible ranges, a mood that is not one of the
 * labels, no timestamp when warm-up is dropped), then drop the first `warmupSeconds` of each (participant, session): the body takes a while
 * to respond to a new stimulus, and the published data showed an anomalous start of each one.
 */
export interface CleanData {
  /** raw feature values, in `features` order */
  x: number[][];
  /** label index per row */
  y: number[];
  /** per row: its (participant, session) and its timestamp, so runs of a session can be read back */
  session: string[];
  timestamp: number[];
  droppedInvalid: number;
  droppedWarmup: number;
  /** true when any record came from the simulated hat */
  simulated: boolean;
}

export function cleanRecords(
  records: readonly SensorRecord[],
  features: readonly string[],
  labels: readonly string[],
  warmupSeconds: number,
): CleanData {
  const warmupMs = warmupSeconds * 1000;
  const sessionStart = new Map<string, number>();
  for (const r of records) {
    if (!Number.isFinite(r?.timestamp)) continue;
    const key = sessionKey(r);
    sessionStart.set(key, Math.min(sessionStart.get(key) ?? Infinity, r.timestamp));
  }
  const out: CleanData = { x: [], y: [], session: [], timestamp: [], droppedInvalid: 0, droppedWarmup: 0, simulated: false };
  for (const r of records) {
    if (r?.simulated === true) out.simulated = true;
    const row = featureRow(r, features);
    const label = typeof r?.mood === 'string' ? labels.indexOf(r.mood) : -1;
    if (!row || label < 0 || (warmupMs > 0 && !Number.isFinite(r.timestamp))) {
      out.droppedInvalid++;
    } else if (warmupMs > 0 && r.timestamp < sessionStart.get(sessionKey(r))! + warmupMs) {
      out.droppedWarmup++;
    } else {
      out.x.push(row);
      out.y.push(label);
      out.session.push(sessionKey(r));
      out.timestamp.push(r.timestamp);
    }
  }
  return out;
}

/** Feature values read by name, so a record can carry more (e.g. hrvRmssd) than a model uses. */
function featureRow(record: SensorRecord | undefined, features: readonly string[]): number[] | null {
  if (!record || typeof record !== 'object') return null;
  const fields = record as unknown as Record<string, unknown>;
  const row: number[] = [];
  for (const name of features) {
    const v = fields[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || !plausible(name, v)) return null;
    row.push(v);
  }
  return row;
}

/** GSR and BPM must be within the shared plausible ranges; other features only finite. */
function plausible(name: string, value: number): boolean {
  if (name !== 'gsr' && name !== 'bpm') return true;
  try {
    checkPlausible(name as keyof PlausibleRanges, value);
    return true;
  } catch {
    return false;
  }
}

function sessionKey(r: SensorRecord): string {
  return JSON.stringify([r.participant ?? '', r.session ?? '']);
}
