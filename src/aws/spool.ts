// A durable, ordered, on-disk queue of newline-terminated records: the write-ahead spool behind
// firehose-push. Records are appended to segment files (named by the sequence number of their first
// record) and fsynced before append() resolves; an ack file holds the first sequence number not yet
// delivered. After a restart, reading resumes at the ack, so delivery is at-least-once across restarts.
// Disk trouble (a full disk, the folder deleted while running, a torn or damaged segment) never rejects
// unhandled: appends fail with the cause, background work reports through SpoolEvents, and damaged
// bytes are skipped once, kept in a quarantine file.
import { closeSync, mkdirSync, openSync, fsyncSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably } from '../fs/durable-append';
import { describeDiskError } from '../fs/disk-error';

export interface SpoolOptions {
  /** Disk the segments may use; appends beyond it fail with SpoolFullError. */
  budgetBytes: number;
  /** A segment is closed and a new one started once it holds this much (default budget / 8, within 64 KiB..4 MiB). */
  segmentBytes?: number;
  events?: SpoolEvents;
}

/** What happens in the background, where there is no caller to reject. */
export interface SpoolEvents {
  /** Something was dropped or started afresh (damaged bytes skipped, a removed folder recreated). */
  warn(message: string): void;
  /**
   * Records the spool cannot deliver as they were written (a segment file missing, a delivery position
   * past the end of what is on disk): how many, and what happened to them.
   */
  gap?(gap: SpoolGap): void;
  /** Saving the delivery position failed (it is retried with the next ack, and on close). */
  failing(err: Error): void;
  /** Saving the delivery position works again. */
  recovered(): void;
}

export interface SpoolGap {
  /** 'lost': records no longer on disk; 'resent': records on disk sent again (they may arrive twice) */
  kind: 'lost' | 'resent';
  records: number;
  message: string;
}

export interface SpoolEntry {
  seq: number;
  /** One record, newline included. */
  data: Buffer;
}

export class SpoolFullError extends Error {
  constructor(budgetBytes: number) {
    super(`spool full: disk budget of ${formatBytes(budgetBytes)} reached`);
    this.name = 'SpoolFullError';
  }
}

interface Segment {
  firstSeq: number;
  /** Durable records and bytes (fsynced). */
  count: number;
  bytes: number;
  path: string;
}

