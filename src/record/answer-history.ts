import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { participantFolder, participantKey, participantName } from './participant';
import { historyPath } from './paths';
import { setAside } from './set-aside';

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

/** A participant's answers, newest first, and the damaged file moved aside to get them (when there was one). */
export interface HistoryRead {
  rows: HistoryEntry[];
  setAside?: { path: string; reason: string };
}

/** Answers kept per participant: the newest ones; older ones are dropped as new ones come. */
export const HISTORY_LIMIT = 100;

/**
 * The recent answers of each participant, kept in the user directory so a deploy or a restart does not
 * lose them: `<userDir>/emotion-iot/history/<folder>.json` (paths.ts), at most HISTORY_LIMIT answers, newest
 * first, rewritten atomically (temp file + rename) and one writer at a time per participant.
 */
export class AnswerHistory {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly userDir: string,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /** Adds an answer; returns the participant's history, newest first. */
  add(entry: HistoryEntry): Promise<HistoryRead> {
    const participant = participantName(entry.participant);
    return this.serialise(participant, async () => {
      const read = await this.load(participant);
      const rows = [{ ...entry, participant }, ...read.rows].slice(0, this.limit);
      const path = historyPath(this.userDir, participant);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(rows), { mode: 0o600 });
      await rename(temp, path);
      return { ...read, rows };
    });
  }

  /** The participant's answers, newest first ([] when none yet). */
  recent(participant: string): Promise<HistoryRead> {
    return this.serialise(participant, () => this.load(participant));
  }

  /** Removes the participant's history (with their records and model: health data). */
  delete(participant: string): Promise<void> {
    return this.serialise(participantName(participant), () => rm(historyPath(this.userDir, participant), { force: true }));
  }

  /**
   * A file that is not this participant's list of answers (torn, edited, or holding someone else's) is
   * moved aside, kept for a person to look at, and the participant goes on with a fresh history.
   */
  private async load(participant: string): Promise<HistoryRead> {
    const path = historyPath(this.userDir, participant);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [] };
      throw e;
    }
    const reason = damage(text, participantKey(participant));
    if (reason === undefined) return { rows: JSON.parse(text) as HistoryEntry[] };
    return { rows: [], setAside: { path: setAside(this.userDir, 'history', path, participantFolder(participant), 'json'), reason } };
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

/** Why a history file's text is not a participant's list of answers, or undefined when it is. */
function damage(text: string, key: string): string | undefined {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (!Array.isArray(rows)) return 'not a list of answers';
  for (const [i, row] of rows.entries()) {
    const e = row as Partial<HistoryEntry> | null;
    if (!e || typeof e !== 'object' || typeof e.timestamp !== 'number' || typeof e.confidence !== 'number' || typeof e.emotion !== 'string') {
      return `answer ${i} is not an answer`;
    }
    let owner: string | undefined;
    try {
      owner = participantKey(e.participant);
    } catch {
      owner = undefined;
    }
    if (owner !== key) return `answer ${i} is of ${JSON.stringify(String(e.participant).slice(0, 40))}, another participant`;
  }
  return undefined;
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
