// How the "unfamiliar" threshold (src/model/familiarity.ts) was chosen: simulated participants record
// angry, happy and sad for 90 s each (as the demo seed does) and train; then, on held-out sessions hours
// later, 10-s detection windows after 10 s of settling are scored for the trained moods and for calm,
// which no model saw (test/support/held-out-sessions.ts). For each candidate threshold: how often a
// trained mood is called unfamiliar and how often calm is.
// Run: npx tsx bench/unfamiliar-threshold.ts   (PARTICIPANTS=24 FIRST=48 for another group of people)
import { UNFAMILIAR_THRESHOLD } from '../src/model/familiarity';
import { heldOutDistances, shareAbove } from '../test/support/held-out-sessions';

const PARTICIPANTS = Number(process.env.PARTICIPANTS ?? 120);

async function main() {
  const { trained, calm } = await heldOutDistances(PARTICIPANTS, Number(process.env.FIRST ?? 0));
  console.log(`${PARTICIPANTS} participants, ${trained.length} windows of trained moods, ${calm.length} calm windows`);
  console.log('threshold  trained moods unfamiliar  calm unfamiliar');
  for (const t of [2, 2.25, 2.5, 2.6, 2.7, 2.8, 2.9, 3, 3.5, 4]) {
    const mark = t === UNFAMILIAR_THRESHOLD ? '  <- UNFAMILIAR_THRESHOLD' : '';
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    console.log(`${t.toFixed(2).padStart(9)}  ${pct(shareAbove(trained, t)).padStart(26)}  ${pct(shareAbove(calm, t)).padStart(15)}${mark}`);
  }
}

void main();
