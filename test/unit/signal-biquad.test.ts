// The QRS detector's filters against their analytic response: a Butterworth corner is −3 dB, a low-pass passes
// DC and a high-pass blocks it, and a seeded cascade starts without a step.
import assert from 'node:assert/strict';
import { bandPass, biquadStep, groupDelayMs, response, seedCascade } from '../../src/signal/biquad';

describe('biquad band-pass (QRS detector filters)', function () {
  for (const rateHz of [100, 128, 360, 500]) {
    it(`at ${rateHz} Hz: −3 dB at both corners, nothing at DC, ~1 in the band`, function () {
      const [high, low] = bandPass(5, 15, rateHz);
      assert.ok(Math.abs(response([high], 5, rateHz).gain - Math.SQRT1_2) < 1e-9);
      assert.ok(Math.abs(response([low], 15, rateHz).gain - Math.SQRT1_2) < 1e-9);
      assert.ok(response([high], 0, rateHz).gain < 1e-12);
      assert.ok(Math.abs(response([low], 0, rateHz).gain - 1) < 1e-12);
      assert.ok(response([high, low], Math.sqrt(75), rateHz).gain > 0.8);
    });
  }

  it('a cascade seeded at a level gives zero from that level on (no step to detect)', function () {
    const filters = bandPass(5, 15, 360);
    seedCascade(filters, 2048);
    for (let i = 0; i < 100; i++) {
      let y = 2048;
      for (const f of filters) y = biquadStep(f, y);
      assert.ok(Math.abs(y) < 1e-9, `${y}`);
    }
  });

  it('delays a 9 Hz wave packet by its group delay (the R wave is timed less that delay)', function () {
    const rateHz = 360;
    const hz = Math.sqrt(75);
    const filters = bandPass(5, 15, rateHz);
    const delay = groupDelayMs(filters, hz, rateHz);
    // the energy centroid of a slow-envelope packet moves by the group delay
    const x = Array.from({ length: rateHz * 2 }, (_, i) => Math.exp(-(((i / rateHz - 1) / 0.25) ** 2)) * Math.sin((2 * Math.PI * hz * i) / rateHz));
    const y = x.map((v) => filters.reduce((acc, f) => biquadStep(f, acc), v));
    const centroidMs = (s: number[]) => (s.reduce((a, v, i) => a + i * v * v, 0) / s.reduce((a, v) => a + v * v, 0) / rateHz) * 1000;
    assert.ok(Math.abs(centroidMs(y) - centroidMs(x) - delay) < 3, `moved ${centroidMs(y) - centroidMs(x)} ms, group delay ${delay} ms`);
  });
});
