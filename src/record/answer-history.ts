import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dataRoot, participantKey, participantName } from './paths';

/** One answer as the Detect page's "Recent answers" shows it. */
export interface HistoryEntry {
  timestamp: number;
  participant: string;
  emotion: string;
  confidence: number;
  /** why the answer is "uncertain", when it is */
  reason?: string;
  gsr: number;
  bpm: number;
}

/** Answers kept per participant: the newest ones; older ones are dropped as new ones come. */
export const HISTORY_LIMIT = 100;

/**
 * The recent answers of each participant, kept in the user directory so a deploy or a restart does not
 * lose them: `<userDir>/emotion-iot/history/<participant key>.json`, at most HISTORY_LIMIT answers, newest
 * first, rewritten atomically (temp file + rename) and one writer at a time per participant.
 */
export class AnswerHistory {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly userDir: string,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /** Adds an answer; returns the participant's history, newest first. */
  add(entry: HistoryEntry): Promise<HistoryEntry[]> {
    const participant = participantName(entry.participant);
    return this.serialise(participant, async () => {
      const rows = [{ ...entry, participant }, ...(await this.recent(participant))].slice(0, this.limit);
      const path = this.file(participant);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(rows), { mode: 0o600 });
      await rename(temp, path);
      return rows;
    });
  }

  /** The participant's answers, newest first ([] when none yet). */
  async recent(participant: string): Promise<HistoryEntry[]> {
    try {
      const rows: unknown = JSON.parse(await readFile(this.file(participant), 'utf8'));
      return Array.isArray(rows) ? (rows as HistoryEntry[]) : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`the answer history of "${participant}" is damaged (${(e as Error).message}): delete it to start again`, { cause: e });
    }
  }

  /** Removes the participant's history (with their records and model: health data). */
  delete(participant: string): Promise<void> {
    return this.serialise(participantName(participant), () => rm(this.file(participant), { force: true }));
  }

  private file(participant: string): string {
    return join(dataRoot(this.userDir), 'history', `${participantKey(participant)}.json`);
  }

  private serialise<T>(participant: string, job: () => Promise<T>): Promise<T> {
    const key = participantKey(participant);
    const next = (this.queues.get(key) ?? Promise.resolve()).then(job, job);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }
}

/** The history entry of an emotion-infer answer (msg.payload, msg.emotion). */
export function historyEntry(label: unknown, emotion: unknown): HistoryEntry {
  const e = emotion as { participant?: unknown; timestamp?: unknown; confidence?: unknown; reason?: unknown; features?: { gsr?: unknown; bpm?: unknown } } | null;
  const num = (v: unknown, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`msg.emotion.${what} must be a number: send emotion-infer's answer`);
    return v;
  };
  if (!e || typeof e !== 'object' || typeof e.participant !== 'string') throw new Error("msg.emotion.participant is missing: send emotion-infer's answer");
  return {
    timestamp: num(e.timestamp, 'timestamp'),
    participant: e.participant,
    emotion: String(label),
    confidence: num(e.confidence, 'confidence'),
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
    gsr: num(e.features?.gsr, 'features.gsr'),
    bpm: num(e.features?.bpm, 'features.bpm'),
  };
}
