// The sensor side: how fast the simulated hat generates data offline (the demo seeds a model this way),
// what the two reader nodes cost at their defaults in a real Node-RED runtime (CPU, and how late a pulse
// batch leaves after its last sample was due), and the JS overhead of the I2C read queue on a fake bus.
// Run: npx tsx bench/sensors.ts
import { helper } from '../test/support/node-red';
import { FakeI2cBus } from '../test/support/fake-i2c-bus';
import { openI2cHat } from '../src/hat/i2c-hat';
import { SimulatedHat, type Stimulus } from '../src/hat/simulated-hat';
import hatNode = require('../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../nodes/grove-gsr/grove-gsr');
import earNode = require('../nodes/grove-ear-hr/grove-ear-hr');

const T0 = Date.UTC(2026, 0, 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

function offlineSession(): void {
  // Three 5-minute moods with 20 s of calm before each: pulse at 100 Hz, GSR at 5 Hz.
  const hat = new SimulatedHat({ seed: 1, participant: 'demo' });
  let t = T0;
  let samples = 0;
  let sink = 0;
  const start = performance.now();
  for (const mood of ['angry', 'happy', 'sad'] as Stimulus[]) {
    hat.setStimulus('calm', t);
    t += 20_000;
    hat.setStimulus(mood, t);
    for (let i = 0; i < 30_000; i++) {
      sink += hat.rawAt(4, t + i * 10);
      if (i % 20 === 0) sink += hat.rawAt(0, t + i * 10);
      samples += i % 20 === 0 ? 2 : 1;
    }
    t += 300_000;
  }
  const ms = performance.now() - start;
  console.log(`offline session (15 min of data, ${samples} samples): ${ms.toFixed(0)} ms, ${((samples / ms) * 1000).toFixed(0)} samples/s (checksum ${sink % 97})`);

  // A long demo history: 500 stimulus changes before the instant sampled.
  const long = new SimulatedHat({ seed: 1, participant: 'demo' });
  for (let k = 0; k < 500; k++) long.setStimulus((['calm', 'angry', 'happy', 'sad'] as Stimulus[])[k % 4], T0 + k * 60_000);
  const n = 20_000;
  const s2 = performance.now();
  for (let i = 0; i < n; i++) sink += long.rawAt(4, T0 + 500 * 60_000 + i * 10);
  console.log(`rawAt with 500 stimulus changes in the history: ${(((performance.now() - s2) / n) * 1000).toFixed(1)} µs per sample`);
}

async function readers(): Promise<void> {
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'hat', type: 'emotion-grove-base-hat', mode: 'simulated', seed: '1', participant: 'demo' },
    { id: 'gsr', type: 'emotion-grove-gsr', z: 'tab', hat: 'hat', interval: '200', wires: [['sink']] },
    { id: 'ear', type: 'emotion-grove-ear-hr', z: 'tab', hat: 'hat', rateHz: '100', batchMs: '1000', wires: [['sink']] },
    { id: 'sink', type: 'helper', z: 'tab' },
  ];
  await helper.load([hatNode, gsrNode, earNode] as never, flow);
  const late: number[] = [];
  let gsr = 0;
  helper.getNode('sink').on('input', (m: unknown) => {
    const msg = m as { topic: string; payload: { t0: number; rateHz: number; samples: number[] } };
    if (msg.topic === 'gsr') gsr++;
    else late.push(Date.now() - (msg.payload.t0 + ((msg.payload.samples.length - 1) * 1000) / msg.payload.rateHz));
  });
  await sleep(1500); // warm-up
  late.length = 0;
  gsr = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(20_000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  await helper.unload();
  console.log(
    'readers at defaults (GSR every 200 ms + ear clip 100 Hz / 1 s batches, simulated hat), 20 s: ' +
      `${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(2)} % of one core, ${gsr} GSR msgs, ${late.length} pulse batches`,
  );
  console.log(`pulse batch sent after its last sample was due: p50 ${pct(late, 0.5)} ms, p99 ${pct(late, 0.99)} ms, max ${Math.max(...late)} ms`);
}

async function i2cQueue(): Promise<void> {
  const bus = new FakeI2cBus();
  const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
  const n = 20_000;
  const start = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => hat.readRaw(i % 8)));
  const ms = performance.now() - start;
  console.log(`I2C read queue on the fake bus (JS overhead only; a real 100 kHz bus read takes ~0.5 ms): ${((ms / n) * 1000).toFixed(1)} µs per read`);
}

async function main(): Promise<void> {
  offlineSession();
  await i2cQueue();
  await readers();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
