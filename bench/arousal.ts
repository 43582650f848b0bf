// Watch mode on real recordings: every development person of Stress-Predict (test/data, S02-S12) replayed
// through the real emotion-arousal node (node-red-node-test-helper, the node's default settings), scored as
// the real-recordings research did: a window counts for a block when it lies inside it after its first 10 s,
// and "rising" is the answer "stress". Then the cost per record (core and node) and the memory per
// participant. Run: npx tsx bench/arousal.ts
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import type { NodeMessage } from 'node-red';
import { ArousalTracker, DEFAULT_SETTINGS, type ArousalAlert } from '../src/signal/arousal';
import { helper, stopCallSpies } from '../test/support/node-red';
import { replayPerson, scorePerson, secondsToState, type Comparison } from '../test/support/arousal-replay';
import { BLOCKS, stressPredictIds, stressPredictPerson, type Block, type RealPerson } from '../test/support/real-recordings';
import arousalNode = require('../nodes/arousal/arousal');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COMPARISONS: Record<string, Comparison> = {
  'interview vs rest2+rest3': { stress: ['interview'], rest: ['rest2', 'rest3'] },
  'stroop vs rest1': { stress: ['stroop'], rest: ['rest1'] },
  'hypervent vs rest3': { stress: ['hypervent'], rest: ['rest3'] },
  'all three vs the rests after them': { stress: ['stroop', 'interview', 'hypervent'], rest: ['rest1', 'rest2', 'rest3'] },
};

const pct = (v: number) => (v * 100).toFixed(1);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const secs = (v: number | undefined) => (v === undefined ? '-' : String(Math.round(v)));

async function loadNode(settings: Record<string, string> = {}): Promise<void> {
  await helper.load(arousalNode as never, [
    { id: 'arousal', type: 'emotion-arousal', wires: [['states'], ['alerts']], ...settings },
    { id: 'states', type: 'helper' },
    { id: 'alerts', type: 'helper' },
  ]);
  stopCallSpies();
}

/** Alerts raised within the blocks (by the end of the window that raised them). */
function inBlocks(person: RealPerson, blocks: Block[]) {
  return (a: ArousalAlert) => blocks.some((b) => a.timestamp / 1000 > person.blocks[b][0] && a.timestamp / 1000 <= person.blocks[b][1]);
}

async function accuracy(people: RealPerson[], settings: Record<string, string>, detail: boolean): Promise<number> {
  await loadNode(settings);
  const rows: { id: string; scores: number[]; toRising?: number; toCalm?: number; alerts: [number, number, number] }[] = [];
  const alertsPerBlock = new Map(BLOCKS.map((b) => [b, 0]));
  for (const person of people) {
    const { readings, alerts } = await replayPerson(person);
    for (const b of BLOCKS) alertsPerBlock.set(b, alertsPerBlock.get(b)! + alerts.filter(inBlocks(person, [b])).length);
    rows.push({
      id: person.id,
      scores: Object.values(COMPARISONS).map((c) => scorePerson(person, readings, c).balanced),
      toRising: secondsToState(person, readings, 'interview', true),
      toCalm: secondsToState(person, readings, 'rest2', false),
      alerts: [alerts.filter(inBlocks(person, ['interview'])).length, alerts.filter(inBlocks(person, ['rest2', 'rest3'])).length, alerts.length],
    });
  }
  await helper.unload();
  const main = rows.map((r) => r.scores[0]);
  if (detail) {
    const names = Object.keys(COMPARISONS);
    console.log(`| person | ${names.join(' | ')} | interview start -> rising (s) | rest2 start -> not rising (s) | alerts: interview / rest2+rest3 / session |`);
    console.log(`| --- | ${names.map(() => '---').join(' | ')} | --- | --- | --- |`);
    for (const r of rows) console.log(`| ${r.id} | ${r.scores.map(pct).join(' | ')} | ${secs(r.toRising)} | ${secs(r.toCalm)} | ${r.alerts.join(' / ')} |`);
    const column = (i: number) => rows.map((r) => r.scores[i]);
    const latencies = (k: 'toRising' | 'toCalm') => rows.flatMap((r) => (r[k] === undefined ? [] : [r[k]!]));
    console.log(
      `| mean ± sd | ${names.map((_, i) => `${pct(mean(column(i)))} ± ${pct(sd(column(i)))}`).join(' | ')} | median ${secs(median(latencies('toRising')))} | median ${secs(median(latencies('toCalm')))} | ${[0, 1, 2].map((i) => rows.reduce((a, r) => a + r.alerts[i], 0)).join(' / ')} |`,
    );
    console.log(`\nAlerts per block, all people: ${[...alertsPerBlock].map(([b, n]) => `${b} ${n}`).join(', ')}`);
  }
  return mean(main);
}

