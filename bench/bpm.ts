// Throughput of beat detection: samples per second through BeatDetector on one core (goal ≥ 5 million/s),
// for the ear-clip pulse and a noisy PPG, batch and sample by sample; then through the pulse-bpm node in a
// real Node-RED runtime (test helper), fed one-second 100 Hz batches as grove-ear-hr sends them.
// Also prints the validation figures on the real recordings. Run: npx tsx bench/bpm.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NodeMessage } from 'node-red';
import { BeatDetector } from '../src/signal/beat-detector';
import { matchBeats, meanAbsoluteError, windowErrors } from '../src/signal/beat-scoring';
import { syntheticPulse } from '../src/signal/synthetic-pulse';
import { helper } from '../test/support/node-red';
import pulseBpmNode = require('../nodes/bpm/pulse-bpm');

const SECONDS = 20 * 60; // each signal is 20 minutes long
const RUNS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const mega = (perS: number) => `${(perS / 1e6).toFixed(1)} million samples/s`;

function detector(name: string, samples: number[], rateHz: number): void {
  const batchRuns: number[] = [];
  const sampleRuns: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    let t = performance.now();
    new BeatDetector().processBatch({ t0: 0, rateHz, samples });
    const batch = performance.now() - t;
    const det = new BeatDetector();
    const step = 1000 / rateHz;
    t = performance.now();
    for (let i = 0; i < samples.length; i++) det.processSample(i * step, samples[i]);
    const single = performance.now() - t;
    if (r === 0) continue; // warm-up: JIT
    batchRuns.push(samples.length / (batch / 1000));
    sampleRuns.push(samples.length / (single / 1000));
  }
  console.log(`detector, ${name.padEnd(34)} processBatch ${mega(median(batchRuns))}, processSample ${mega(median(sampleRuns))}`);
}

async function node(): Promise<void> {
  const flow = [
    { id: 'b', type: 'pulse-bpm', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
  await helper.load(pulseBpmNode, flow);
  const bpm = helper.getNode('b');
  const out = helper.getNode('out');
  const { samples } = syntheticPulse({ bpm: 72, durationS: 600, noise: 12 });
  let received = 0;
  out.on('input', () => received++);
  const batches = samples.length / 100;
  const send = (offsetMs: number) => {
    for (let s = 0; s < batches; s++) {
      bpm.receive({ topic: 'pulse', payload: { t0: offsetMs + s * 1000, rateHz: 100, samples: samples.slice(s * 100, s * 100 + 100) } } as NodeMessage);
    }
  };
  const drained = (n: number) => new Promise<void>((resolve) => {
    const check = () => (received >= n ? resolve() : setImmediate(check));
    check();
  });
  send(0); // warm-up
  await drained(batches - 1);
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) {
    received = 0;
    const t = performance.now();
    send((r + 1) * 1_000_000);
    await drained(batches);
    rates.push(samples.length / ((performance.now() - t) / 1000));
  }
  console.log(`pulse-bpm node in Node-RED, 1 s batches of 100 samples: ${mega(median(rates))} (${(median(rates) / 100).toFixed(0)} batches/s, one msg out per batch)`);
  await helper.unload();
}

function validation(): void {
  const dir = path.join(__dirname, '../test/data/heart');
  if (!fs.existsSync(dir)) return console.log(`(no recordings at ${dir}: validation figures skipped)`);
  const column = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map(Number);
  const x = column('ecg-118e24-360hz.csv');
  const reference = column('ecg-118e24-360hz.rpeaks.csv').map((i) => (i * 1000) / 360);
  const det = new BeatDetector({ minAmplitude: 0.1, saturationLevel: null });
  const beats: number[] = [];
  const readings: Array<[number, number | null]> = [];
  x.forEach((v, i) => {
    const b = det.processSample((i * 1000) / 360, v);
    if (b) beats.push(b.tMs);
    if (i % 360 === 0) readings.push([(i * 1000) / 360, det.current().bpm]);
  });
  const score = matchBeats(beats, reference, 150, 1000, 119_700);
  const fromBeats = meanAbsoluteError(windowErrors(reference, beats, 0, 120_000, 10_000));
  const reading = (end: number) => [...readings].reverse().find(([t]) => t <= end)?.[1] ?? null;
  const fromReading = meanAbsoluteError(windowErrors(reference, reading, 0, 120_000, 10_000));
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  console.log(
    `MIT-BIH 118e24: sensitivity ${pct(score.sensitivity)}, precision ${pct(score.precision)} (${score.missed} missed, ${score.extra} extra of ${score.matched + score.missed}); ` +
      `BPM MAE per 10 s window ${fromBeats.toFixed(2)} (beats) / ${fromReading.toFixed(2)} (reading at window end)`,
  );
}

async function main(): Promise<void> {
  const rateHz = 100;
  detector('ear-clip pulse 72 BPM, 100 Hz', syntheticPulse({ bpm: 72, durationS: SECONDS, rateHz, noise: 12 }).samples, rateHz);
  detector('noisy PPG with wander, 100 Hz', syntheticPulse({ shape: 'ppg', amplitude: 300, offset: 2000, noise: 30, wander: { amplitude: 200, hz: 0.25 }, durationS: SECONDS, rateHz }).samples, rateHz);
  detector('ear-clip pulse 72 BPM, 500 Hz', syntheticPulse({ bpm: 72, durationS: SECONDS / 5, rateHz: 500, noise: 12 }).samples, 500);
  await node();
  validation();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
