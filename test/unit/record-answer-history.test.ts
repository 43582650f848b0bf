import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerHistory, HISTORY_LIMIT, historyEntry, type HistoryEntry } from '../../src/record/answer-history';
import { historyPath } from '../../src/record/paths';

const entry = (i: number, participant = 'Zoë'): HistoryEntry => ({ timestamp: 1_764_000_000_000 + i * 1000, participant, emotion: 'happy', confidence: 0.9, gsr: 4.2, bpm: 72 });

describe('answer history', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'emotion-history-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each participant\'s answers in the user directory, newest first, across instances (a restart)', async () => {
    const a = new AnswerHistory(dir);
    await a.add(entry(1));
    await a.add(entry(2));
    await a.add(entry(3, 'Ana'));
    const later = new AnswerHistory(dir);
    assert.deepEqual((await later.recent('zoë')).rows.map((e) => e.timestamp), [entry(2).timestamp, entry(1).timestamp]);
    assert.equal((await later.recent('Ana')).rows.length, 1);
    assert.deepEqual(await later.recent('Nobody'), { rows: [] });
    const file = join(dir, 'emotion-iot', 'history', 'ana-.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'health data: owner only');
  });

  it('is bounded: only the newest answers are kept', async () => {
    const h = new AnswerHistory(dir, 5);
    for (let i = 0; i < 8; i++) await h.add(entry(i));
    const kept = (await h.recent('Zoë')).rows;
    assert.deepEqual(kept.map((e) => e.timestamp), [7, 6, 5, 4, 3].map((i) => entry(i).timestamp));
    assert.ok(HISTORY_LIMIT >= 10, 'at least what the page shows');
  });

  it('loses no answer when many arrive at once', async () => {
    const h = new AnswerHistory(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.add(entry(i))));
    assert.equal((await h.recent('Zoë')).rows.length, 20);
  });

  it('deletes a participant\'s history', async () => {
    const h = new AnswerHistory(dir);
    await h.add(entry(1));
    await h.delete('ZOË');
    assert.deepEqual(await h.recent('Zoë'), { rows: [] });
    assert.equal(existsSync(join(dir, 'emotion-iot', 'history')), true);
  });

  it('moves a damaged history aside, names where, and goes on with a fresh one', async () => {
    const h = new AnswerHistory(dir);
    await h.add(entry(1));
    const path = historyPath(dir, 'Zoë');
    for (const [text, why] of [
      ['[{"timestamp": 1, "partic', /not JSON/],
      ['{"rows": []}', /not a list of answers/],
      [JSON.stringify([entry(1, 'Bob')]), /answer 0 is of "Bob", another participant/],
      [JSON.stringify([{ ...entry(1), confidence: 'high' }]), /answer 0 is not an answer/],
    ] as const) {
      writeFileSync(path, text);
      const read = await h.recent('Zoë');
      assert.deepEqual(read.rows, [], 'nobody else\'s answers, nothing damaged');
      assert.match(read.setAside!.reason, why);
      assert.equal(readFileSync(read.setAside!.path, 'utf8'), text, 'kept as it was');
      assert.equal(existsSync(path), false);
      assert.deepEqual((await h.add(entry(2))).rows.map((e) => e.timestamp), [entry(2).timestamp], 'the next answer starts afresh');
    }
    assert.equal(readdirSync(join(dir, 'emotion-iot', 'set-aside', 'history')).length, 4);
  });

  it('takes emotion-infer\'s answer as it comes, and refuses anything else clearly', () => {
    const e = historyEntry('uncertain', { participant: 'Ana', timestamp: 5, confidence: 0.97, reason: 'unfamiliar', features: { gsr: 3, bpm: 60 } });
    assert.deepEqual(e, { timestamp: 5, participant: 'Ana', emotion: 'uncertain', confidence: 0.97, reason: 'unfamiliar', gsr: 3, bpm: 60 });
    assert.throws(() => historyEntry('happy', undefined), /msg.emotion.participant is missing/);
    assert.throws(() => historyEntry('happy', { participant: 'Ana', timestamp: 5, confidence: Number.NaN, features: { gsr: 3, bpm: 60 } }), /confidence must be a number/);
  });
});
