// The product's own trainer and inference on real people (the Stress-Predict development people in
// test/data: rest blocks vs stress blocks as two moods, each block one session, in time order; protocol in
// test/support/real-affect-protocol.ts and docs/model.md). Per person and scenario: what the trainer
// reports (held out in time, and the random split of seconds as published), its verdict, and what the
// model then achieves on the person's later blocks through emotion-infer's answers, with the unfamiliar
// rates. Run: npx tsx bench/real-affect.ts (its tables are in bench/README.md)
import { balanced, detectLater, SCENARIOS, trainReal, type Scenario } from '../test/support/real-affect-protocol';
import { stressPredictIds } from '../test/support/real-recordings';

export interface PersonResult {
  id: string;
  /** what the trainer reports: held-out balanced accuracy (null: nothing held out), its interval, the verdict */
  reported: number | null;
  interval: [number, number];
  verdict: string;
  randomSplit: number;
  /** on the later blocks: balanced accuracy of the model's guesses (every window) */
  later: number;
  /** share of later windows answered (not "uncertain"), and the balanced accuracy of those answers */
  answered: number;
  laterAnswered: number | null;
  /** share of later windows called unfamiliar, and unfamiliar or uncertain for any reason */
  unfamiliar: number;
  uncertain: number;
  ece: number;
  limit: number;
}

export async function evaluate(id: string, scenario: Scenario): Promise<PersonResult> {
  const model = trainReal(id, scenario);
  const m = model.metrics;
  const answers = await detectLater(model, id, scenario);
  const answered = answers.filter((a) => a.answer.label !== 'uncertain');
  const share = (n: number) => n / answers.length;
  return {
    id,
    reported: m.balancedAccuracy ?? null,
    interval: m.interval ?? [0, 1],
    verdict: m.verdict ?? '?',
    randomSplit: m.randomSplitAccuracy ?? NaN,
    later: balanced(answers.map((a) => ({ mood: a.mood, label: a.answer.guess }))),
    answered: share(answered.length),
    laterAnswered: answered.length > 0 ? balanced(answered.map((a) => ({ mood: a.mood, label: a.answer.label }))) : null,
    unfamiliar: share(answers.filter((a) => a.answer.reason === 'unfamiliar').length),
    uncertain: share(answers.length - answered.length),
    ece: m.calibration?.ece ?? NaN,
    limit: model.familiarity?.threshold ?? NaN,
  };
}

const pct = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}`);
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: readonly number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function table(scenario: Scenario, rows: readonly PersonResult[]): string {
  const head =
    '| person | reported (held out, balanced) | 95 % interval | verdict | random split, as published | later blocks (guesses, balanced) | answered | answers right (balanced) | unfamiliar | uncertain | ECE | limit |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const line = (r: PersonResult) =>
    `| ${r.id} | ${pct(r.reported)} | ${pct(r.interval[0])}–${pct(r.interval[1])} | ${r.verdict} | ${pct(r.randomSplit)} | ${pct(r.later)} | ${pct(r.answered)} | ${pct(r.laterAnswered)} | ${pct(r.unfamiliar)} | ${pct(r.uncertain)} | ${r.ece.toFixed(3)} | ${r.limit.toFixed(2)} |`;
  const ms = (pick: (r: PersonResult) => number | null) => {
    const v = rows.map(pick).filter((x): x is number => x !== null && !Number.isNaN(x));
    return v.length ? `${pct(mean(v))} ± ${pct(sd(v))}` : '–';
  };
  const verdicts = ['separable', 'not-separable', 'not-measurable'].map((v) => `${rows.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  const summary = `| mean ± sd | ${ms((r) => r.reported)} | | ${verdicts} | ${ms((r) => r.randomSplit)} | ${ms((r) => r.later)} | ${ms((r) => r.answered)} | ${ms((r) => r.laterAnswered)} | ${ms((r) => r.unfamiliar)} | ${ms((r) => r.uncertain)} | | |`;
  const measured = rows.filter((r) => r.verdict !== 'not-separable');
  const gap = rows.filter((r) => r.reported !== null).map((r) => (r.reported as number) - r.later);
  return (
    `### ${scenario.name}: recorded ${scenario.recordedShare ? `the first ${scenario.recordedShare * 100} % of ` : ''}${scenario.recorded.join(', ')}; detected on ${scenario.recordedShare ? 'the rest of ' : ''}${scenario.later.join(', ')}\n\n${head}\n${rows.map(line).join('\n')}\n${summary}\n\n` +
    `Reported minus later (mean): ${pct(mean(gap))} points. Unfamiliar or uncertain on later windows, median over the ` +
    `${measured.length} people whose verdict is not not-separable: ${measured.length ? pct(median(measured.map((r) => r.uncertain))) : '–'} % ` +
    `(unfamiliar alone ${measured.length ? pct(median(measured.map((r) => r.unfamiliar))) : '–'} %).\n`
  );
}

async function main() {
  const ids = stressPredictIds();
  console.log(`real-affect bench: ${ids.length} Stress-Predict development people (${ids.join(', ')}); 10-s windows; rest vs stress, chance 50 %\n`);
  for (const scenario of SCENARIOS) {
    const rows: PersonResult[] = [];
    for (const id of ids) rows.push(await evaluate(id, scenario));
    console.log(table(scenario, rows));
  }
}

if (require.main === module) void main();
