/**
 * A minimum interval between notifications per participant, so a flapping answer cannot spam a
 * parent's phone. A slot is taken when a publish starts and given back if the publish fails, so a
 * failure does not silence the next attempt.
 */
export class MinInterval {
  private last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the slot for `key`, or says how long until the next one is free. */
  take(key: string): { ok: true; release: () => void } | { ok: false; retryInMs: number } {
    const t = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && t - previous < this.intervalMs) {
      return { ok: false, retryInMs: this.intervalMs - (t - previous) };
    }
    this.last.set(key, t);
    return {
      ok: true,
      release: () => {
        if (this.last.get(key) !== t) return;
        if (previous === undefined) this.last.delete(key);
        else this.last.set(key, previous);
      },
    };
  }
}
