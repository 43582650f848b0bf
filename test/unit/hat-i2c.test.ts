import assert from 'node:assert/strict';
import { describeI2cError, findI2cHat, loadI2cBus, openI2cHat } from '../../src/hat/i2c-hat';
import { FakeI2cBus } from '../support/fake-i2c-bus';

describe('hat: Grove Base Hat ADC over I2C', () => {
  it('checks the product id at register 0x00 of the configured address on open', async () => {
    const bus = new FakeI2cBus();
    const open = bus.opener();
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: open });
    assert.deepEqual(open.opened, [1]);
    assert.deepEqual(bus.transfers, [{ address: 0x04, register: 0x00, length: 2 }]);
    assert.equal(hat.productId, 0x0004);
    assert.equal(hat.simulated, false);
  });

  it('accepts the Zero hat (0x0005) and the MM32 hat at 0x08', async () => {
    const bus = new FakeI2cBus({ address: 0x08, productId: 0x0005 });
    const hat = await openI2cHat({ bus: 1, address: 0x08, openBus: bus.opener() });
    assert.equal(hat.productId, 0x0005);
  });

  it('reads channel n from register 0x10 + n as a little-endian word', async () => {
    const bus = new FakeI2cBus();
    bus.raw = [0x0abc, 1, 2, 3, 0x0f00, 5, 6, 0x00ff];
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    assert.equal(await hat.readRaw(0), 0x0abc); // bytes bc 0a: big-endian decoding would give 0xbc0a
    assert.equal(await hat.readRaw(4), 0x0f00);
    assert.equal(await hat.readRaw(7), 0x00ff);
    assert.deepEqual(
      bus.transfers.slice(1).map((t) => t.register),
      [0x10, 0x14, 0x17],
    );
  });

  it('rejects a device with another product id, naming it, and releases the bus', async () => {
    const bus = new FakeI2cBus({ productId: 0x1234 });
    await assert.rejects(openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() }), /not a Grove Base Hat \(product id 0x1234/);
    assert.equal(bus.closed, true);
  });

  it('says where to look when nothing answers at the address', async () => {
    const bus = new FakeI2cBus({ absent: true });
    await assert.rejects(
      openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() }),
      (e: Error) => /no Grove Base Hat answers at 0x04 on \/dev\/i2c-1/.test(e.message) && /0x08/.test(e.message),
    );
    const other = new FakeI2cBus({ address: 0x08 });
    await assert.rejects(openI2cHat({ bus: 1, address: 0x04, openBus: other.opener() }), /no Grove Base Hat answers/);
  });

  it('says to enable I2C when /dev/i2c-N is missing', async () => {
    const bus = new FakeI2cBus({ missingBus: true });
    await assert.rejects(openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() }), /\/dev\/i2c-1 not found: enable I2C .*raspi-config/);
  });

  it('reports an EIO while reading as an error of that read, and the next read works', async () => {
    const bus = new FakeI2cBus();
    bus.raw[0] = 1000;
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    bus.failures = 1;
    await assert.rejects(hat.readRaw(0), /I2C EIO from 0x04 on \/dev\/i2c-1/);
    assert.equal(await hat.readRaw(0), 1000);
  });

  it('treats an EIO while opening as a missing device', async () => {
    const bus = new FakeI2cBus();
    bus.failures = 1;
    await assert.rejects(openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() }), /no Grove Base Hat answers/);
  });

  it('refuses a value a 12-bit converter cannot produce', async () => {
    const bus = new FakeI2cBus();
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    bus.garbleHighByte = 0xff;
    await assert.rejects(hat.readRaw(0), /implausible reading 0xff00 on channel 0/);
  });

  it('serialises concurrent reads: one transfer on the bus at a time, each answer to its caller', async () => {
    const bus = new FakeI2cBus();
    bus.raw = [10, 11, 12, 13, 14, 15, 16, 17];
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    const values = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 0, 4].map((ch) => hat.readRaw(ch)));
    assert.deepEqual(values, [10, 11, 12, 13, 14, 15, 16, 17, 10, 14]);
    assert.equal(bus.maxInFlight, 1);
  });

  it('a failed read does not stall the queue behind it', async () => {
    const bus = new FakeI2cBus();
    bus.raw[1] = 7;
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    bus.failures = 1;
    const [first, second] = await Promise.allSettled([hat.readRaw(0), hat.readRaw(1)]);
    assert.equal(first.status, 'rejected');
    assert.deepEqual(second, { status: 'fulfilled', value: 7 });
  });

  it('checks channel, bus and address arguments', async () => {
    const bus = new FakeI2cBus();
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    await assert.rejects(hat.readRaw(8), /channel must be an integer 0..7/);
    await assert.rejects(hat.readRaw(-1), /channel must be an integer 0..7/);
    await assert.rejects(openI2cHat({ bus: -1, address: 4, openBus: bus.opener() }), /I2C bus/);
    await assert.rejects(openI2cHat({ bus: 1, address: 0x80, openBus: bus.opener() }), /I2C address must be 0x03..0x77/);
  });

  it('close waits for reads in flight, closes the bus, and later reads fail clearly', async () => {
    const bus = new FakeI2cBus();
    bus.raw[0] = 5;
    const hat = await openI2cHat({ bus: 1, address: 0x04, openBus: bus.opener() });
    const pending = hat.readRaw(0);
    await hat.close();
    assert.equal(await pending, 5);
    assert.equal(bus.closed, true);
    await assert.rejects(hat.readRaw(0), /closed/);
    await hat.close(); // twice is harmless
  });

  describe('loading i2c-bus lazily', () => {
    // what each failure says: test/unit/native-addon.test.ts
    it('loads the module only when asked, and hands out its opener', async () => {
      const opened: number[] = [];
      const openBus = loadI2cBus({ fallbackDir: '/d', load: () => ({ openPromisified: async (n: number) => void opened.push(n) }) });
      await openBus(3);
      assert.deepEqual(opened, [3]);
    });

    it('says to install it when the package is absent', () => {
      const load = () => {
        throw Object.assign(new Error("Cannot find module 'i2c-bus'"), { code: 'MODULE_NOT_FOUND' });
      };
      assert.throws(() => loadI2cBus({ fallbackDir: '/home/pi/.node-red', load }), /i2c-bus is not installed: run `cd \/home\/pi\/.node-red && npm install i2c-bus`/);
    });

    it('with the real module on a machine without /dev/i2c-9, open gives the raspi-config hint', async () => {
      await assert.rejects(openI2cHat({ bus: 9, address: 0x04 }), /\/dev\/i2c-9 not found: enable I2C/);
    });
  });

  it('maps permission errors to the i2c group hint and keeps unknown errors as they are', () => {
    const e = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    assert.match(describeI2cError(e, 1, 4, false).message, /add the Node-RED user to the i2c group/);
    const plain = new Error('something else');
    assert.equal(describeI2cError(plain, 1, 4, false), plain);
  });
});

