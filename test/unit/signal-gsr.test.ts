import assert from 'node:assert/strict';
import { convertGsr, rawForConductance } from '../../src/signal/gsr';

const close = (actual: number | null, expected: number, eps = 1e-9) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= eps * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

describe('signal: GSR conversion (Seeed formula on the 12-bit hat ADC)', () => {
  it('raw 0 is the circuit minimum: 20 kΩ, 50 µS, 0 mV', () => {
    const g = convertGsr(0);
    assert.equal(g.contact, true);
    close(g.resistanceOhm, 20_000);
    close(g.conductanceUS, 50);
    assert.equal(g.millivolts, 0);
  });

  it('raw 1024 (quarter scale) matches Seeed 10-bit x = 256: R = (1024 + 512)·10000 / (512 − 256) = 60 kΩ', () => {
    const g = convertGsr(1024);
    close(g.resistanceOhm, 60_000);
    close(g.conductanceUS, 50 / 3);
    close(g.millivolts, 825);
  });

  it('raw 512: r = 1/8, R = 20 kΩ·1.25/0.75, G = 30 µS', () => {
    const g = convertGsr(512);
    close(g.resistanceOhm, 100_000 / 3);
    close(g.conductanceUS, 30);
  });

  it('raw 2047, just under half scale, is a very high resistance (20 kΩ·4095)', () => {
    const g = convertGsr(2047);
    assert.equal(g.contact, true);
    close(g.resistanceOhm, 20_000 * 4095);
    close(g.conductanceUS, 1e6 / (20_000 * 4095));
  });

  it('half scale and above means no skin contact: nulls, never NaN or negative', () => {
    for (const raw of [2048, 2300, 4095]) {
      const g = convertGsr(raw);
      assert.equal(g.contact, false);
      assert.equal(g.resistanceOhm, null);
      assert.equal(g.conductanceUS, null);
      close(g.millivolts, (3300 * raw) / 4096);
    }
  });

  it('millivolts follow the configured reference', () => {
    close(convertGsr(1024, 5000).millivolts, 1250);
    close(convertGsr(4095, 3300).millivolts, 3299.1943359375);
  });

  it('rejects readings outside the 12-bit range and a bad reference', () => {
    for (const raw of [-1, 4096, 1.5, Number.NaN]) assert.throws(() => convertGsr(raw), /integer 0..4095/);
    assert.throws(() => convertGsr(100, 0), /reference voltage/);
  });

  it('rawForConductance inverts the conversion to within one ADC step', () => {
    for (const g of [0.5, 2, 5, 10, 20, 45]) {
      const raw = rawForConductance(g);
      const back = convertGsr(raw).conductanceUS!;
      const step = Math.abs(convertGsr(raw + 1).conductanceUS! - back);
      assert.ok(Math.abs(back - g) <= step, `${g} µS -> raw ${raw} -> ${back}`);
    }
    assert.equal(rawForConductance(0), 2048);
    assert.equal(rawForConductance(80), 0);
  });
});
