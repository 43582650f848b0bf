// Runs against a real Grove Base Hat only when GROVE_HW=1 (on a Pi with I2C enabled; GROVE_HW_BUS and
// GROVE_HW_ADDRESS override bus 1 / auto-detect). Skipped everywhere else.
import assert from 'node:assert/strict';
import { findI2cHat, openI2cHat, type I2cHat } from '../../src/hat/i2c-hat';
import { convertGsr } from '../../src/signal/gsr';

(process.env.GROVE_HW === '1' ? describe : describe.skip)('hat: real Grove Base Hat (GROVE_HW=1)', () => {
  let hat: I2cHat;
  before(async () => {
    const bus = Number(process.env.GROVE_HW_BUS ?? 1);
    const address = process.env.GROVE_HW_ADDRESS;
    hat = address ? await openI2cHat({ bus, address: Number(address) }) : await findI2cHat({ bus });
  });
  after(() => hat?.close());

  it('answers with a Grove product id', () => {
    assert.ok(hat.productId === 0x0004 || hat.productId === 0x0005);
  });

  it('reads 12-bit values on every channel, and a GSR value that converts', async () => {
    for (let ch = 0; ch < 8; ch++) {
      const raw = await hat.readRaw(ch);
      assert.ok(Number.isInteger(raw) && raw >= 0 && raw <= 4095, `channel ${ch}: ${raw}`);
    }
    const gsr = convertGsr(await hat.readRaw(0));
    assert.ok(gsr.contact ? gsr.conductanceUS > 0 : gsr.conductanceUS === null);
  });
});
