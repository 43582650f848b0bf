// The local record store and the emotion-train path on the published data size (11,000 rows):
// appends with an fsync per call (one record per tick, and in batches), reading, counting, CSV export,
// and what the emotion-train node does per request (read + train + atomic save). Run: npx tsx bench/record-store.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '../src/model/model-store';
import { trainModel } from '../src/model/train';
import { RecordStore } from '../src/record/record-store';
import { publishedLikeRecords } from '../test/reference/published-like';

const ROWS = 11_000;
const SINGLE = 1_000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-record-store-'));
  try {
    const store = new RecordStore(dir);
    const records = publishedLikeRecords(ROWS).map((r) => ({ ...r, participant: 'bench' }));

    // One record per call, as record-store gets them from sensor-record at one per tick.
    const [, singleMs] = await timed(async () => {
      for (const r of records.slice(0, SINGLE)) await store.append([r]);
    });
    const [, batchMs] = await timed(async () => {
      for (let i = SINGLE; i < ROWS; i += 100) await store.append(records.slice(i, i + 100));
    });
    const [read, readMs] = await timed(() => store.read('bench'));
    const [, countMs] = await timed(() => store.counts('bench'));
    const [{ csv }, csvMs] = await timed(() => store.exportCsv('bench'));
    const [, trainMs] = await timed(async () => {
      const rows = await store.read('bench');
      saveModel(dir, trainModel(rows, { participant: 'bench' }));
    });

    console.log(`rows stored and read back: ${read.length}`);
    console.log(`append, 1 record per call (fsync each): ${(singleMs / SINGLE).toFixed(2)} ms per record (${Math.round((SINGLE * 1000) / singleMs)} records/s)`);
    console.log(`append, 100 records per call: ${(batchMs / ((ROWS - SINGLE) / 100)).toFixed(2)} ms per call (${Math.round(((ROWS - SINGLE) * 1000) / batchMs)} records/s)`);
    console.log(`read ${ROWS} records: ${readMs.toFixed(1)} ms`);
    console.log(`counts per mood: ${countMs.toFixed(1)} ms`);
    console.log(`export CSV (${(csv.length / 1024).toFixed(0)} KiB): ${csvMs.toFixed(1)} ms`);
    console.log(`emotion-train work per request (read + trainModel defaults + atomic save): ${trainMs.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
