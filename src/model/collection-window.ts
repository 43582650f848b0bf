import { performance } from 'node:perf_hooks';
import { WindowAverage } from './window-average';

export interface ClosedWindow {
  average: WindowAverage;
  /** performance.now() when the window closed: latency is measured from here */
  closedAt: number;
  durationMs: number;
}

/** Why a window ended without an answer: a stop, a new window opened over it, the node closing. */
export type Cancelled = { cancelled: 'stopped' | 'restarted' };

/**
 * One collection window at a time: `open()` resolves when the window closes, with the mean of what
 * arrived, or with why it was cancelled (stop or the node closing: "stopped"; a new window: "restarted",
 * the earlier window's records are dropped).
 */
export class CollectionWindow {
  private current?: {
    average: WindowAverage;
    resolve: (w: ClosedWindow | Cancelled) => void;
    timer: NodeJS.Timeout;
    ticker: NodeJS.Timeout;
  };

  /** @param onTick called with the whole seconds left, whenever that number changes */
  constructor(
    private readonly durationMs: number,
    private readonly onTick: (secondsLeft: number) => void,
  ) {}

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** @param durationMs this window's length (a model trained on its own window asks for that one) */
  open(durationMs = this.durationMs): Promise<ClosedWindow | Cancelled> {
    this.cancel('restarted');
    return new Promise((resolve) => {
      const deadline = performance.now() + durationMs;
      let shown = Math.ceil(durationMs / 1000);
      this.onTick(shown);
      const ticker = setInterval(() => {
        const left = Math.max(1, Math.ceil((deadline - performance.now()) / 1000));
        if (left !== shown) this.onTick((shown = left));
      }, 200);
      const timer = setTimeout(() => {
        const closedAt = performance.now();
        const { average } = this.finish()!;
        resolve({ average, closedAt, durationMs });
      }, durationMs);
      this.current = { average: new WindowAverage(), resolve, timer, ticker };
    });
  }

  /** Adds a record to the open window; false when no window is open. */
  add(payload: unknown): boolean {
    if (!this.current) return false;
    this.current.average.add(payload);
    return true;
  }

  cancel(why: Cancelled['cancelled'] = 'stopped'): void {
    this.finish()?.resolve({ cancelled: why });
  }

  private finish() {
    const current = this.current;
    if (!current) return undefined;
    clearTimeout(current.timer);
    clearInterval(current.ticker);
    this.current = undefined;
    return current;
  }
}