function costPerRecord(people: RealPerson[]): void {
  const records = people.flatMap((p) => p.seconds.map((s) => ({ participant: p.id, timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm })));
  const runs: number[] = [];
  for (let r = 0; r < 8; r++) {
    const tracker = new ArousalTracker(DEFAULT_SETTINGS);
    const t = performance.now();
    for (const record of records) tracker.add(record);
    if (r > 0) runs.push(((performance.now() - t) * 1000) / records.length); // run 0 warms the JIT up
  }
  console.log(`core (ArousalTracker.add), ${records.length} records: median ${median(runs).toFixed(2)} µs, best ${Math.min(...runs).toFixed(2)} µs per record`);
}

async function nodeCostPerRecord(people: RealPerson[]): Promise<void> {
  await loadNode();
  const node = helper.getNode('arousal');
  const runs: number[] = [];
  for (const [r, person] of people.entries()) {
    const t = performance.now();
    for (const s of person.seconds) node.receive({ payload: { participant: `${person.id}-${r}`, timestamp: s.t * 1000, gsr: s.gsr, bpm: s.bpm } } as NodeMessage);
    runs.push(((performance.now() - t) * 1000) / person.seconds.length);
  }
  await helper.unload();
  console.log(`node (receive -> handler -> send queued), per person: median ${median(runs).toFixed(2)} µs, best ${Math.min(...runs).toFixed(2)} µs per record`);
}

/** Heap and typed-array bytes per participant, 100 of them at one record a second, after 10 and 60 minutes. */
function memoryPerParticipant(): void {
  const participants = 100;
  const t0 = Date.UTC(2026, 0, 1);
  gc();
  const before = process.memoryUsage();
  const tracker = new ArousalTracker(DEFAULT_SETTINGS);
  const perParticipant = (fromSecond: number, toSecond: number) => {
    for (let s = fromSecond; s < toSecond; s++) {
      for (let p = 0; p < participants; p++) tracker.add({ participant: `p${p}`, timestamp: t0 + s * 1000, gsr: 5 + Math.sin(s / 30 + p) });
    }
    gc();
    const now = process.memoryUsage();
    return ((now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers) / participants / 1024).toFixed(1);
  };
  const tenMinutes = perParticipant(0, 600);
  const hour = perParticipant(600, 3600);
  if (tracker.participants !== participants) throw new Error('participants lost');
  const ring = DEFAULT_SETTINGS.windowSeconds + DEFAULT_SETTINGS.historySeconds + 1;
  console.log(
    `memory per participant (heap + typed arrays, ${participants} participants): ${tenMinutes} KiB after 10 min, ${hour} KiB after 60 min ` +
      `(the ring alone: ${ring} one-second buckets x 20 bytes = ${((ring * 20) / 1024).toFixed(1)} KiB)`,
  );
}

async function main(): Promise<void> {
  const people = stressPredictIds().map(stressPredictPerson);
  await helper.startServer();
  console.log(`Development people: ${people.map((p) => p.id).join(', ')} (defaults: window 30 s every 10 s, history 5 min, start z 0.2, hold z 0)\n`);
  await accuracy(people, {}, true);
  console.log('\nSensitivity of the interview score to the start threshold (not used to choose it; hold z 0):');
  for (const enterZ of ['0', '0.2', '0.5', '1']) console.log(`  start z ${enterZ.padEnd(4)} ${pct(await accuracy(people, { enterZ }, false))} %`);
  console.log('');
  costPerRecord(people);
  await nodeCostPerRecord(people);
  memoryPerParticipant();
  await helper.stopServer();
}

void main();