interface PendingAppend {
  records: Buffer[];
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const SEGMENT = /^(\d{16})\.seg$/;
const ACK_FILE = 'ack.json';
/** Damaged bytes the spool skipped, kept for a person to look at. */
export const QUARANTINE_FILE = 'quarantine.bin';
const NEWLINE = 0x0a;
/** Directories open in this process: two spools on one directory would corrupt each other. */
const openDirs = new Set<string>();
/**
 * Per directory: records delivered ahead of the ack (behind one still owed). A spool reopened in this
 * process (a redeploy) skips them, so they are not sent twice; after a restart they are (at-least-once).
 */
const deliveredAhead = new Map<string, Set<number>>();

export class Spool {
  private readonly segments: Segment[];
  private active: { segment: Segment; fh: FileHandle } | undefined;
  /** `damaged`: the bytes before `offset` were the start of a damaged record, its end is still to skip. */
  private reader: { segment: Segment; offset: number; fh?: FileHandle; damaged?: boolean } | undefined;
  private readSeq: number;
  private ackedSeq: number;
  private nextSeq: number;
  private readonly segmentBytes: number;
  private queue: PendingAppend[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  private ackWriting: Promise<void> | undefined;
  private ackDirty = false;
  private ackFailing = false;
  private closed = false;
  private readonly ahead: Set<number>;

  private constructor(
    readonly dir: string,
    private readonly options: SpoolOptions,
    segments: Segment[],
    ackedSeq: number,
    nextSeq: number,
  ) {
    this.segments = segments;
    this.ackedSeq = ackedSeq;
    this.readSeq = ackedSeq;
    this.nextSeq = nextSeq;
    this.ahead = deliveredAhead.get(dir) ?? new Set();
    deliveredAhead.set(dir, this.ahead);
    // Only records still on disk keep their numbers (a deleted folder starts again from 0).
    for (const seq of this.ahead) if (seq < ackedSeq || seq >= nextSeq) this.ahead.delete(seq);
    this.segmentBytes = options.segmentBytes ?? Math.max(64 * 1024, Math.min(4 * 1024 * 1024, options.budgetBytes / 8));
  }

  static async open(dir: string, options: SpoolOptions): Promise<Spool> {
    if (!(options.budgetBytes > 0)) throw new Error('spool disk budget must be positive');
    if (openDirs.has(dir)) throw new Error(`spool ${dir} is already in use`);
    openDirs.add(dir);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 }); // records are personal physiology
      const { segments, ackedSeq, nextSeq } = await recover(dir, options.events);
      const spool = new Spool(dir, options, segments, ackedSeq, nextSeq);
      await spool.seekReader();
      await spool.removeDelivered(spool.backlog === 0);
      return spool;
    } catch (e) {
      openDirs.delete(dir);
      throw e;
    }
  }

  /** Records appended and not yet acknowledged (on disk). */
  get backlog(): number {
    return this.nextSeq - this.ackedSeq;
  }

  /** One past the last record read() handed out or skipped. */
  get readPosition(): number {
    return this.readSeq;
  }

  /** Durable records not yet handed out by read(). */
  get unread(): number {
    return this.nextSeq - this.readSeq;
  }

  /** Durable bytes not yet handed out by read(). */
  get unreadBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) {
      if (segment.firstSeq + segment.count <= this.readSeq) continue;
      bytes += segment.bytes - (segment === this.reader?.segment ? this.reader.offset : 0);
    }
    return bytes;
  }

  /** Disk used by segments, including appends still being written. */
  get diskBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0) + this.queuedBytes;
  }

  get budgetBytes(): number {
    return this.options.budgetBytes;
  }

  /**
   * Appends records (each newline-terminated, no other newline) and resolves once they are on disk.
   * Appends made in the same tick share one write and one fsync. Fails at once when over budget.
   */
  append(records: Buffer[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    if (records.length === 0) return Promise.resolve();
    const bytes = records.reduce((sum, r) => sum + r.length, 0);
    if (this.diskBytes + bytes > this.options.budgetBytes) return Promise.reject(new SpoolFullError(this.options.budgetBytes));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
      this.queuedBytes += bytes;
      if (!this.writing) this.writing = new Promise<void>((done) => setImmediate(() => this.writeQueued().then(done)));
    });
  }

  /**
   * The next durable records after those already read, in order, within the limits (at least one record,
   * unless all that is left was delivered ahead of the ack: those are skipped).
   */
  async read(maxRecords: number, maxBytes: number): Promise<SpoolEntry[]> {
    const out: SpoolEntry[] = [];
    let bytes = 0;
    let grow = false;
    while (out.length < maxRecords && bytes < maxBytes && this.unread > 0 && this.reader) {
      const reader = this.reader;
      const available = reader.segment.bytes - reader.offset;
      if (available === 0) {
        if (!this.nextSegment()) break;
        continue;
      }
      if (!reader.fh) {
        reader.fh = await this.openForReading(reader.segment);
        if (!reader.fh) continue;
      }
      // Read about what the records asked for need (from the segment's mean record size), not maxBytes:
      // a batch of small records is far below it. The first record may be longer than maxBytes.
      const meanRecord = reader.segment.bytes / Math.max(1, reader.segment.count);
      const wanted = Math.max(MIN_CHUNK, Math.ceil((maxRecords - out.length) * meanRecord * 1.25));
      const limit = out.length === 0 ? Math.max(maxBytes, MAX_LINE) : maxBytes - bytes;
      const chunk = Buffer.allocUnsafe(Math.min(available, limit, grow ? MAX_LINE : wanted));
      await reader.fh.read(chunk, 0, chunk.length, reader.offset).catch((e: unknown) => {
        throw describeDiskError(e, `read the spool segment ${reader.segment.path}`);
      });
      let pos = 0;
      while (out.length < maxRecords) {
        const end = chunk.indexOf(NEWLINE, pos);
        if (end < 0) break;
        const line = chunk.subarray(pos, end + 1);
        // A record is JSON: a NUL byte in it is damage (a hole left by a torn write), never data.
        const damaged = reader.damaged === true || line.includes(0);
        const skip = damaged || this.ahead.has(this.readSeq);
        if (!skip && out.length > 0 && bytes + line.length > maxBytes) break;
        if (damaged) {
          await this.quarantine(line, `record ${this.readSeq} of ${reader.segment.path}`);
          reader.damaged = false;
        } else if (!skip) {
          out.push({ seq: this.readSeq, data: line });
          bytes += line.length;
        }
        this.readSeq += 1;
        pos = end + 1;
      }
      reader.offset += pos;
      if (pos === 0) {
        if (out.length > 0) break;
        if (chunk.length === available) {
          // No newline up to the segment's end: a torn tail, not a record. Skip it once.
          await this.quarantine(chunk, `the end of ${reader.segment.path}`);
          reader.offset += chunk.length;
          reader.damaged = false;
        } else if (grow) {
          // No newline within the longest record there can be: damage, up to the next newline.
          await this.quarantine(chunk, `${reader.segment.path} at byte ${reader.offset}`);
          reader.offset += chunk.length;
          reader.damaged = true;
          grow = false;
        } else {
          grow = true; // the first record is longer than the estimate
        }
      } else {
        grow = false;
      }
    }
    return out;
  }

  /** Moves the reader to the next segment; false when there is none yet. */
  private nextSegment(): boolean {
    const reader = this.reader!;
    const next = this.segments[this.segments.indexOf(reader.segment) + 1];
    if (!next) return false;
    // a failed close of a read handle costs a descriptor; left unhandled it would end Node-RED
    reader.fh?.close().catch(() => undefined);
    this.reader = { segment: next, offset: 0 };
    // Records the previous segment should have held and did not (a segment file missing after it, a
    // skipped torn tail) are gone: say how many.
    if (this.readSeq < next.firstSeq) {
      const records = next.firstSeq - this.readSeq;
      const message = `spool: records ${this.readSeq}-${next.firstSeq - 1} (${records}) are missing after ${reader.segment.path}: a segment file is gone or was cut short`;
      report(this.options.events, { kind: 'lost', records, message });
      this.readSeq = next.firstSeq;
    }
    return true;
  }

  /** Opens a segment; one removed from under the spool (its folder deleted) is skipped with a warning. */
  private async openForReading(segment: Segment): Promise<FileHandle | undefined> {
    try {
      return await open(segment.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw describeDiskError(e, `read the spool segment ${segment.path}`);
      const records = segment.firstSeq + segment.count - this.readSeq;
      report(this.options.events, { kind: 'lost', records, message: `spool segment ${segment.path} was removed while in use: ${records} records not yet sent were in it` });
      this.reader!.offset = segment.bytes;
      this.readSeq = segment.firstSeq + segment.count;
      return undefined;
    }
  }

  /** Keeps skipped bytes in the quarantine file and says what was dropped. */
  private async quarantine(bytes: Buffer, where: string): Promise<void> {
    this.options.events?.warn(await quarantine(this.dir, bytes, where));
  }

  /**
   * Every record with a sequence number below nextSeq is delivered, and so are those in `delivered` (read
   * records above nextSeq, behind one still owed). The ack is persisted in the background; a save that
   * failed (a full disk) is tried again with every ack.
   */
  ack(nextSeq: number, delivered: readonly number[] = []): void {
    if (nextSeq > this.readSeq || delivered.some((seq) => seq >= this.readSeq)) {
      throw new Error('cannot acknowledge records that were not read');
    }
    for (const seq of delivered) if (seq >= nextSeq) this.ahead.add(seq);
    if (nextSeq > this.ackedSeq) {
      for (const seq of this.ahead) if (seq < nextSeq) this.ahead.delete(seq);
      this.ackedSeq = nextSeq;
      this.ackDirty = true;
    }
    if (this.ackDirty) this.ackWriting ??= this.persistAcks(); // also retries a save that failed
  }

  /** Waits for queued appends and the last ack, then releases the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writing;
      await this.ackWriting;
      if (this.ackDirty) await (this.ackWriting ??= this.persistAcks()); // a save that failed earlier: try once more
      await this.active?.fh.close().catch(() => undefined);
      await this.reader?.fh?.close().catch(() => undefined);
      this.active = undefined;
      if (this.backlog === 0) await this.removeDelivered(true).catch(() => undefined);
    } finally {
      openDirs.delete(this.dir);
    }
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const bytes = batch.reduce((sum, p) => sum + p.bytes, 0);
      try {
        const data = Buffer.concat(batch.flatMap((p) => p.records));
        // A folder deleted while running takes the open segment with it: writes would still succeed, to
        // a file nobody can read after a restart. Start a new segment (and folder) and write there.
        let segment = await this.writeToActive(data);
        if (!segment) {
          this.options.events?.warn(`spool folder ${this.dir} was removed while running: a new one is started`);
          segment = await this.writeToActive(data);
          if (!segment) throw new Error(`cannot write the spool: ${this.dir} keeps being removed`);
        }
        const count = batch.reduce((sum, p) => sum + p.records.length, 0);
        segment.count += count;
        segment.bytes += bytes;
        this.nextSeq += count;
        this.reader ??= { segment, offset: 0 };
        batch.forEach((p) => p.resolve());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        batch.forEach((p) => p.reject(err));
      } finally {
        this.queuedBytes -= bytes;
      }
    }
    this.writing = undefined;
  }

  /**
   * Appends to the active segment (all of it, fsynced, or nothing: appendDurably cuts a failed write
   * back). Undefined when the segment file turned out removed; the next call starts a new one.
   */
  private async writeToActive(data: Buffer): Promise<Segment | undefined> {
    const segment = await this.activeSegment();
    const { fh } = this.active!;
    try {
      await appendDurably(fh, segment.bytes, data, 'write the spool');
      if ((await fh.stat()).nlink > 0) return segment;
    } catch (e) {
      await this.dropActive();
      throw e;
    }
    await this.dropActive();
    return undefined;
  }

  /** Closes the active segment; the next append opens a new one (or reuses it when still empty). */
  private async dropActive(): Promise<void> {
    await this.active?.fh.close().catch(() => undefined);
    this.active = undefined;
  }

  private async activeSegment(): Promise<Segment> {
    if (this.active && this.active.segment.bytes < this.segmentBytes) return this.active.segment;
    await this.dropActive();
    // An empty newest segment (found after a crash, or cut back after a failed write) already has this
    // name: reuse it. A second entry for the same file would let the empty one, once "delivered", unlink it.
    const last = this.segments[this.segments.length - 1];
    const reuse = last !== undefined && last.count === 0 && last.firstSeq === this.nextSeq;
    const segment: Segment = reuse ? last : { firstSeq: this.nextSeq, count: 0, bytes: 0, path: join(this.dir, segmentName(this.nextSeq)) };
    await mkdir(this.dir, { recursive: true, mode: 0o700 }); // gone when someone deleted the folder
    let fh: FileHandle;
    try {
      fh = await open(segment.path, 'a', 0o600);
    } catch (e) {
      throw describeDiskError(e, 'write the spool');
    }
    if (!reuse) {
      syncDir(this.dir);
      this.segments.push(segment);
    }
    this.active = { segment, fh };
    return segment;
  }

  /** Saves the delivery position. Never rejects: a failure is reported and retried with the next ack. */
  private async persistAcks(): Promise<void> {
    try {
      while (this.ackDirty) {
        this.ackDirty = false;
        await this.writeAck(this.ackedSeq);
        await this.removeDelivered();
      }
      if (this.ackFailing) {
        this.ackFailing = false;
        this.options.events?.recovered();
      }
    } catch (e) {
      this.ackDirty = true;
      if (!this.ackFailing) {
        this.ackFailing = true;
        this.options.events?.failing(describeDiskError(e, 'save which records were delivered'));
      }
    } finally {
      this.ackWriting = undefined;
    }
  }

  private async writeAck(next: number): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 }); // gone when someone deleted the folder
    const tmp = join(this.dir, `${ACK_FILE}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await appendDurably(fh, 0, Buffer.from(JSON.stringify({ next })), 'save which records were delivered');
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, ACK_FILE));
  }

  /** Deletes segments whose records are all delivered (and, when closing, an idle active one). */
  private async removeDelivered(includeActive = false): Promise<void> {
    while (this.segments.length > 0) {
      const segment = this.segments[0];
      const delivered = segment.firstSeq + segment.count <= this.ackedSeq;
      const inUse = segment === this.active?.segment || segment === this.reader?.segment;
      if (!delivered || (inUse && !includeActive)) return;
      if (segment === this.reader?.segment) {
        await this.reader.fh?.close();
        this.reader = undefined;
      }
      this.segments.shift();
      await unlink(segment.path).catch(() => undefined);
    }
  }

  /** Puts the reader on the first record not yet acknowledged. */
  private async seekReader(): Promise<void> {
    const segment = this.segments.find((s) => s.firstSeq + s.count > this.ackedSeq) ?? this.segments[this.segments.length - 1];
    if (!segment) return;
    let offset = 0;
    const skip = this.ackedSeq - segment.firstSeq;
    if (skip > 0) {
      const content = await readFile(segment.path);
      for (let i = 0; i < skip; i += 1) offset = content.indexOf(NEWLINE, offset) + 1;
    }
    this.reader = { segment, offset };
  }
}

/** Longest record a segment can hold: Firehose's 1,000 KiB plus a newline. */
const MAX_LINE = 1_024_001;
const MIN_CHUNK = 16 * 1024;

async function recover(dir: string, events?: SpoolEvents): Promise<{ segments: Segment[]; ackedSeq: number; nextSeq: number }> {
  const names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
  const segments: Segment[] = [];
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    const firstSeq = Number(SEGMENT.exec(name)![1]);
    const next = names[i + 1];
    if (next) {
      segments.push({ firstSeq, count: Number(SEGMENT.exec(next)![1]) - firstSeq, bytes: (await stat(path)).size, path });
    } else {
      segments.push(await scanLast(dir, path, firstSeq, events));
    }
  }
  const ack = await readAck(dir);
  let ackedSeq = ack ?? 0;
  const first = segments[0];
  const last = segments[segments.length - 1];
  const end = last ? last.firstSeq + last.count : ackedSeq;
  if (first && ackedSeq < first.firstSeq) {
    // Delivered segments are removed only after the ack that covers them is saved: a first segment
    // starting after the ack means the ones before it went missing.
    if (ack !== undefined) {
      const records = first.firstSeq - ackedSeq;
      report(events, { kind: 'lost', records, message: `spool: records ${ackedSeq}-${first.firstSeq - 1} (${records}) are missing from ${dir}: their segment file is gone` });
    }
    ackedSeq = first.firstSeq;
  } else if (first && ackedSeq > end) {
    // Acks never pass what was written: this one is damaged, and which records were delivered is unknown.
    const records = end - first.firstSeq;
    report(events, {
      kind: 'resent',
      records,
      message: `spool: the delivery position in ${join(dir, ACK_FILE)} (${ackedSeq}) is past the end of the spool (${end}): the ${records} records on disk are sent again (some may arrive twice)`,
    });
    ackedSeq = first.firstSeq;
  }
  const nextSeq = last ? Math.max(end, ackedSeq) : ackedSeq;
  return { segments, ackedSeq: Math.min(ackedSeq, nextSeq), nextSeq };
}

function report(events: SpoolEvents | undefined, gap: SpoolGap): void {
  if (events?.gap) events.gap(gap);
  else events?.warn(gap.message);
}

/**
 * Counts the records of the newest segment and cuts off a torn write (a tail without its newline),
 * keeping it in the quarantine file.
 */
async function scanLast(dir: string, path: string, firstSeq: number, events?: SpoolEvents): Promise<Segment> {
  const content = await readFile(path);
  let count = 0;
  let end = 0;
  for (let pos = content.indexOf(NEWLINE); pos >= 0; pos = content.indexOf(NEWLINE, pos + 1)) {
    count += 1;
    end = pos + 1;
  }
  if (end < content.length) {
    const message = await quarantine(dir, content.subarray(end), `the end of ${path}`);
    await truncate(path, end);
    events?.warn(message);
  }
  return { firstSeq, count, bytes: end, path };
}

/** The saved delivery position; undefined when there is none (or it is unreadable). */
async function readAck(dir: string): Promise<number | undefined> {
  try {
    const { next } = JSON.parse(await readFile(join(dir, ACK_FILE), 'utf8')) as { next?: unknown };
    return Number.isSafeInteger(next) && (next as number) >= 0 ? (next as number) : undefined;
  } catch {
    return undefined;
  }
}

/** Appends skipped bytes to the quarantine file; returns what to tell the user. */
async function quarantine(dir: string, bytes: Buffer, where: string): Promise<string> {
  const file = join(dir, QUARANTINE_FILE);
  const preview = JSON.stringify(bytes.subarray(0, 60).toString('latin1'));
  const dropped = `spool: skipped ${bytes.length} damaged bytes at ${where} (starting ${preview})`;
  try {
    await appendFile(file, bytes, { mode: 0o600 });
    return `${dropped}; kept in ${file}`;
  } catch (e) {
    return `${dropped}; could not keep them: ${describeDiskError(e, `write ${file}`).message}`;
  }
}

function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.seg`;
}

/** Makes a new file's directory entry durable (a no-op where directories cannot be opened). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported on this platform: the data itself is still fsynced.
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB`;
  return `${bytes} B`;
}
