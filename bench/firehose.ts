// firehose-push throughput to the loopback Firehose peer (real SDK client, real spool with fsync), and
// replay of a 100,000-record backlog after a restart. Run: npx tsx bench/firehose.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'node-red';
import { helper, stopCallSpies } from '../test/support/node-red';
import { FirehosePeer } from '../test/support/firehose-peer';
import awsConfigNode = require('../nodes/aws-config/aws-config');
import firehosePushNode = require('../nodes/firehose-push/firehose-push');

const N = 100_000;
const rec = (i: number) => ({ participant: 'ada', timestamp: 1_764_000_000_000 + i * 100, gsr: 3.142, bpm: 71.5, mood: 'happy', session: 's1' });

async function until(cond: () => boolean, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function load(peer: FirehosePeer): Promise<Node> {
  const flow = [
    { id: 'aws', type: 'emotion-aws-config', region: 'us-east-1', endpoint: peer.endpoint, maxAttempts: '1' },
    { id: 'push', type: 'emotion-firehose-push', aws: 'aws', stream: 'bench', batchSize: '500', maxDelay: '50', spoolMb: '200', retryMax: '200', wires: [[]] },
  ];
  await helper.load([awsConfigNode, firehosePushNode], flow, { aws: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' } });
  stopCallSpies();
  const push = helper.getNode('push');
  const status = push.status.bind(push);
  push.status = (s: { text?: string }) => {
    lastStatus = String(s.text ?? '');
    status(s);
  };
  return push;
}

/** The node's latest status text, e.g. "offline: 100000 spooled". */
let lastStatus = '';

async function throughput(label: string, perMsg: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firehose-bench-'));
  helper.settings({ userDir: dir });
  const peer = await FirehosePeer.start();
  const push = await load(peer);
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i += perMsg) {
    push.receive({ payload: perMsg === 1 ? rec(i) : Array.from({ length: perMsg }, (_, k) => rec(i + k)) });
    if (i % 2000 === 0) await new Promise((r) => setImmediate(r)); // let the runtime deliver, as a live flow would
  }
  await until(() => peer.accepted.length >= N);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${N} records in ${seconds.toFixed(2)} s = ${Math.round(N / seconds)} records/s (${peer.calls.length} PutRecordBatch calls)`);
  await helper.unload();
  await peer.peer.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function replay(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firehose-bench-'));
  helper.settings({ userDir: dir });
  const peer = await FirehosePeer.start();
  await peer.peer.stop();
  const push = await load(peer);
  for (let i = 0; i < N; i += 100) push.receive({ payload: Array.from({ length: 100 }, (_, k) => rec(i + k)) });
  await until(() => Number(/(\d+) spooled/.exec(lastStatus)?.[1] ?? 0) >= N);
  await helper.unload();
  await peer.peer.restart();
  const start = process.hrtime.bigint();
  await load(peer); // replays the spool on start
  await until(() => peer.accepted.length >= N);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`replay after restart: ${N} spooled records in ${seconds.toFixed(2)} s = ${Math.round(N / seconds)} records/s`);
  await helper.unload();
  await peer.peer.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  await helper.startServer();
  console.log(`node ${process.version}, ${N} records of ~${JSON.stringify(rec(0)).length + 1} bytes`);
  await throughput('firehose-push, one record per msg', 1);
  await throughput('firehose-push, 100 records per msg', 100);
  await replay();
  await helper.stopServer();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
