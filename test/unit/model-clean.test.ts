import assert from 'node:assert/strict';
import type { SensorRecord } from '../../src/record/record';
import { cleanRecords } from '../../src/model/clean';
import { phasicByLabel } from '../../src/model/phasic-windows';
import { mulberry32 } from '../../src/model/prng';
import { stratifiedSplit } from '../../src/model/split';

const LABELS = ['angry', 'happy', 'sad'];

function session(mood: string, session: string, start: number, seconds: number, extra: Partial<SensorRecord> = {}): SensorRecord[] {
  return Array.from({ length: seconds }, (_, i) => ({
    participant: 'ana',
    timestamp: start + i * 1000,
    gsr: 5 + i,
    bpm: 70,
    mood,
    session,
    ...extra,
  }));
}

describe('cleaning', () => {
  it('drops the first warm-up seconds of each session, wherever its rows sit in the input', () => {
    const a = session('happy', 's1', 0, 30);
    const b = session('sad', 's2', 100_000, 30);
    // interleaved, out of order
    const records = [...b.slice(15), ...a.reverse(), ...b.slice(0, 15)];
    const clean = cleanRecords(records, ['gsr', 'bpm'], LABELS, 10);
    assert.equal(clean.droppedWarmup, 20);
    assert.equal(clean.x.length, 40);
    // first kept gsr of each session is the 11th second (5 + 10)
    assert.equal(Math.min(...clean.x.map((r) => r[0])), 15);
    assert.equal(clean.y.filter((c) => c === 1).length, 20);
    assert.equal(clean.y.filter((c) => c === 2).length, 20);
  });

  it('keeps sessions of different participants apart, and keeps everything with warm-up 0', () => {
    const records = [...session('happy', 's', 0, 20), ...session('happy', 's', 5_000, 20, { participant: 'ben' })];
    assert.equal(cleanRecords(records, ['gsr'], LABELS, 10).droppedWarmup, 20);
    assert.equal(cleanRecords(records, ['gsr'], LABELS, 0).x.length, 40);
  });

  it('drops and counts rows with a missing or non-finite feature, an unknown mood, or no timestamp', () => {
    const good = session('angry', 's', 0, 3);
    const bad = [
      { ...good[0], bpm: null },
      { ...good[0], gsr: Number.NaN },
      { ...good[0], bpm: Infinity },
      { ...good[0], gsr: '5' },
      { ...good[0], mood: 'bored' },
      { ...good[0], mood: undefined },
      { ...good[0], timestamp: undefined },
      null,
    ] as unknown as SensorRecord[];
    const clean = cleanRecords([...good, ...bad], ['gsr', 'bpm'], LABELS, 1);
    assert.equal(clean.droppedInvalid, bad.length);
    assert.equal(clean.droppedWarmup, 1);
    assert.deepEqual(clean.x, [
      [6, 70],
      [7, 70],
    ]);
    assert.deepEqual(clean.y, [0, 0]);
  });

  it('reads features by name in the order given, so records can carry more fields than the model uses', () => {
    const records = session('sad', 's', 0, 2, { hrvRmssd: 42 } as Partial<SensorRecord>);
    assert.deepEqual(cleanRecords(records, ['hrvRmssd', 'gsr'], LABELS, 0).x, [
      [42, 5],
      [42, 6],
    ]);
    assert.equal(cleanRecords(records, ['gsr', 'eda'], LABELS, 0).droppedInvalid, 2);
  });

  it('reports simulated data when any record is simulated', () => {
    const records = session('sad', 's', 0, 3);
    assert.equal(cleanRecords(records, ['gsr'], LABELS, 0).simulated, false);
    records[1].simulated = true;
    assert.equal(cleanRecords(records, ['gsr'], LABELS, 0).simulated, true);
  });
});

describe('stratified split', () => {
  const y = [...new Array(500).fill(0), ...new Array(300).fill(1), ...new Array(45).fill(2)];

  it('keeps each class in proportion, and splits every row exactly once', () => {
    const { train, test } = stratifiedSplit(y, 3, 0.2, mulberry32(42));
    assert.deepEqual(
      [0, 1, 2].map((c) => test.filter((i) => y[i] === c).length),
      [100, 60, 9],
    );
    assert.deepEqual([...train, ...test].sort((a, b) => a - b), y.map((_, i) => i));
  });

  it('is reproducible with the seed and shuffles within each class', () => {
    const a = stratifiedSplit(y, 3, 0.2, mulberry32(42));
    assert.deepEqual(a, stratifiedSplit(y, 3, 0.2, mulberry32(42)));
    assert.notDeepEqual(a.test, stratifiedSplit(y, 3, 0.2, mulberry32(43)).test);
    assert.notDeepEqual(
      a.test.filter((i) => y[i] === 0),
      Array.from({ length: 100 }, (_, i) => i),
      'not simply the first rows',
    );
  });

  it('leaves at least one row on each side for a tiny class', () => {
    const { train, test } = stratifiedSplit([0, 0, 1, 1, 1], 2, 0.01, mulberry32(1));
    assert.equal(test.length, 2);
    const large = stratifiedSplit([0, 0, 1, 1, 1], 2, 0.99, mulberry32(1));
    assert.equal(large.train.length, 2);
    assert.equal(train.length, 3);
  });

  it('reads phasic activity from runs of 10 readings inside one session, never across sessions or gaps', () => {
    const a = session('happy', 's1', 0, 15);
    const b = session('happy', 's2', 15_000, 15); // right after s1: a run across would still be 10 s long
    const gap = [...session('sad', 's3', 100_000, 5), ...session('sad', 's3', 160_000, 10).map((r) => ({ ...r, gsr: r.gsr + 5 }))];
    const clean = cleanRecords([...b, ...gap, ...a.reverse()], ['gsr', 'bpm'], LABELS, 0);
    const runs = phasicByLabel(clean, 0, LABELS.length); // emotion-infer's default window: 10 readings
    assert.equal(runs[0].length, 0);
    assert.equal(runs[1].length, 2 * (15 - 10 + 1), 'six runs in each happy session');
    assert.equal(runs[2].length, 1, 'only the run after the minute-long gap in the sad session');
    // each happy session is a straight line of GSR: no phasic activity in any of its runs
    assert.ok(runs[1].every((v) => v < 1e-12));
    assert.equal(phasicByLabel(clean, 0, LABELS.length, 5)[1].length, 2 * (15 - 5 + 1), 'a 5 s window: runs of 5 readings');
  });
});
