import assert from 'node:assert/strict';
import { helper } from '../support/node-red';
import { loadReader, withFakeI2cBus } from '../support/grove-reader';
import { sleep, until } from '../support/probes';
import type { HatConfigNode } from '../../nodes/grove-base-hat/reader';
import type { SimulatedHat } from '../../src/hat/simulated-hat';
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');

type Batch = { t0: number; rateHz: number; samples: number[] };
const load = (props: Record<string, unknown>, hat?: Record<string, unknown>) => loadReader(earNode, 'emotion-grove-ear-hr', props, hat);
const batches = (out: Array<{ payload?: unknown }>) => out.map((m) => m.payload as Batch);

describe('grove-ear-hr node', () => {
  afterEach(() => helper.unload());

  it('emits batches of samples, each sample the reading due at t0 + i·1000/rateHz, with no drift between batches', async () => {
    const t = await load({ rateHz: '100', batchMs: '100' });
    await until(() => t.out.length >= 6, 3000, '6 batches');
    assert.equal(t.out[0].topic, 'pulse');
    assert.equal(t.out[0].simulated, true);
    const hat = (await (t.hatNode as HatConfigNode).hat()) as SimulatedHat;
    const bs = batches(t.out);
    for (const [n, b] of bs.entries()) {
      assert.equal(b.rateHz, 100);
      assert.equal(b.samples.length, 10);
      assert.deepEqual(b.samples, b.samples.map((_, i) => hat.rawAt(4, b.t0 + i * 10)));
      if (n > 0) assert.equal(b.t0, bs[n - 1].t0 + 100);
    }
    assert.ok(Math.abs(bs[0].t0 - Date.now()) < 3000);
    assert.deepEqual(t.last(), { fill: 'blue', shape: 'dot', text: 'sampling (simulated)' });
  });

  it('sees heartbeats on the simulated hat: high readings within a couple of seconds', async () => {
    const t = await load({ rateHz: '100', batchMs: '250' });
    await until(() => batches(t.out).some((b) => b.samples.some((v) => v > 3900)), 4000, 'a beat');
    assert.ok(batches(t.out).every((b) => b.samples.every((v) => Number.isInteger(v) && v >= 0 && v <= 4095)));
  });

  it('starts and stops on msg.payload; stopped sends nothing', async () => {
    const t = await load({ rateHz: '100', batchMs: '50', startOnDeploy: false });
    await sleep(120);
    assert.equal(t.out.length, 0);
    assert.deepEqual(t.last(), { fill: 'grey', shape: 'ring', text: 'stopped' });
    t.reader.receive({ payload: 'start' });
    await until(() => t.out.length >= 2, 2000, 'batches after start');
    t.reader.receive({ payload: 'stop' });
    await sleep(10);
    const n = t.out.length;
    await sleep(120);
    assert.equal(t.out.length, n);
  });

  it('msg.stimulus sets the simulated stimulus; other messages are a clear, catchable error', async () => {
    const t = await load({ startOnDeploy: false });
    t.reader.receive({ stimulus: 'sad' } as never);
    await sleep(20);
    assert.equal(((await (t.hatNode as HatConfigNode).hat()) as SimulatedHat).stimulus, 'sad');
    t.reader.receive({ payload: 42 });
    await until(() => t.errors.length === 1, 2000, 'caught error');
    assert.match((t.errors[0].error as Error).message, /grove-ear-hr takes msg.payload "start" or "stop", or msg.stimulus/);
    assert.equal(t.last()?.fill, 'red');
  });

  it('sends nothing after it is closed', async () => {
    const t = await load({ rateHz: '100', batchMs: '50' });
    await until(() => t.out.length >= 1, 2000, 'a batch');
    await helper.unload();
    const n = t.out.length;
    await sleep(150);
    assert.equal(t.out.length, n);
  });

  it('bad config gives a clear error and a red status', async () => {
    const t = await load({ rateHz: '20' });
    assert.equal(t.last()?.fill, 'red');
    t.reader.receive({ payload: 'start' });
    await until(() => t.errors.length === 1, 2000, 'caught error');
    assert.match((t.errors[0].error as Error).message, /sample rate \(Hz\) must be at least 25/);
  });

  describe('on a (fake) I2C hat', () => {
    const bus = withFakeI2cBus();

    it('reads channel 4, is not marked simulated, and a failed read leaves a gap, not a shifted timeline', async () => {
      bus().raw[4] = 4000;
      const t = await load({ rateHz: '100', batchMs: '50' }, { mode: 'i2c', bus: '1', address: '0x08' });
      // The fake hat answers at 0x04 only: 0x08 is a missing device.
      await until(() => t.errors.length === 1, 2000, 'caught error');
      assert.match((t.errors[0].error as Error).message, /no Grove Base Hat answers at 0x08/);
      await helper.unload();

      const u = await load({ rateHz: '100', batchMs: '50' }, { mode: 'i2c', bus: '1', address: '0x04' });
      await until(() => u.out.length >= 2, 2000, 'batches');
      assert.deepEqual([...new Set(bus().transfers.slice(1).map((x) => x.register))], [0x00, 0x14]);
      assert.equal(u.out[0].simulated, undefined);
      assert.deepEqual(batches(u.out)[0].samples, Array(5).fill(4000));
      bus().failures = 1;
      const before = u.out.length;
      await until(() => u.out.length >= before + 2, 2000, 'batches after the failure');
      const bs = batches(u.out);
      const steps = bs.slice(1).map((b, i) => b.t0 - bs[i].t0);
      assert.ok(steps.every((s) => s >= 50 && (s - 50) % 10 === 0), `t0 steps ${steps}`);
      assert.ok(steps.some((s) => s > 50), `the batch with the failed sample was dropped: ${steps}`);
      assert.equal(u.errors.length, 1);
      assert.match((u.errors[0].error as Error).message, /EIO/);
    });
  });
});
