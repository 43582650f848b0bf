// The cost of a detection window's features (src/signal/window-features.ts: means, slope, phasic
// activity, skin responses, RMSSD/SDNN): what emotion-infer adds when a window closes, and what the
// trainer pays per window. Windows of 10, 30 and 60 one-second records cut from the real Stress-Predict
// sessions, each record with its beat intervals. Run: npx tsx bench/window-features.ts
import { performance } from 'node:perf_hooks';
import { windowFeatures, WINDOW_CHOICES, type WindowRecord } from '../src/signal/window-features';
import { stressPredictIbi, stressPredictIds, stressPredictPerson } from '../test/support/real-recordings';

const ROUNDS = 20_000;

/** A person's seconds as sensor-record's records, each with the E4's beat intervals of that second. */
function records(id: string): WindowRecord[] {
  const ibis = stressPredictIbi(id);
  let j = 0;
  return stressPredictPerson(id).seconds.map((s) => {
    const ibiMs: number[] = [];
    while (j < ibis.length && ibis[j].t < s.t) j++;
    for (let k = j; k < ibis.length && ibis[k].t < s.t + 1; k++) ibiMs.push(ibis[k].ibi * 1000);
    return { timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm, ibiMs };
  });
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const all = stressPredictIds().flatMap(records);
// warm-up: let the JIT compile the features before anything is timed
for (let i = 0; i < 2000; i++) windowFeatures(all.slice(i, i + 60), 60);
console.log(`window features: ${ROUNDS} windows per length from ${all.length} real records (Stress-Predict, with beat intervals)\n`);
console.log('| window | mean | p50 | p99 | max |');
console.log('| --- | --- | --- | --- | --- |');
for (const seconds of WINDOW_CHOICES) {
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const from = (i * 7919) % (all.length - seconds);
    const window = all.slice(from, from + seconds);
    const t0 = performance.now();
    const f = windowFeatures(window, seconds);
    times.push(performance.now() - t0);
    sink += f.scrCount ?? 0;
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const f = (v: number) => `${(v * 1000).toFixed(1)} µs`;
  console.log(`| ${seconds} s | ${f(mean)} | ${f(pct(times, 50))} | ${f(pct(times, 99))} | ${f(Math.max(...times))} |${sink < 0 ? ' ' : ''}`);
}
