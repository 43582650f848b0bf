import assert from 'node:assert/strict';
import { skinResponses } from '../../src/signal/scr';
import { BLOCKS, stressPredictEda, stressPredictIds, stressPredictPerson } from '../support/real-recordings';

/** A response of `height` µS starting at `onsetS`: quick rise, slow recovery, sampled at `rateHz`. */
function response(seconds: number, rateHz: number, onsetS: number, height: number): number[] {
  const shape = (dt: number) => (dt <= 0 ? 0 : Math.exp(-dt / 3) - Math.exp(-dt / 0.7));
  const peak = Math.max(...Array.from({ length: 1000 }, (_, i) => shape(i / 100)));
  return Array.from({ length: seconds * rateHz }, (_, i) => (height * shape(i / rateHz - onsetS)) / peak);
}

describe('signal: skin conductance responses (trough to peak)', () => {
  it('finds a response on a drifting level with its size, and nothing in the drift alone', () => {
    const drift = Array.from({ length: 30 }, (_, i) => 5 + 0.01 * i); // 0.2 %/s, rising the whole time
    assert.equal(skinResponses(drift).count, 0);
    const withOne = response(30, 1, 8, 0.2).map((v, i) => v + drift[i]);
    const found = skinResponses(withOne);
    assert.equal(found.count, 1);
    assert.ok(Math.abs(found.amplitudes[0] - 0.2) < 0.05, `amplitude ${found.amplitudes[0]}`);
    assert.ok(found.peaks[0] >= 9 && found.peaks[0] <= 11, `peak at ${found.peaks[0]} s`);
  });

  it('needs 1 % of the level (and 0.01 µS): quantisation steps and tiny wiggles are not responses', () => {
    const steps = [5, 5.015, 5, 5.015, 5.03, 5.015, 5, 5.015, 5, 5]; // one or two ADC steps of the Grove at 5 µS
    assert.equal(skinResponses(steps).count, 0);
    const low = response(20, 1, 5, 0.008).map((v) => v + 0.3); // 2.7 % of 0.3 µS, but under 0.01 µS
    assert.equal(skinResponses(low).count, 0);
    assert.equal(skinResponses(response(20, 1, 5, 0.06).map((v) => v + 5)).count, 1);
    assert.equal(skinResponses(response(20, 1, 5, 0.04).map((v) => v + 5)).count, 0);
  });

  it('counts two responses in a row, a flat top once, and not a peak on the last reading', () => {
    const two = response(30, 4, 3, 0.3).map((v, i) => 4 + v + response(30, 4, 12, 0.2)[i]);
    assert.equal(skinResponses(two, 0.25).count, 2);
    assert.equal(skinResponses([1, 1, 1.5, 1.5, 1.5, 1.2, 1.1]).count, 1);
    assert.equal(skinResponses([1, 1, 1.1, 1.3, 1.6]).count, 0);
    assert.deepEqual(skinResponses([]), { count: 0, amplitudes: [], peaks: [] });
  });

  it('on real 1 Hz records finds the responses of the real 4 Hz skin conductance (Stress-Predict, every block, 60-s windows)', function () {
    this.timeout(30_000);
    let matched = 0;
    let unmatched = 0;
    let large = 0;
    let largeFound = 0;
    const ratios: number[] = [];
    for (const id of stressPredictIds()) {
      const eda = stressPredictEda(id);
      const person = stressPredictPerson(id);
      for (const block of BLOCKS) {
        const [start, end] = person.blocks[block];
        for (let from = start; from + 60 <= end; from += 60) {
          const fast = eda.filter((x) => x.t >= from && x.t < from + 60);
          const slow = person.seconds.filter((x) => x.t >= from && x.t < from + 60);
          if (fast.length < 200 || slow.length < 50) continue;
          const r4 = skinResponses(fast.map((x) => x.eda), 0.25);
          const r1 = skinResponses(slow.map((x) => x.gsr), 1);
          const t4 = r4.peaks.map((p) => fast[p].t);
          r1.peaks.forEach((p, i) => {
            const j = t4.findIndex((t) => Math.abs(t - slow[p].t) <= 2);
            if (j < 0) return unmatched++;
            matched++;
            ratios.push(r1.amplitudes[i] / r4.amplitudes[j]);
          });
          const level = fast.reduce((s, x) => s + x.eda, 0) / fast.length;
          r4.amplitudes.forEach((a, j) => {
            if (a < 0.03 * level || a < 0.03) return;
            large++;
            if (r1.peaks.some((p) => Math.abs(slow[p].t - t4[j]) <= 2)) largeFound++;
          });
        }
      }
    }
    // every response the records show is one of the raw signal's; most clear ones (3 % of the level) survive
    // averaging to one reading a second, a little smaller
    assert.ok(matched / (matched + unmatched) >= 0.95, `1 Hz responses with a 4 Hz one within 2 s: ${matched}/${matched + unmatched}`);
    assert.ok(largeFound / large >= 0.75, `clear 4 Hz responses found at 1 Hz: ${largeFound}/${large}`);
    ratios.sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1];
    assert.ok(median > 0.6 && median <= 1.05, `1 Hz / 4 Hz amplitude, median ${median}`);
  });
});
