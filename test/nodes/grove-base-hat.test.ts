import assert from 'node:assert/strict';
import { join } from 'node:path';
import { helper } from '../support/node-red';
import { loadReader, withFakeI2cBus } from '../support/grove-reader';
import { until } from '../support/probes';
import { useLanguage } from '../support/node-messages';
import { unbuiltI2cBus, useUnloadableModule, type UnbuiltProject } from '../support/unbuilt-addon';
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import type { HatConfigNode } from '../../nodes/grove-base-hat/reader';
import { SimulatedHat } from '../../src/hat/simulated-hat';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');

async function loadHat(props: Record<string, unknown>): Promise<HatConfigNode> {
  await helper.load(hatNode, [{ id: 'hat', type: 'emotion-grove-base-hat', ...props }]);
  return helper.getNode('hat') as HatConfigNode;
}

describe('grove-base-hat config node', () => {
  afterEach(() => helper.unload());

  it('simulated: one shared hat for the participant and seed, driven by setStimulus', async () => {
    const node = await loadHat({ mode: 'simulated', seed: '42', participant: 'Ana' });
    assert.equal(node.simulated, true);
    const hat = await node.hat();
    assert.ok(hat instanceof SimulatedHat);
    assert.equal(await node.hat(), hat);
    const twin = new SimulatedHat({ seed: 42, participant: 'Ana' });
    assert.deepEqual(hat.baseline, twin.baseline);
    node.setStimulus('happy');
    assert.equal(hat.stimulus, 'happy');
  });

  describe('I2C', () => {
    const bus = withFakeI2cBus({ address: 0x08 });

    it('opens the configured bus and address once for all readers, and closes it on close', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      assert.equal(node.simulated, false);
      assert.deepEqual(bus().opened, [], 'opened lazily, not on deploy');
      const [a, b] = await Promise.all([node.hat(), node.hat()]);
      assert.equal(a, b);
      assert.deepEqual(bus().opened, [1]);
      assert.deepEqual(bus().transfers, [{ address: 0x08, register: 0x00, length: 2 }]);
      await helper.unload();
      assert.equal(bus().closed, true);
    });

    it('address "auto" finds the hat at 0x08 when nothing answers at 0x04', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: 'auto' });
      await node.hat();
      assert.deepEqual(bus().transfers.map((t) => t.address), [0x04, 0x08]);
    });

    it('refuses msg.stimulus and an unknown mode with clear errors', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      assert.throws(() => node.setStimulus('angry'), /only works with a simulated hat/);
      await helper.unload();
      const odd = await loadHat({ mode: 'serial' });
      await assert.rejects(odd.hat(), /unknown hat mode "serial": use i2c or simulated/);
    });

    it('after a failed open, readers get the same error without hammering the bus, then it retries', async () => {
      bus().absent = true;
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      await assert.rejects(node.hat(), /no Grove Base Hat answers at 0x08/);
      await assert.rejects(node.hat(), /no Grove Base Hat answers at 0x08/);
      assert.equal(bus().opened.length, 1);
      bus().absent = false;
      await new Promise((r) => setTimeout(r, 2050));
      await node.hat();
      assert.equal(bus().opened.length, 2);
    });
  });

  describe('i2c-bus installed without its native addon (npm 12 skipped its install script)', () => {
    let unbuilt: UnbuiltProject;
    let restore: () => void;
    before(() => {
      unbuilt = unbuiltI2cBus();
      restore = useUnloadableModule('i2c-bus', unbuilt.loadError());
    });
    after(() => {
      restore();
      unbuilt.remove();
    });

    it('says so at deploy, once in the log with the command, and the readers go red with a short reason', async () => {
      const t = await loadReader(gsrNode, 'emotion-grove-gsr', { interval: '20' }, { mode: 'i2c', bus: '1', address: '0x04' });
      // the project whose node_modules hold i2c-bus: here the repository, on a Pi ~/.node-red
      const fix = `cd ${join(__dirname, '..', '..')} && npm approve-scripts i2c-bus && npm rebuild i2c-bus`;
      const fromHat = (helper.log().args as [{ level: number; msg: string; type: string }][])
        .map(([entry]) => entry)
        .filter((e) => e.level === (helper.log() as unknown as { ERROR: number }).ERROR && e.type === 'emotion-grove-base-hat');
      assert.equal(fromHat.length, 1, 'the hat logs it once, at deploy');
      assert.ok(fromHat[0].msg.includes(fix), fromHat[0].msg);
      await until(() => t.errors.length > 0, 2000, 'the reader reports it to Catch nodes');
      assert.match((t.errors[0].error as Error).message, /i2c-bus is installed but its native addon was never built/);
      assert.ok((t.errors[0].error as Error).message.includes(fix));
      assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'i2c-bus not built (see log)' });
      await assert.rejects((t.hatNode as HatConfigNode).hat(), /never built/, 'not retried: only a restart can load it');
    });

    it('in German when Node-RED runs in German', async () => {
      await useLanguage('de');
      try {
        const t = await loadReader(gsrNode, 'emotion-grove-gsr', { interval: '20' }, { mode: 'i2c', bus: '1', address: '0x04' });
        await until(() => t.errors.length > 0, 2000, 'the caught error');
        assert.match((t.errors[0].error as Error).message, /natives Modul wurde nie gebaut.*npm approve-scripts i2c-bus && npm rebuild i2c-bus/);
        assert.deepEqual(t.last(), { fill: 'red', shape: 'ring', text: 'i2c-bus nicht gebaut (siehe Log)' });
      } finally {
        await useLanguage('en-US');
      }
    });
  });

  it('on this machine (no /dev/i2c-9) the real i2c-bus gives the raspi-config hint, in German too', async () => {
    const node = await loadHat({ mode: 'i2c', bus: '9', address: '0x04' });
    await assert.rejects(node.hat(), /\/dev\/i2c-9 not found: enable I2C/);
    await helper.unload();
    await useLanguage('de');
    try {
      const german = await loadHat({ mode: 'i2c', bus: '9', address: '0x04' });
      await assert.rejects(german.hat(), /^Error: \/dev\/i2c-9 nicht gefunden: I2C einschalten \(sudo raspi-config/);
    } finally {
      await useLanguage('en-US');
    }
  });
});
