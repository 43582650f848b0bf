// Time from the collection window closing to the answer msg leaving emotion-infer (arriving at the
// next node), p50/p99 over 1,000 windows, with the local model and with a SageMaker endpoint on a
// loopback peer; and per-record latency in "each" mode. Run: npx tsx bench/infer-node.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NodeMessage } from 'node-red';
import { helper } from '../test/support/node-red';
import { testModel, writeTestModel } from '../test/support/infer-model';
import { startSageMakerPeer } from '../test/support/sagemaker-peer';
import inferNode = require('../nodes/emotion-infer/emotion-infer');
import awsConfigNode = require('../nodes/aws-config/aws-config');

const WINDOWS = 1000;
const RECORDS = 10_000;
const WINDOW_MS = 50;

// Marks when the window timer fires: the moment "the window closes".
let closedAt = 0;
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
  realSetTimeout(
    (...a: unknown[]) => {
      if (ms === WINDOW_MS) closedAt = performance.now();
      fn(...a);
    },
    ms,
    ...args,
  )) as typeof setTimeout;

type Answer = NodeMessage & { emotion: { latencyMs: number; source: string } };

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function line(name: string, outside: number[], inside: number[]): void {
  const f = (v: number) => v.toFixed(3).padStart(7);
  console.log(
    `${name.padEnd(44)} n=${String(outside.length).padStart(5)}  to next node p50 ${f(pct(outside, 50))} p99 ${f(pct(outside, 99))} ms` +
      `  | msg.emotion.latencyMs p50 ${f(pct(inside, 50))} p99 ${f(pct(inside, 99))} ms`,
  );
}

function nextAnswer(): Promise<Answer> {
  return new Promise((resolve) => helper.getNode('out').once('input', resolve));
}

async function windows(name: string, expectSource: string): Promise<void> {
  const infer = helper.getNode('infer');
  const outside: number[] = [];
  const inside: number[] = [];
  for (let i = 0; i < WINDOWS + 20; i++) {
    const answer = nextAnswer();
    infer.receive({ payload: 'start' } as NodeMessage);
    infer.receive({ payload: { gsr: 4 + (i % 5), bpm: 70 + (i % 30) } } as NodeMessage);
    infer.receive({ payload: { gsr: 5, bpm: 80 } } as NodeMessage);
    const msg = await answer;
    const arrived = performance.now();
    if (msg.emotion.source !== expectSource) throw new Error(`unexpected source ${msg.emotion.source}`);
    if (i < 20) continue; // warm-up: JIT, sockets
    outside.push(arrived - closedAt);
    inside.push(msg.emotion.latencyMs);
  }
  line(name, outside, inside);
}

async function each(name: string, runs: number): Promise<void> {
  const infer = helper.getNode('infer');
  const outside: number[] = [];
  const inside: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    const answer = nextAnswer();
    const sent = performance.now();
    infer.receive({ payload: { gsr: 4 + (i % 5), bpm: 70 + (i % 30) } } as NodeMessage);
    const msg = await answer;
    if (i < 50) continue;
    outside.push(performance.now() - sent);
    inside.push(msg.emotion.latencyMs);
  }
  line(name, outside, inside);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-infer-'));
  helper.settings({ userDir: dir, logging: { console: { level: 'off', metrics: false, audit: false } } });
  writeTestModel(dir, testModel('alice'));
  const sm = await startSageMakerPeer();
  await helper.startServer();
  const flow = (cfg: Record<string, unknown>) => [
    { id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sm.peer.endpoint, maxAttempts: '1' },
    { id: 'infer', type: 'emotion-infer', mode: 'window', windowSeconds: String(WINDOW_MS / 1000), participant: 'alice', labels: '', threshold: '', backend: 'local', aws: 'awsconf', endpoint: 'emotion-ep', contentType: 'text/csv', timeoutMs: '2000', wires: [['out']], ...cfg },
    { id: 'out', type: 'helper' },
  ];
  const creds = { awsconf: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' } };
  console.log(`emotion-infer bench: ${WINDOW_MS} ms windows, Node ${process.version}, ${WINDOWS} windows / ${RECORDS} records per line after warm-up`);

  await helper.load([inferNode, awsConfigNode], flow({}), creds);
  await windows('window mode, local model', 'local');
  await helper.unload();
  await helper.load([inferNode, awsConfigNode], flow({ backend: 'sagemaker' }), creds);
  await windows('window mode, SageMaker (loopback peer)', 'sagemaker');
  await helper.unload();
  await helper.load([inferNode, awsConfigNode], flow({ mode: 'each' }), creds);
  await each('each mode, local model (record in -> answer)', RECORDS);
  await helper.unload();
  await helper.load([inferNode, awsConfigNode], flow({ mode: 'each', backend: 'sagemaker' }), creds);
  await each('each mode, SageMaker (loopback peer)', WINDOWS);
  await helper.unload();

  await helper.stopServer();
  await sm.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
