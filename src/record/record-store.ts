import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably } from '../fs/durable-append';
import { describeDiskError } from '../fs/disk-error';
import { recordsToCsv } from './csv';
import { keyOfFolder, participantKey } from './participant';
import { dataRoot, participantRecordsDir } from './paths';
import { DEFAULT_LABELS, type SensorRecord } from './record';
import { recordingProtocol, type RecordingProtocol } from './recording-protocol';
import { validateRecord, validateStoredRecord } from './validate';
import { FEATURE_SETS, type FeatureSetName } from '../signal/window-features';

/** One JSON object per line: a person can open it, and an append never rewrites what is stored. */
export const RECORDS_FILE = 'records.jsonl';

export interface MoodCounts {
  participant: string;
  /** one entry per label (0 when none), plus any other mood found in the file */
  counts: Record<string, number>;
  /** every stored record, with or without a mood */
  total: number;
  /** per mood: sessions, minutes and occasions, and what the recording protocol still asks for */
  protocol: RecordingProtocol;
}

/** A stored line that is not a usable record (torn by a power cut, edited into nonsense, implausible). */
export interface SkippedLine {
  /** 1-based line number in records.jsonl */
  line: number;
  reason: string;
}

export interface CsvExport {
  csv: string;
  /** lines left out of the CSV, so the caller can say so */
  skipped: SkippedLine[];
}

/** A participant's usable records, and the stored lines that are not (so the caller can say so). */
export interface StoredRecords {
  records: SensorRecord[];
  skipped: SkippedLine[];
}

export interface AppendResult {
  stored: number;
  /** records that failed validation, by their index in the input; nothing of them is written */
  rejected: { index: number; reason: string }[];
}

// Appends, reads and deletes of one participant's file run one at a time, in order, within this
// process, so a delete never races an append and lines never interleave.
const queues = new Map<string, Promise<unknown>>();

function serialise<T>(key: string, job: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(job, job);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}

/**
 * The local, append-only record store (the embedded default for Firehose -> S3): one folder per
 * participant under the Node-RED user directory, folders 0700 and files 0600 (health data).
 */
export class RecordStore {
  constructor(readonly userDir: string) {}

  private file(participant: string): string {
    return join(participantRecordsDir(this.userDir, participant), RECORDS_FILE);
  }

  /**
   * Validates every record, then appends the valid ones, one write and one fsync per participant
   * per call, so a power cut loses at most the batch being written (a torn last line, which
   * `read` skips). A write the disk cannot take (full) rejects, and the file is cut back to what it
   * held before: nothing stored earlier is lost, nothing half-written stays.
   */
  async append(records: readonly unknown[]): Promise<AppendResult> {
    const result: AppendResult = { stored: 0, rejected: [] };
    const byFile = new Map<string, { participant: string; lines: string[] }>();
    records.forEach((value, index) => {
      try {
        const record = validateRecord(value);
        const path = this.file(record.participant);
        const group = byFile.get(path) ?? { participant: record.participant, lines: [] };
        group.lines.push(JSON.stringify(record));
        byFile.set(path, group);
      } catch (e) {
        result.rejected.push({ index, reason: (e as Error).message });
      }
    });
    for (const [path, group] of byFile) {
      await serialise(path, () => appendLines(participantRecordsDir(this.userDir, group.participant), path, group.lines));
      result.stored += group.lines.length;
    }
    return result;
  }

  /** Every participant with stored records, by the name in their first record, sorted. */
  async participants(): Promise<string[]> {
    let folders: string[];
    try {
      folders = (await readdir(join(dataRoot(this.userDir), 'records'), { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const names: string[] = [];
    for (const folder of folders) {
      const key = keyOfFolder(folder);
      if (key === undefined) continue; // not a participant's folder
      const { records } = await this.readFile(join(dataRoot(this.userDir), 'records', folder, RECORDS_FILE));
      const name = records.find((r) => participantKey(r.participant) === key)?.participant;
      if (name !== undefined) names.push(name);
    }
    return names.sort((a, b) => a.localeCompare(b));
  }

  /**
   * How many records the participant has per mood, and where they stand on the recording protocol for a
   * model of `featureSet` (which decides how long a session must be to count).
   */
  async counts(participant: string, labels: readonly string[] = DEFAULT_LABELS, featureSet: FeatureSetName = 'published'): Promise<MoodCounts> {
    const records = await this.read(participant);
    const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
    for (const r of records) if (r.mood !== undefined) counts[r.mood] = (counts[r.mood] ?? 0) + 1;
    const { features, windowSeconds } = FEATURE_SETS[featureSet];
    return { participant, counts, total: records.length, protocol: recordingProtocol(records, labels, { features, windowSeconds }) };
  }

  /** The participant's records in the order stored; damaged lines (a torn write) are skipped. */
  async read(participant: string): Promise<SensorRecord[]> {
    return (await this.readStored(participant)).records;
  }

  /**
   * The participant's records and the lines skipped as unusable. A line holding another participant's
   * record is an error, never part of the answer: someone's data is only ever read as theirs.
   */
  readStored(participant: string): Promise<StoredRecords> {
    const path = this.file(participant);
    return serialise(path, () => this.readOwn(path, participant));
  }

  /**
   * Whether the participant has records on disk right now. Synchronous, so a caller that then writes
   * synchronously (saveModel) cannot have a delete run in between.
   */
  holds(participant: string): boolean {
    return existsSync(this.file(participant));
  }

  /** The participant's records as CSV; lines that are not usable records are left out and listed. */
  async exportCsv(participant: string): Promise<CsvExport> {
    const { records, skipped } = await this.readStored(participant);
    return { csv: recordsToCsv(records), skipped };
  }

  /**
   * Removes the participant's folder and everything in it; returns how many records it held (damaged
   * lines included). A folder holding someone else's record is not removed.
   */
  async delete(participant: string): Promise<number> {
    const path = this.file(participant);
    return serialise(path, async () => {
      const { records, skipped } = await this.readOwn(path, participant);
      await rm(participantRecordsDir(this.userDir, participant), { recursive: true, force: true });
      return records.length + skipped.length;
    });
  }

  private async readOwn(path: string, participant: string): Promise<StoredRecords> {
    const stored = await this.readFile(path);
    const key = participantKey(participant);
    const foreign = stored.records.findIndex((r) => participantKey(r.participant) !== key);
    if (foreign >= 0) {
      const other = stored.records[foreign].participant;
      throw new Error(
        `the records of "${participant}" (${path}) hold a record of "${other}": nothing is read or deleted for either until it is moved out`,
      );
    }
    return stored;
  }

  private async readFile(path: string): Promise<StoredRecords> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: [] };
      throw e;
    }
    const records: SensorRecord[] = [];
    const skipped: SkippedLine[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(validateStoredRecord(JSON.parse(line)));
      } catch (e) {
        // a line torn by a power cut, edited into nonsense, or stored before values were checked
        // (gsr 1e308): the rest is still good, and this one must not reach a model or a spreadsheet
        skipped.push({ line: i + 1, reason: e instanceof SyntaxError ? 'not a complete JSON record' : (e as Error).message });
      }
    });
    return { records, skipped };
  }
}

async function appendLines(dir: string, path: string, lines: string[]): Promise<void> {
  const what = 'store the records';
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
    throw describeDiskError(e, what);
  });
  const handle = await open(path, 'a+', 0o600).catch((e: unknown) => {
    throw describeDiskError(e, what);
  });
  try {
    // After a torn write the file ends mid-line: start on a fresh line so the new records stay readable.
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await appendDurably(handle, size, Buffer.from(`${prefix}${lines.join('\n')}\n`), what);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
