// The simulated hat's physiology beside the real recordings': the statistics the test
// test/unit/hat-physiology.test.ts checks (test/support/physiology-stats.ts), as the table in
// docs/sensors.md. Run: npx tsx bench/hat-physiology.ts
import * as S from '../test/support/physiology-stats';

const T0 = Date.UTC(2026, 0, 5, 10);
const real = S.hourStatistics(S.realHours());
const sim = S.hourStatistics(S.simulatedHours());
const realHeart = S.realRestBeats().map(S.heartStatistics);
const simHeart = S.simulatedRestBeats(10, T0).map(S.heartStatistics);
const onsets = S.realOnsetResponses();
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const rise = (lnRatio: number) => `${(100 * (Math.exp(lnRatio) - 1)).toFixed(0)} %`;
const rows: string[][] = [];
real.gsrRestChange.forEach((r, k) =>
  rows.push([`skin conductance at rest, ${real.minutesLater[k].toFixed(0)} min after the baseline: median change (either way)`, rise(r), rise(sim.gsrRestChange[k]), '×2']),
);
real.hrRestChange.forEach((r, k) =>
  rows.push([`heart rate at rest, ${real.minutesLater[k].toFixed(0)} min after the baseline: median change (either way)`, `${r.toFixed(1)} bpm`, `${sim.hrRestChange[k].toFixed(1)} bpm`, '×2']),
);
rows.push([
  'spread (sd) of 10-s mean heart rates over a rest',
  `${S.median(realHeart.map((h) => h.spread10s)).toFixed(1)} bpm (${realHeart.map((h) => h.spread10s.toFixed(1)).join(', ')})`,
  `${S.median(simHeart.map((h) => h.spread10s)).toFixed(1)} bpm`,
  '×1.5',
]);
rows.push([
  'RMSSD over a rest',
  `${S.median(realHeart.map((h) => h.rmssd)).toFixed(0)} ms (${realHeart.map((h) => h.rmssd.toFixed(0)).join(', ')})`,
  `${S.median(simHeart.map((h) => h.rmssd)).toFixed(0)} ms`,
  '×1.5',
]);
rows.push(['skin conductance responses at rest (1 Hz records, per minute)', real.scrRestRate.toFixed(1), sim.scrRestRate.toFixed(1), '×2']);
rows.push(['their median size, share of the level', pct(real.scrRestSize), pct(sim.scrRestSize), '×2']);
rows.push(['responses during the tasks / at rest', `${real.scrTaskRatio.toFixed(2)}×`, `${sim.scrTaskRatio.toFixed(2)}×`, '×1.5']);
const lab = S.labRestPhasic();
rows.push([
  'phasic activity of 10-s runs at rest (median per person)',
  `${S.median(real.phasicRest).toFixed(4)} (${Math.min(...real.phasicRest).toFixed(4)}–${Math.max(...real.phasicRest).toFixed(4)}; lab rest ${lab.toFixed(5)})`,
  `${S.median(sim.phasicRest).toFixed(4)} (${Math.min(...sim.phasicRest).toFixed(4)}–${Math.max(...sim.phasicRest).toFixed(4)})`,
  'inside the real range, ×3 of its median',
]);
rows.push([
  'response to a negative picture / an angry stimulus, share of the level',
  `${pct(onsets.negative[0])}, ${pct(onsets.negative[1])}`,
  pct(S.median(S.simulatedOnsetResponses('angry', 20, T0))),
  '×2 of their geometric mean',
]);
rows.push(['response to a neutral picture / calm', `${pct(onsets.neutral[0])}, ${pct(onsets.neutral[1])}`, pct(S.median(S.simulatedOnsetResponses('calm', 20, T0))), 'at most 2× the larger']);
console.log(`simulated hat vs real recordings (${S.SIMULATED_PER_SCHEDULE} simulated people per real schedule)\n`);
console.log('| quantity | real | simulated | allowed |\n| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
