import assert from 'node:assert/strict';
import { helper } from '../support/node-red';
import { FakeI2cBus } from '../support/fake-i2c-bus';
import { useFakeI2cBus } from './grove-support';
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
    let bus: FakeI2cBus;
    let restore: () => void;
    beforeEach(() => {
      bus = new FakeI2cBus({ address: 0x08 });
      restore = useFakeI2cBus(bus);
    });
    afterEach(() => restore());

    it('opens the configured bus and address once for all readers, and closes it on close', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      assert.equal(node.simulated, false);
      assert.deepEqual(bus.opened, [], 'opened lazily, not on deploy');
      const [a, b] = await Promise.all([node.hat(), node.hat()]);
      assert.equal(a, b);
      assert.deepEqual(bus.opened, [1]);
      assert.deepEqual(bus.transfers, [{ address: 0x08, register: 0x00, length: 2 }]);
      await helper.unload();
      assert.equal(bus.closed, true);
    });

    it('address "auto" finds the hat at 0x08 when nothing answers at 0x04', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: 'auto' });
      await node.hat();
      assert.deepEqual(bus.transfers.map((t) => t.address), [0x04, 0x08]);
    });

    it('refuses msg.stimulus and an unknown mode with clear errors', async () => {
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      assert.throws(() => node.setStimulus('angry'), /only works with a simulated hat/);
      await helper.unload();
      const odd = await loadHat({ mode: 'serial' });
      await assert.rejects(odd.hat(), /unknown hat mode "serial": use i2c or simulated/);
    });

    it('after a failed open, readers get the same error without hammering the bus, then it retries', async () => {
      bus.absent = true;
      const node = await loadHat({ mode: 'i2c', bus: '1', address: '0x08' });
      await assert.rejects(node.hat(), /no Grove Base Hat answers at 0x08/);
      await assert.rejects(node.hat(), /no Grove Base Hat answers at 0x08/);
      assert.equal(bus.opened.length, 1);
      bus.absent = false;
      await new Promise((r) => setTimeout(r, 2050));
      await node.hat();
      assert.equal(bus.opened.length, 2);
    });
  });

  it('on this machine (no /dev/i2c-9) the real i2c-bus gives the raspi-config hint', async () => {
    const node = await loadHat({ mode: 'i2c', bus: '9', address: '0x04' });
    await assert.rejects(node.hat(), /\/dev\/i2c-9 not found: enable I2C/);
  });
});
