import assert from 'node:assert/strict';
import { helper } from '../support/node-red';
import { loadReader, withFakeI2cBus } from '../support/grove-reader';
import { sleep, until } from '../support/probes';
import { useLanguage } from '../support/node-messages';
import type { HatConfigNode } from '../../nodes/grove-base-hat/reader';
import { SETTLE_MS, type SimulatedHat } from '../../src/hat/simulated-hat';
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');

const load = (props: Record<string, unknown>, hat?: Record<string, unknown>) => loadReader(gsrNode, 'emotion-grove-gsr', props, hat);

describe('grove-gsr node', () => {
  afterEach(() => helper.unload());

  it('samples at the interval and emits µS with raw, mV, resistance, a timestamp and simulated: true', async () => {
    const t = await load({ interval: '20' });
    await until(() => t.out.length >= 3, 2000, '3 readings');
    const msg = t.out[0];
    assert.equal(msg.topic, 'gsr');
    const gsr = msg.gsr as Record<string, number>;
    assert.deepEqual(Object.keys(gsr).sort(), ['conductanceUS', 'millivolts', 'raw', 'resistanceOhm']);
    assert.equal(msg.payload, gsr.conductanceUS);
    assert.ok(gsr.raw > 0 && gsr.raw < 2048);
    assert.ok(Math.abs(gsr.resistanceOhm * gsr.conductanceUS - 1e6) < 1e-3);
    assert.ok(Math.abs((msg.timestamp as number) - Date.now()) < 2000);
    assert.equal(msg.simulated, true);
    assert.deepEqual(t.last(), { fill: 'blue', shape: 'dot', text: 'sampling (simulated)' });
  });

  it('speaks the runtime language: status and errors in German when Node-RED runs with lang "de"', async () => {
    await useLanguage('de');
    try {
      const t = await load({ interval: '20' });
      await until(() => t.out.length >= 1, 2000, 'a reading');
      assert.deepEqual(t.last(), { fill: 'blue', shape: 'dot', text: 'misst (simuliert)' });
      t.reader.receive({ stimulus: 'bored' } as never);
      await until(() => t.errors.length === 1, 2000, 'caught error');
      assert.match((t.errors[0].error as Error).message, /unbekannter msg.stimulus "bored": erlaubt sind calm, angry/);
    } finally {
      await useLanguage('en-US');
    }
  });

  it('starts and stops on msg.payload, and shows stopped', async () => {
    const t = await load({ interval: '20', startOnDeploy: false });
    await sleep(80);
    assert.equal(t.out.length, 0);
    t.reader.receive({ payload: 'start' });
    await until(() => t.out.length >= 2, 2000, 'readings after start');
    t.reader.receive({ payload: 'stop' });
    await sleep(10);
    const n = t.out.length;
    await sleep(80);
    assert.equal(t.out.length, n, 'no readings after stop');
    assert.deepEqual(t.last(), { fill: 'grey', shape: 'ring', text: 'stopped' });
  });

  it('any other message is a one-shot read that keeps the message properties', async () => {
    const t = await load({ interval: '20', startOnDeploy: false });
    t.reader.receive({ payload: 123, participant: 'Ana', _msgid: 'abc' } as never);
    await until(() => t.out.length === 1, 2000, 'one-shot');
    assert.equal(t.out[0].participant, 'Ana');
    assert.equal(t.out[0].topic, 'gsr');
    assert.equal(typeof t.out[0].payload, 'number');
    await sleep(60);
    assert.equal(t.out.length, 1, 'still stopped');
  });

  it('msg.stimulus drives the simulated hat without a reading', async () => {
    const t = await load({ interval: '20', startOnDeploy: false });
    t.reader.receive({ stimulus: 'angry', payload: 1700000000000 } as never);
    await sleep(30);
    const hat = (await (t.hatNode as HatConfigNode).hat()) as SimulatedHat;
    assert.equal(hat.stimulus, 'angry');
    assert.equal(t.out.length, 0);
    assert.equal(t.errors.length, 0);
  });

  it('says in every simulated reading which feeling the body follows and when it will have reacted (msg.simulation)', async () => {
    const t = await load({ interval: '20', startOnDeploy: false });
    t.reader.receive({ payload: 'read' });
    await until(() => t.out.length === 1, 2000, 'a reading');
    assert.deepEqual(t.out[0].simulation, { stimulus: 'calm' }, 'the body starts calm');
    const before = Date.now();
    t.reader.receive({ stimulus: 'angry' } as never);
    t.reader.receive({ payload: 'read' });
    await until(() => t.out.length === 2, 2000, 'a second reading');
    const { stimulus, since, settledAt } = t.out[1].simulation as { stimulus: string; since: number; settledAt: number };
    assert.equal(stimulus, 'angry');
    assert.ok(since >= before && since <= Date.now(), 'since the message set it');
    assert.equal(settledAt - since, SETTLE_MS);
  });

  it('an unknown stimulus is an error a Catch node sees, with a red status; the node keeps working', async () => {
    const t = await load({ interval: '20', startOnDeploy: false });
    t.reader.receive({ stimulus: 'bored' } as never);
    await until(() => t.errors.length === 1, 2000, 'caught error');
    assert.match((t.errors[0].error as Error).message, /unknown msg.stimulus "bored": use calm, angry, happy, sad/);
    assert.equal(t.last()?.fill, 'red');
    t.reader.receive({ payload: 'read' });
    await until(() => t.out.length === 1, 2000, 'reading after the error');
    assert.deepEqual(t.last(), { fill: 'grey', shape: 'ring', text: 'stopped' });
  });

  it('sends nothing after it is closed: timers are cleared', async () => {
    const t = await load({ interval: '20' });
    await until(() => t.out.length >= 1, 2000, 'a reading');
    await helper.unload();
    const n = t.out.length;
    await sleep(100);
    assert.equal(t.out.length, n);
  });

  it('bad config gives a clear error on input and a red status', async () => {
    const t = await load({ interval: 'fast' });
    t.reader.receive({ payload: 'start' });
    await until(() => t.errors.length === 1, 2000, 'caught error');
    assert.match((t.errors[0].error as Error).message, /interval \(ms\) must be a number/);
    assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'check interval (ms)' }, 'the status names the setting, not a cut message');
    assert.equal(t.out.length, 0);
  });

  it('a bad setting is said in the runtime\'s language, with its limit', async () => {
    await useLanguage('de');
    try {
      const t = await load({ referenceMv: '900' });
      t.reader.receive({ payload: 'start' });
      await until(() => t.errors.length === 1, 2000, 'caught error');
      assert.match((t.errors[0].error as Error).message, /Referenz \(mV\) muss mindestens 1000 sein$/);
      assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'Referenz (mV) prüfen' });
    } finally {
      await useLanguage('en-US');
    }
  });

  it('without a hat config node it says to pick one', async () => {
    const t = await load({ interval: '20', hat: 'nope' });
    t.reader.receive({ payload: 'x' });
    await until(() => t.errors.length === 1, 2000, 'caught error');
    assert.match((t.errors[0].error as Error).message, /no Grove Base Hat configured/);
  });

  it('in I2C mode without /dev/i2c-N it reports how to enable I2C once, stays red and does not crash', async () => {
    const t = await load({ interval: '20' }, { mode: 'i2c', bus: '9', address: '0x04' });
    await until(() => t.errors.length >= 1, 3000, 'caught error');
    await sleep(200);
    assert.equal(t.errors.length, 1, 'the same error is not repeated within 10 s');
    assert.match((t.errors[0].error as Error).message, /\/dev\/i2c-9 not found: enable I2C .*raspi-config/);
    assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'I2C off: no /dev/i2c-9' }, 'a short reason, not a cut message');
    assert.equal(t.out.length, 0);
    // A one-shot read fails with the same clear error, ending that message.
    t.reader.receive({ payload: 'x' });
    await until(() => t.errors.length === 2, 3000, 'one-shot error');
    assert.match((t.errors[1].error as Error).message, /enable I2C/);
  });

  describe('on a (fake) I2C hat', () => {
    const bus = withFakeI2cBus();

    it('converts channel 0 and marks nothing as simulated', async () => {
      bus().raw[0] = 1024;
      const t = await load({ interval: '20' }, { mode: 'i2c', bus: '1', address: '0x04' });
      await until(() => t.out.length >= 1, 2000, 'a reading');
      assert.ok(Math.abs((t.out[0].payload as number) - 50 / 3) < 1e-9);
      assert.deepEqual(t.out[0].gsr, { raw: 1024, millivolts: 825, resistanceOhm: 60_000, conductanceUS: (50 * 0.5) / 1.5 });
      assert.equal(t.out[0].simulated, undefined);
      assert.deepEqual(t.last(), { fill: 'green', shape: 'dot', text: 'sampling' });
      assert.ok(bus().transfers.every((x) => x.register === 0x00 || x.register === 0x10));
    });

    it('no skin contact gives payload null and a yellow status, then recovers', async () => {
      bus().raw[0] = 2100;
      const t = await load({ interval: '20' }, { mode: 'i2c', bus: '1', address: '0x04' });
      await until(() => t.out.length >= 1, 2000, 'a reading');
      assert.equal(t.out[0].payload, null);
      assert.deepEqual(t.out[0].gsr, { raw: 2100, millivolts: (3300 * 2100) / 4096, resistanceOhm: null, conductanceUS: null });
      assert.deepEqual(t.last(), { fill: 'yellow', shape: 'ring', text: 'no skin contact' });
      bus().raw[0] = 900;
      await until(() => t.last()?.fill === 'green', 2000, 'green again');
    });

    it('a failing read while sampling is reported once, sampling goes on and recovers', async () => {
      bus().raw[0] = 1000;
      const t = await load({ interval: '20' }, { mode: 'i2c', bus: '1', address: '0x04' });
      await until(() => t.out.length >= 1, 2000, 'a reading');
      bus().failures = 1000;
      await until(() => t.errors.length >= 1, 2000, 'caught error');
      const failingFrom = bus().transfers.length;
      await sleep(150);
      assert.ok(bus().transfers.length - failingFrom >= 3, 'still sampling');
      assert.equal(t.errors.length, 1, 'an identical error is reported once');
      assert.match((t.errors[0].error as Error).message, /I2C EIO from 0x04 on \/dev\/i2c-1/);
      assert.equal((t.errors[0].error as { source?: { id: string } }).source?.id, 'r');
      assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'I2C EIO at 0x04' });
      const n = t.out.length;
      bus().failures = 0;
      await until(() => t.out.length > n, 2000, 'readings after recovery');
      assert.deepEqual(t.last(), { fill: 'green', shape: 'dot', text: 'sampling' });
    });

    it('msg.stimulus on an I2C hat is ignored with one warning, not an error (the shipped flows send it)', async () => {
      const t = await load({ interval: '20', startOnDeploy: false }, { mode: 'i2c', bus: '1', address: '0x04' });
      const warn = (t.reader as unknown as { warn: { args: unknown[][] } }).warn;
      t.reader.receive({ stimulus: 'angry', payload: 'start' } as never);
      t.reader.receive({ stimulus: 'calm' } as never);
      await until(() => t.out.length >= 2, 2000, 'readings after the start that came with the stimulus');
      assert.equal(t.errors.length, 0);
      assert.deepEqual(warn.args.map((a) => String(a[0])), ['msg.stimulus is ignored: only a simulated hat has one (this one is I2C)']);
      assert.deepEqual(t.last(), { fill: 'green', shape: 'dot', text: 'sampling' });
      t.reader.receive({ stimulus: 'bored' } as never);
      await until(() => t.errors.length === 1, 2000, 'caught error');
      assert.match((t.errors[0].error as Error).message, /unknown msg.stimulus "bored"/);
    });
  });
});
