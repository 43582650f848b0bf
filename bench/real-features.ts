// Which window features and window length real recordings support (docs/model.md): the product's trainer and
// answers on the Stress-Predict development people, every session's last 30 % held out in time, and the
// simulated hat replaying the same schedules beside them. Protocol in test/support/real-features.ts and
// docs/model.md. Run: npx tsx bench/real-features.ts (its table is in bench/README.md and docs/model.md)
import { WINDOW_CHOICES } from '../src/signal/window-features';
import { FEATURE_SETS, heldOutInTime, leaveOnePersonOut, realSession, simulatedSession, STATES, type Session } from '../test/support/real-features';
import { stressPredictIds } from '../test/support/real-recordings';

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: readonly number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const pct = (v: number) => (v * 100).toFixed(1);

async function scoreAll(sessions: readonly Session[]) {
  const balanced: Record<string, number[]> = {};
  const answered: Record<string, number[]> = {};
  for (const [name, features] of Object.entries(FEATURE_SETS)) {
    for (const w of WINDOW_CHOICES) {
      const key = `${name} @ ${w} s`;
      balanced[key] = [];
      answered[key] = [];
      for (const s of sessions) {
        const r = await heldOutInTime(s, features, w);
        balanced[key].push(r.balanced);
        answered[key].push(r.answered);
      }
    }
  }
  return { balanced, answered };
}

function table(title: string, scores: Awaited<ReturnType<typeof scoreAll>>): string {
  const head = `| ${title} | ${WINDOW_CHOICES.map((w) => `${w} s`).join(' | ')} |\n| --- |${WINDOW_CHOICES.map(() => ' --- |').join('')}`;
  const rows = Object.keys(FEATURE_SETS).map((name) => {
    const cells = WINDOW_CHOICES.map((w) => {
      const key = `${name} @ ${w} s`;
      const a = mean(scores.answered[key]);
      return `${pct(mean(scores.balanced[key]))} ± ${pct(sd(scores.balanced[key]))}${a < 0.995 ? ` (${pct(a)} % answered)` : ''}`;
    });
    return `| ${name} | ${cells.join(' | ')} |`;
  });
  return [head, ...rows].join('\n');
}

async function main() {
  const ids = stressPredictIds();
  const t0 = Date.now();
  console.log(`real-features bench: ${ids.length} Stress-Predict development people, states ${STATES.join(' / ')} (chance 33.3 %);`);
  console.log('each session\'s last 30 % held out in time; balanced accuracy %, mean ± sd over people (unanswered windows wrong)\n');
  const real = await scoreAll(ids.map((id) => realSession(id)));
  console.log(table('real recordings', real));
  const lopo = leaveOnePersonOut(real.balanced);
  const counts = new Map<string, number>();
  for (const c of lopo.chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
  console.log(
    `\nleave-one-person-out choice: ${[...counts].map(([c, n]) => `${c} (${n}×)`).join(', ')}; ` +
      `the chosen configuration on the person left out: ${pct(mean(lopo.score))} ± ${pct(sd(lopo.score))} %`,
  );
  const published = real.balanced[`${Object.keys(FEATURE_SETS)[0]} @ 10 s`];
  const better = lopo.score.filter((s, i) => s > published[i]).length;
  console.log(`against the published set at 10 s, person by person: better for ${better}, worse for ${lopo.score.filter((s, i) => s < published[i]).length}`);
  const sim = await scoreAll(ids.map((id) => simulatedSession(id)));
  console.log(`\n${table('simulated hat, same schedules', sim)}`);
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

void main();
