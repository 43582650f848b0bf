import { round3, type SensorRecord } from '../../src/record/record';
import { mulberry32 } from '../../src/model/prng';

/**
 * A deterministic data set shaped like the published one: 11,000 one-second records of one participant,
 * angry / happy / sad in the published class proportions (test split 760 / 799 / 669), angry well apart,
 * happy and sad overlapping (the published confusion mixed those two), numbers rounded to 3 decimals.
 */
const CLASSES = [
  { mood: 'angry', share: 760, gsr: [9.5, 1.0], bpm: [97, 5] },
  { mood: 'happy', share: 799, gsr: [6.3, 1.0], bpm: [80, 6] },
  { mood: 'sad', share: 669, gsr: [4.6, 1.0], bpm: [71, 6] },
] as const;

export function publishedLikeRecords(total = 11_000, seed = 7, sessionSeconds = 120): SensorRecord[] {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const shares = CLASSES.reduce((s, c) => s + c.share, 0);
  const records: SensorRecord[] = [];
  let t = Date.UTC(2026, 0, 1);
  let assigned = 0;
  CLASSES.forEach((c, k) => {
    const n = k === CLASSES.length - 1 ? total - assigned : Math.round((total * c.share) / shares);
    assigned += n;
    for (let i = 0; i < n; i++) {
      records.push({
        participant: 'reference',
        timestamp: (t += 1000),
        gsr: round3(c.gsr[0] + c.gsr[1] * normal()),
        bpm: round3(c.bpm[0] + c.bpm[1] * normal()),
        mood: c.mood,
        session: `${c.mood}-${Math.floor(i / sessionSeconds)}`,
      });
    }
  });
  return records;
}
