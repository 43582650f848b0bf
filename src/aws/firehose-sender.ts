// Drains the spool into PutRecordBatch calls: waits for a full batch or the max delay, sends, retries
// only the records that failed (exponential back-off with jitter), and acknowledges the spool up to
// the first record still owed. Records delivered behind a failed one are dropped from memory and told to
// the spool, so they are never sent twice by one process, a redeploy included; after a restart they may
// be (at-least-once).
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from './firehose-records';
import { isRetryable as defaultIsRetryable, type PutBatch } from './firehose-put';
import type { Spool, SpoolEntry } from './spool';

export interface DeliveryReport {
  /** Records Firehose accepted during this flush. */
  sent: number;
  /** Records sent again during this flush after a partial failure, throttling, 5xx or a dropped connection. */
  retried: number;
  /** Records still not accepted when the flush gave up (they stay spooled and go out in a later flush). */
  failed: number;
  /** Records waiting on disk after this flush. */
  spooled: number;
}

export interface SenderOptions {
  /** Longest a record waits for a batch to fill. */
  maxDelayMs: number;
  maxRecords?: number;
  maxBytes?: number;
  /** Tries per flush (the first send included) before the flush gives up. */
  attempts?: number;
  /** Back-off: base * 2^n, capped, with jitter; also the wait between flushes during an outage. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  isRetryable?: (err: unknown) => boolean;
}

export interface SenderEvents {
  report(report: DeliveryReport): void;
  /** A flush ended with records still owed; `cause` is the last error or a per-record error summary. */
  failure(cause: Error, report: DeliveryReport): void;
}

export class FirehoseSender {
  /** Records read from the spool and not yet accepted, oldest first (at most one batch). */
  private head: SpoolEntry[] = [];
  private pendingSince: number | undefined;
  private outage = 0;
  private retryAt = 0;
  private stopped = false;
  /** Ends the wait for work early (new records, stop). */
  private wake: (() => void) | undefined;
  /** Ends a back-off early (stop only: new records must not cut a back-off short). */
  private cancelSleep: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly o: Required<SenderOptions>;

  constructor(
    private readonly spool: Spool,
    private readonly put: PutBatch,
    options: SenderOptions,
    private readonly events: SenderEvents,
  ) {
    this.o = {
      maxRecords: MAX_BATCH_RECORDS,
      maxBytes: MAX_BATCH_BYTES,
      attempts: 4,
      backoffBaseMs: 100,
      backoffMaxMs: 30_000,
      random: Math.random,
      isRetryable: defaultIsRetryable,
      ...options,
    };
    if (this.o.maxRecords > MAX_BATCH_RECORDS || this.o.maxBytes > MAX_BATCH_BYTES) {
      throw new Error(`a batch holds at most ${MAX_BATCH_RECORDS} records and ${MAX_BATCH_BYTES} bytes`);
    }
  }

  /** Records waiting: read but not accepted, plus unread in the spool. */
  get backlog(): number {
    return this.head.length + this.spool.unread;
  }

  start(): void {
    this.loop ??= this.run();
    if (this.spool.unread > 0) this.notify();
  }

  /** Tells the sender that records were appended to the spool. */
  notify(): void {
    this.pendingSince ??= Date.now();
    this.wake?.();
  }

  /** Stops after aborting any call in flight; unsent records stay in the spool. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    this.cancelSleep?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.waitForWork();
      if (this.stopped) break;
      try {
        await this.drainOnce();
      } catch (e) {
        // Disk trouble reading the spool must not end the loop (nor reject unhandled): back off, try again.
        this.failed(e instanceof Error ? e : new Error(String(e)), this.report(0, 0));
      }
    }
  }

  private async drainOnce(): Promise<void> {
    const fresh = await this.spool.read(
      this.o.maxRecords - this.head.length,
      this.o.maxBytes - this.head.reduce((sum, e) => sum + e.data.length, 0),
    );
    this.head.push(...fresh);
    if (this.spool.unread === 0) this.pendingSince = undefined;
    if (this.head.length === 0) {
      this.spool.ack(this.spool.readPosition); // all that was left had been delivered (before a redeploy)
      return;
    }
    const { report, cause } = await this.flush();
    this.acknowledge();
    if (this.stopped) return;
    if (cause) this.failed(cause, report);
    else this.outage = 0;
    this.events.report(report);
  }

  /** Acknowledges up to the oldest record still owed, and tells the spool which ones behind it were delivered. */
  private acknowledge(): void {
    const end = this.spool.readPosition;
    if (this.head.length === 0) return this.spool.ack(end);
    const owed = new Set(this.head.map((e) => e.seq));
    const delivered: number[] = [];
    for (let seq = this.head[0].seq + 1; seq < end; seq += 1) if (!owed.has(seq)) delivered.push(seq);
    this.spool.ack(this.head[0].seq, delivered);
  }

  private failed(cause: Error, report: DeliveryReport): void {
    this.outage += 1;
    this.retryAt = Date.now() + this.backoff(this.outage);
    this.events.failure(cause, report);
  }

  private report(sent: number, retried: number): DeliveryReport {
    return { sent, retried, failed: this.head.length, spooled: this.backlog };
  }

  /** One flush: send the head, then resend only what failed, a few times with back-off. */
  private async flush(): Promise<{ report: DeliveryReport; cause?: Error }> {
    let sent = 0;
    let retried = 0;
    let cause: Error | undefined;
    for (let attempt = 0; attempt < this.o.attempts && this.head.length > 0 && !this.stopped; attempt += 1) {
      if (attempt > 0) {
        await this.sleep(this.backoff(attempt));
        if (this.stopped) break;
        retried += this.head.length;
      }
      const batch = this.head;
      try {
        const outcome = await this.put(
          batch.map((e) => e.data),
          this.abort.signal,
        );
        const failed = new Set(outcome.failed);
        this.head = batch.filter((_, i) => failed.has(i));
        sent += batch.length - this.head.length;
        cause = this.head.length > 0 ? new Error(`${this.head.length} of ${batch.length} records failed: ${outcome.errorCode ?? 'unknown error'}`) : undefined;
      } catch (e) {
        cause = e instanceof Error ? e : new Error(String(e));
        if (this.stopped || !this.o.isRetryable(e)) break;
      }
    }
    return { report: this.report(sent, retried), cause: this.head.length > 0 ? cause : undefined };
  }

  private backoff(n: number): number {
    const ceiling = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.min(n - 1, 30));
    return ceiling / 2 + (this.o.random() * ceiling) / 2;
  }

  /** Milliseconds until the next flush is due (0: now, Infinity: nothing to send). */
  private dueIn(now: number): number {
    if (this.head.length > 0 || (this.outage > 0 && this.spool.unread > 0)) return this.retryAt - now;
    if (this.spool.unread === 0) return Infinity;
    if (this.spool.unread >= this.o.maxRecords || this.spool.unreadBytes >= this.o.maxBytes) return 0;
    return (this.pendingSince ?? now) + this.o.maxDelayMs - now;
  }

  private async waitForWork(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const delay = this.dueIn(Date.now());
      if (delay <= 0) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (delay !== Infinity) this.timer = setTimeout(resolve, delay);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.cancelSleep = resolve;
      this.timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(this.timer);
      this.cancelSleep = undefined;
    });
  }
}