describe('hat: finding the hat at 0x04 or 0x08', () => {
  it('finds the MM32 hat at 0x08 after nothing answers at 0x04', async () => {
    const bus = new FakeI2cBus({ address: 0x08 });
    const hat = await findI2cHat({ bus: 1, openBus: bus.opener() });
    assert.equal(hat.address, 0x08);
    assert.deepEqual(bus.transfers.map((t) => t.address), [0x04, 0x08]);
    assert.equal(bus.closed, false, 'the handle of the found hat stays open');
  });

  it('takes the STM32 hat at 0x04 without probing further', async () => {
    const bus = new FakeI2cBus({ address: 0x04 });
    const hat = await findI2cHat({ bus: 1, openBus: bus.opener() });
    assert.equal(hat.address, 0x04);
    assert.deepEqual(bus.opened, [1]);
  });

  it('names both addresses when neither answers, and stops at once on a missing bus', async () => {
    await assert.rejects(findI2cHat({ bus: 1, openBus: new FakeI2cBus({ absent: true }).opener() }), /no Grove Base Hat answers at 0x04 or 0x08 on \/dev\/i2c-1/);
    const missing = new FakeI2cBus({ missingBus: true });
    await assert.rejects(findI2cHat({ bus: 1, openBus: missing.opener() }), /enable I2C/);
    assert.equal(missing.opened.length, 1);
  });
});
