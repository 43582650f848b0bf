import assert from 'node:assert/strict';
import { linearLearnerChannels } from '../../src/model/linear-learner-csv';
import { prepareData } from '../../src/model/train';
import type { SensorRecord } from '../../src/record/record';
import { recordsWithWindowFeatures } from '../../src/model/window-rows';
import { RECOMMENDED_FEATURES } from '../../src/signal/window-features';
import { publishedLikeRecords } from '../reference/published-like';
import { readChannel, rowKeys } from '../support/linear-learner-csv';
import { realSession } from '../support/real-features';

const records = publishedLikeRecords(1500, 11, 60);

/** `seconds` one-second records of one session. */
function session(mood: string, name: string, start: number, seconds: number): SensorRecord[] {
  return Array.from({ length: seconds }, (_, i) => ({ participant: 'ana', timestamp: start + i * 1000, gsr: 4 + i / 10, bpm: 70 + (i % 7), mood, session: name }));
}

describe('Linear Learner training channels', () => {
  it('are headerless CSV: a class index first, then gsr and bpm, one row per line', () => {
    const ch = linearLearnerChannels(records, { participant: 'reference' });
    assert.deepEqual(ch.features, ['gsr', 'bpm']);
    assert.deepEqual(ch.labels, ['angry', 'happy', 'sad']);
    for (const text of [ch.train, ch.validation]) {
      assert.match(text.split('\n')[0], /^[0-2],\d+(\.\d+)?,\d+(\.\d+)?$/, 'first line is data, not a header');
      const rows = readChannel(text, 2);
      assert.ok(rows.y.every((k) => k >= 0 && k <= 2));
    }
    assert.equal(readChannel(ch.train, 2).y.length, ch.rows.train);
    assert.equal(readChannel(ch.validation, 2).y.length, ch.rows.validation);
  });

  it('hold exactly the local trainer\'s training and test rows, label indices in the label list\'s order', () => {
    const labels = ['sad', 'angry', 'happy']; // a different order must move the indices with it
    const ch = linearLearnerChannels(records, { participant: 'reference', labels });
    const local = prepareData(records, { participant: 'reference', labels });
    assert.deepEqual(rowKeys(readChannel(ch.train, 2)), rowKeys(local.train));
    assert.deepEqual(rowKeys(readChannel(ch.validation, 2)), rowKeys(local.test));
    const sadRow = records.find((r) => r.mood === 'sad' && local.test.x.some((x) => x[0] === r.gsr && x[1] === r.bpm))!;
    assert.ok(ch.validation.includes(`0,${sadRow.gsr},${sadRow.bpm}\n`), 'sad is index 0 here');
    assert.deepEqual(ch.rows.trainPerLabel, [0, 1, 2].map((k) => local.train.y.filter((y) => y === k).length));
  });

  it('are shuffled (records come one mood per session), the same way for the same seed', () => {
    const ch = linearLearnerChannels(records, { participant: 'reference' });
    const y = readChannel(ch.train, 2).y;
    const runs = y.filter((k, i) => i > 0 && k !== y[i - 1]).length;
    assert.ok(runs > y.length / 3, `labels interleave (${runs} changes in ${y.length} rows)`);
    assert.equal(linearLearnerChannels(records, { participant: 'reference' }).train, ch.train);
    assert.notEqual(linearLearnerChannels(records, { participant: 'reference', seed: 7 }).train, ch.train);
  });

  it('drop the warm-up and the bad rows the local trainer drops: missing fields, NaN, a mood not in the list', () => {
    const good = [...session('angry', 'a', 0, 40), ...session('happy', 'h', 100_000, 40), ...session('sad', 's', 200_000, 40)];
    const bad = [
      { participant: 'ana', timestamp: 250_000, bpm: 70, mood: 'sad', session: 's' },
      { participant: 'ana', timestamp: 250_001, gsr: Number.NaN, bpm: 70, mood: 'sad', session: 's' },
      { participant: 'ana', timestamp: 250_002, gsr: 5, bpm: 70, mood: 'bored', session: 's' },
      { participant: 'ana', timestamp: 250_003, gsr: 5, bpm: 70, session: 's' },
      null,
    ] as unknown as SensorRecord[];
    const ch = linearLearnerChannels([...good, ...bad], { participant: 'ana' });
    assert.equal(ch.rows.droppedInvalid, 5);
    assert.equal(ch.rows.droppedWarmup, 30, '10 s of each of the three sessions');
    assert.equal(ch.rows.train + ch.rows.validation, 90);
    assert.doesNotMatch(ch.train + ch.validation, /NaN|bored|undefined|null/);
  });

  it('follow the model\'s feature list: a real person\'s 30-s window features, in its order, as the local trainer learns them', () => {
    const person = realSession('S02');
    const stateOf = (r: SensorRecord) => person.blocks.find((b) => r.timestamp >= b.start && r.timestamp < b.end)?.state;
    const records = person.records.map((r) => ({ ...r, mood: stateOf(r) })).filter((r) => r.mood !== undefined);
    const options = { participant: 'S02', labels: ['rest', 'stroop', 'interview'], features: [...RECOMMENDED_FEATURES], windowSeconds: 30 };
    const ch = linearLearnerChannels(records, options);
    assert.deepEqual(ch.features, RECOMMENDED_FEATURES);
    const local = prepareData(records, options);
    const train = readChannel(ch.train, RECOMMENDED_FEATURES.length);
    assert.deepEqual(rowKeys(train), rowKeys(local.train));
    assert.deepEqual(rowKeys(readChannel(ch.validation, RECOMMENDED_FEATURES.length)), rowKeys(local.test));
    // a row is the window ending at a record, not the record: its features are those windowFeatures gives
    const windows = recordsWithWindowFeatures(records, 30).records;
    const row = train.x[0];
    assert.ok(
      windows.some((w) => RECOMMENDED_FEATURES.every((name, i) => w[name as keyof SensorRecord] === row[i])),
      `row ${row.join(',')} is one window's features`,
    );
    assert.ok(train.x.some((x) => x[RECOMMENDED_FEATURES.indexOf('scrCount')] > 0), 'skin responses are counted');
  });

  it('fail with the local trainer\'s message when there are no rows, or too few of a mood', () => {
    assert.throws(() => linearLearnerChannels([], { participant: 'ana' }), /no records for participant 'ana'/);
    const noSad = [...session('angry', 'a', 0, 40), ...session('happy', 'h', 100_000, 40), ...session('sad', 's', 200_000, 15)];
    assert.throws(() => linearLearnerChannels(noSad, { participant: 'ana' }), /too few usable rows for participant 'ana': 'sad' 5 \(need at least 10 each/);
  });
});
