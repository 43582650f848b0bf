// How long the flows' event loop waits while emotion-train trains 11,000 rows (the published data set's size)
// in its worker thread: the largest and mean event-loop delay over the whole training, five runs.
// Run: npx tsx bench/train-worker.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { trainInWorker } from '../src/model/train-in-worker';
import { RecordStore } from '../src/record/record-store';
import { publishedLikeRecords } from '../test/reference/published-like';

const RUNS = 5;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-train-worker-'));
  try {
    await new RecordStore(dir).append(publishedLikeRecords(11_000).map((r) => ({ ...r, participant: 'Big' })));
    console.log(`train in a worker: 11,000 rows; event-loop delay of the main thread; Node ${process.version}`);
    for (let run = 1; run <= RUNS; run++) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const start = performance.now();
      delay.enable();
      await trainInWorker(dir, { participant: 'Big' });
      delay.disable();
      const ms = (ns: number) => (ns / 1e6).toFixed(1);
      console.log(`run ${run}: training ${(performance.now() - start).toFixed(0)} ms, delay max ${ms(delay.max)} ms, mean ${ms(delay.mean)} ms, p99 ${ms(delay.percentile(99))} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
