// The simulated hat against real people: the same statistics computed by the same code on the real
// recordings in test/data and on the simulator (test/support/physiology-stats.ts), each within a stated
// factor. The simulator is fitted to these numbers, never the other way round; docs/sensors.md has the table.
import assert from 'node:assert/strict';
import * as S from '../support/physiology-stats';

/** `sim` within a factor of `real` either way. */
function within(what: string, sim: number, real: number, factor: number): void {
  assert.ok(sim >= real / factor && sim <= real * factor, `${what}: simulated ${sim.toFixed(4)}, real ${real.toFixed(4)} (allowed ×${factor})`);
}

describe('hat: simulated physiology against real recordings', function () {
  this.timeout(60_000);
  const T0 = Date.UTC(2026, 0, 5, 10);
  let real: S.HourStatistics;
  let sim: S.HourStatistics;
  before(() => {
    real = S.hourStatistics(S.realHours());
    sim = S.hourStatistics(S.simulatedHours());
  });

  it('skin conductance at rest wanders by tens of percent within the hour (×2)', () => {
    real.gsrRestChange.forEach((r, k) => within(`|ln change| ${real.minutesLater[k].toFixed(0)} min later`, sim.gsrRestChange[k], r, 2));
    assert.ok(Math.max(...sim.gsrRestChange) > Math.log(1.25), 'tens of percent, not a few');
  });

  it('the resting heart rate wanders by a few bpm within the hour (×2)', () => {
    real.hrRestChange.forEach((r, k) => within(`|heart rate change| ${real.minutesLater[k].toFixed(0)} min later`, sim.hrRestChange[k], r, 2));
  });

  it('10-s mean heart rates at rest spread as in real ECGs, and beat intervals vary as much (×1.5)', () => {
    const realHeart = S.realRestBeats().map(S.heartStatistics);
    const simHeart = S.simulatedRestBeats(10, T0).map(S.heartStatistics);
    within('spread of 10-s means (bpm)', S.median(simHeart.map((h) => h.spread10s)), S.median(realHeart.map((h) => h.spread10s)), 1.5);
    within('RMSSD (ms)', S.median(simHeart.map((h) => h.rmssd)), S.median(realHeart.map((h) => h.rmssd)), 1.5);
  });

  it('skin conductance responses at rest come at real rates and sizes (×2); tasks do not multiply them (×1.5)', () => {
    within('responses per minute at rest', sim.scrRestRate, real.scrRestRate, 2);
    within('response size at rest (share of the level)', sim.scrRestSize, real.scrRestSize, 2);
    within('tasks / rest response rate', sim.scrTaskRatio, real.scrTaskRatio, 1.5);
  });

  it('phasic activity at rest lies within the real recordings\' range, near the wrist recordings\' median (×3)', () => {
    const lab = S.labRestPhasic();
    const simMedian = S.median(sim.phasicRest);
    const low = Math.min(lab, ...real.phasicRest);
    const high = Math.max(lab, ...real.phasicRest);
    assert.ok(simMedian >= low && simMedian <= high, `simulated ${simMedian}, real ${low}..${high}`);
    within('phasic activity at rest', simMedian, S.median(real.phasicRest), 3);
  });

  it('an emotional stimulus sets off an event-locked response like a negative picture\'s (×2), a neutral one a tiny one', () => {
    const { negative, neutral } = S.realOnsetResponses();
    within('response to a negative picture / angry (share of the level)', S.median(S.simulatedOnsetResponses('angry', 20, T0)), Math.sqrt(negative[0] * negative[1]), 2);
    const calm = S.median(S.simulatedOnsetResponses('calm', 20, T0));
    assert.ok(calm <= 2 * Math.max(...neutral), `neutral: simulated ${calm}, real ${neutral.join(', ')}`);
  });
});
