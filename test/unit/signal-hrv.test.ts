import assert from 'node:assert/strict';
import { cleanFlags, heartRateVariability } from '../../src/signal/hrv';
import { realRestBeats } from '../support/physiology-stats';

describe('signal: heart-rate variability of a window (RMSSD, SDNN)', () => {
  it('computes RMSSD and SDNN of clean intervals', () => {
    const ibis = [800, 820, 800, 820, 800, 820, 800, 820, 800, 820, 800, 820];
    const hrv = heartRateVariability(ibis, 10_000)!;
    assert.equal(hrv.rmssd, 20);
    assert.ok(Math.abs(hrv.sdnn - Math.sqrt((12 * 100) / 11)) < 1e-9);
    assert.equal(hrv.intervals, 12);
  });

  it('leaves out a missed beat, a false beat and intervals out of range, and the differences across them', () => {
    const clean = [800, 820, 800, 820, 800, 820, 800, 820, 800];
    const withArtefacts = [800, 820, 1620, 800, 410, 820, 800, 250, 820, 800, 820, 800];
    assert.deepEqual(cleanFlags(withArtefacts), [true, true, false, true, false, true, true, false, true, true, true, true]);
    const hrv = heartRateVariability(withArtefacts, 10_000)!;
    assert.equal(hrv.rmssd, heartRateVariability(clean, 10_000)!.rmssd);
    // a first interval that is itself an artefact does not set the reference
    assert.deepEqual(cleanFlags([400, 800, 810, 790]), [false, true, true, true]);
  });

  it('gives no answer without enough clean beats: fewer than 5, or covering less than half the window', () => {
    assert.equal(heartRateVariability([800, 810, 790, 800], 10_000), undefined);
    assert.equal(heartRateVariability([800, 810, 790, 800, 805, 795], 30_000), undefined);
    assert.ok(heartRateVariability([800, 810, 790, 800, 805, 795], 8000));
    assert.equal(heartRateVariability([], 10_000), undefined);
  });

  it('on real resting ECGs, 10-s windows give about the RMSSD of the whole rest (ultra-short RMSSD)', () => {
    for (const beats of realRestBeats()) {
      const ibis = beats.slice(1).map((t, i) => t - beats[i]);
      const whole = heartRateVariability(ibis, beats[beats.length - 1] - beats[0])!.rmssd;
      const windows: number[] = [];
      for (let from = beats[0]; from + 10_000 <= beats[beats.length - 1]; from += 10_000) {
        const inside = ibis.filter((_, i) => beats[i + 1] >= from && beats[i + 1] < from + 10_000);
        const hrv = heartRateVariability(inside, 10_000);
        if (hrv) windows.push(hrv.rmssd);
      }
      windows.sort((a, b) => a - b);
      const median = windows[windows.length >> 1];
      assert.ok(Math.abs(median / whole - 1) < 0.3, `10-s median ${median.toFixed(1)} ms vs whole ${whole.toFixed(1)} ms`);
    }
  });
});
