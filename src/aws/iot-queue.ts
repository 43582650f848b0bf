// QoS 1 publishes made while the broker is unreachable wait here and go out on reconnect. The queue is
// bounded so a long outage cannot exhaust memory on a Pi; when it is full the OLDEST entry is dropped
// (its sender is told), on the view that the newest sensor data and answers matter most.

export interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class OfflineQueue<T> {
  private entries: Array<Pending<T>> = [];

  constructor(readonly limit: number, private readonly onDrop: (dropped: T, limit: number) => void = () => {}) {
    if (!Number.isInteger(limit) || limit < 0) throw new Error('offline queue limit must be a whole number ≥ 0');
  }

  get length(): number {
    return this.entries.length;
  }

  /** Resolves when the item is sent (see drain), rejects when dropped or cleared. */
  push(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.limit === 0) {
        reject(new Error('not connected (offline queue disabled)'));
        return;
      }
      if (this.entries.length >= this.limit) {
        const oldest = this.entries.shift()!;
        this.onDrop(oldest.item, this.limit);
        oldest.reject(new Error(`not connected: dropped from the full offline queue (${this.limit} messages)`));
      }
      this.entries.push({ item, resolve, reject });
    });
  }

  /** Hands every waiting entry, oldest first, to `send`, and empties the queue. */
  drain(send: (entry: Pending<T>) => void): void {
    const entries = this.entries;
    this.entries = [];
    for (const entry of entries) send(entry);
  }

  clear(err: Error): void {
    this.drain((entry) => entry.reject(err));
  }
}
