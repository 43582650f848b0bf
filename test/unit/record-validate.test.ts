import assert from 'node:assert/strict';
import { validateRecord } from '../../src/record/validate';

const good = { participant: ' Ana ', timestamp: 1_764_000_000_000, gsr: 2.5, bpm: 70, mood: 'happy', session: 's1' };

describe('record validation', () => {
  it('returns a clean copy with only the known fields', () => {
    assert.deepEqual(validateRecord({ ...good, extra: 'x', simulated: false }), { ...good, participant: 'Ana' });
    assert.deepEqual(validateRecord({ ...good, simulated: true, mood: null }), {
      participant: 'Ana', timestamp: good.timestamp, gsr: 2.5, bpm: 70, session: 's1', simulated: true,
    });
  });

  it('names the field that is wrong', () => {
    assert.throws(() => validateRecord('x'), /a record must be an object/);
    assert.throws(() => validateRecord({ ...good, participant: '../etc' }), /invalid participant name/);
    assert.throws(() => validateRecord({ ...good, bpm: Number.NaN }), /record\.bpm must be a finite number \(got NaN\)/);
    assert.throws(() => validateRecord({ ...good, gsr: '2.5' }), /record\.gsr must be a finite number \(got "2.5"\)/);
    assert.throws(() => validateRecord({ ...good, timestamp: -1 }), /ms since the epoch/);
    assert.throws(() => validateRecord({ ...good, session: '' }), /record\.session must be a non-empty string/);
    assert.throws(() => validateRecord({ ...good, simulated: 'yes' }), /record\.simulated must be true or false/);
    for (const ibiMs of ['800', [800, -1], [800, Number.NaN], [70_000], new Array(601).fill(800)]) {
      assert.throws(() => validateRecord({ ...good, ibiMs }), /record\.ibiMs must be a list of at most 600 beat intervals/);
    }
  });

  it('keeps the beat intervals of a record, as a copy', () => {
    const ibiMs = [812.5, 790];
    const clean = validateRecord({ ...good, ibiMs });
    assert.deepEqual(clean.ibiMs, [812.5, 790]);
    assert.notEqual(clean.ibiMs, ibiMs);
    assert.deepEqual(validateRecord({ ...good, ibiMs: [] }).ibiMs, []);
  });

  it('limits the mood to the labels when given', () => {
    assert.equal(validateRecord({ ...good, mood: 'bored' }).mood, 'bored');
    assert.throws(() => validateRecord({ ...good, mood: 'bored' }, ['angry', 'happy', 'sad']), /not one of the labels/);
  });
});
