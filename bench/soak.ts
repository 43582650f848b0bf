// Accelerated soak: hours of use of one Pi (recording, training and detecting) compressed into minutes,
// in one Node-RED runtime with the real record-store, emotion-train and emotion-infer nodes. Each
// simulated hour: a participant's records are deleted and recorded again (1,800 records, 30 min at one
// per second), the model is trained 6 times, and 360 detections run (one every 10 s, 10 records a
// window). After each hour the heap is collected and heap and RSS are sampled: a leak grows hour after
// hour, a plateau does not. Run: npx tsx bench/soak.ts [hours] (default 24)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Node, NodeMessage } from 'node-red';
import { helper } from '../test/support/node-red';
import recordStoreNode = require('../nodes/record-store/record-store');
import trainNode = require('../nodes/emotion-train/emotion-train');
import inferNode = require('../nodes/emotion-infer/emotion-infer');

const HOURS = Number(process.argv[2] ?? 24);
const PARTICIPANTS = ['ana', 'ben', 'cleo'];
const MOODS: Record<string, [number, number]> = { angry: [9, 95], happy: [6, 80], sad: [4, 70] };
const RECORDS_PER_MOOD = 600;
const TRAININGS = 6;
const DETECTIONS = 360;
const WINDOW_RECORDS = 10;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
let clock = Date.UTC(2026, 0, 1);

function record(participant: string, mood: string | undefined, i: number) {
  const [gsr, bpm] = MOODS[mood ?? 'happy'];
  return {
    participant, timestamp: (clock += 1000), gsr: gsr + Math.sin(i * 12.9898) * 1.5, bpm: bpm + 4 * Math.cos(i * 78.233),
    session: `${mood ?? 'live'}-${Math.floor(i / 300)}`, ...(mood ? { mood } : {}),
  };
}

/**
 * Sends a msg and waits for what the node passes on (or the error a Catch node gets). One listener per
 * helper node for the whole run: an input listener added with once() is not removed by off() (Node-RED's
 * removeListener does not see through once()'s wrapper), so a listener per request grew the heap.
 */
let pending: { resolve(m: NodeMessage): void; reject(e: Error): void } | undefined;
function listen(): void {
  for (const id of ['stored', 'trained', 'answered']) helper.getNode(id).on('input', (m: NodeMessage) => pending?.resolve(m));
  helper.getNode('caught').on('input', (m: NodeMessage & { error?: { message: string } }) => pending?.reject(new Error(m.error?.message)));
}
function ask(id: string, msg: Record<string, unknown>): Promise<NodeMessage> {
  return new Promise((resolve, reject) => {
    pending = { resolve, reject };
    (helper.getNode(id) as Node & { receive(m: object): void }).receive(msg);
  });
}

async function simulatedHour(hour: number): Promise<void> {
  const participant = PARTICIPANTS[hour % PARTICIPANTS.length];
  await ask('store', { action: 'delete', participant, confirm: true });
  for (const mood of Object.keys(MOODS)) {
    for (let i = 0; i < RECORDS_PER_MOOD; i += 10) {
      await ask('store', { payload: Array.from({ length: 10 }, (_, k) => record(participant, mood, i + k)) });
    }
  }
  for (let t = 0; t < TRAININGS; t++) await ask('train', { participant });
  for (let d = 0; d < DETECTIONS; d++) {
    const answer = ask('infer', { payload: 'start', participant });
    for (let r = 0; r < WINDOW_RECORDS; r++) {
      (helper.getNode('infer') as Node & { receive(m: object): void }).receive({ payload: record(participant, undefined, d * WINDOW_RECORDS + r) });
    }
    await answer;
  }
}

function sample(): { heap: number; rss: number; external: number } {
  // The test helper spies (sinon) on every node's send, status, log...: forget those calls, they are
  // the harness's memory, not Node-RED's.
  (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / MB, rss: m.rss / MB, external: m.external / MB };
}

/** Least-squares slope, per hour. */
function slope(ys: number[]): number {
  const n = ys.length;
  const xm = (n - 1) / 2;
  const ym = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - xm) * (y - ym);
    den += (x - xm) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-soak-'));
  helper.settings({ userDir: dir, logging: { console: { level: 'off', metrics: false, audit: false } } });
  await helper.startServer();
  const flow: Array<Record<string, unknown>> = [
    { id: 'tab', type: 'tab' },
    { id: 'store', z: 'tab', type: 'emotion-record-store', labels: '', wires: [['stored']] },
    { id: 'train', z: 'tab', type: 'emotion-train', participant: '', labels: '', warmupSeconds: '', testFraction: '', seed: '', l2: '', smote: 'auto', maxIterations: '', wires: [['trained']] },
    { id: 'infer', z: 'tab', type: 'emotion-infer', mode: 'window', windowSeconds: '0.05', participant: '', labels: '', threshold: '', backend: 'local', wires: [['answered']] },
    { id: 'stored', z: 'tab', type: 'helper' },
    { id: 'trained', z: 'tab', type: 'helper' },
    { id: 'answered', z: 'tab', type: 'helper' },
    { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'tab', type: 'helper' },
  ];
  await helper.load([recordStoreNode, trainNode, inferNode], flow as Parameters<typeof helper.load>[1]);
  listen();
  console.log(`soak: ${HOURS} simulated hours, each ${RECORDS_PER_MOOD * 3} records stored, ${TRAININGS} trainings, ${DETECTIONS} detections (Node ${process.version})`);
  const start = sample();
  console.log(`start: heap ${start.heap.toFixed(1)} MB, RSS ${start.rss.toFixed(1)} MB`);
  console.log('sim hour | wall s | heap after GC MB | RSS MB | external MB');
  const heaps: number[] = [];
  const rsss: number[] = [];
  const began = Date.now();
  for (let hour = 1; hour <= HOURS; hour++) {
    await simulatedHour(hour);
    const s = sample();
    heaps.push(s.heap);
    rsss.push(s.rss);
    console.log(`${String(hour).padStart(8)} | ${((Date.now() - began) / 1000).toFixed(0).padStart(6)} | ${s.heap.toFixed(2).padStart(16)} | ${s.rss.toFixed(1).padStart(6)} | ${s.external.toFixed(2).padStart(11)}`);
  }
  const half = Math.floor(HOURS / 2);
  const secondHalf = heaps.slice(half);
  console.log(
    `heap after GC, second half: slope ${(slope(secondHalf) * 1024).toFixed(1)} KB per simulated hour, ` +
      `range ${Math.min(...secondHalf).toFixed(2)}–${Math.max(...secondHalf).toFixed(2)} MB; ` +
      `RSS second half: slope ${(slope(rsss.slice(half)) * 1024).toFixed(0)} KB/hour, range ${Math.min(...rsss.slice(half)).toFixed(1)}–${Math.max(...rsss.slice(half)).toFixed(1)} MB`,
  );
  await helper.unload();
  await helper.stopServer();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
