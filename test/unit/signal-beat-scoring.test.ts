import assert from 'node:assert/strict';
import { matchBeats, meanAbsoluteError, windowBpm, windowErrors } from '../../src/signal/beat-scoring';

describe('beat scoring', function () {
  it('matches beats one to one within the tolerance', function () {
    const score = matchBeats([100, 1090, 1500, 2000, 3400], [100, 1000, 2050, 3000], 100);
    assert.deepEqual(score, { matched: 3, missed: 1, extra: 2, sensitivity: 0.75, precision: 0.6 });
  });

  it('scores only the beats inside the range, partners outside it still count', function () {
    // 1020 pairs with 980 (before the range), 3000 with 3010 (after it): neither counts as extra or missed
    const score = matchBeats([1020, 2000, 3010], [980, 2000, 3000], 50, 1000, 3005);
    assert.deepEqual(score, { matched: 2, missed: 0, extra: 0, sensitivity: 1, precision: 1 });
    assert.equal(matchBeats([1020, 2000, 3010], [980, 2000, 3000], 50).matched, 3);
  });

  it('derives a window rate from the beats in it', function () {
    assert.equal(windowBpm([0, 1000, 2000, 3000, 4000], 500, 4500), 60);
    assert.equal(windowBpm([0, 1000], 500, 4500), null);
  });

  it('charges a window the estimate leaves empty with the whole reference rate', function () {
    const reference = [0, 500, 1000, 1500, 2000, 2500, 3000, 3500];
    const errors = windowErrors(reference, (end) => (end <= 2000 ? 121 : null), 0, 4000, 2000);
    assert.deepEqual(errors.map((e) => e.error), [1, 120]);
    assert.equal(meanAbsoluteError(errors), 60.5);
  });
});
