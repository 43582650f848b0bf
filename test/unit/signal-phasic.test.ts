import assert from 'node:assert/strict';
import { phasicActivity } from '../../src/signal/phasic';

describe('phasic skin-conductance activity of a window', () => {
  it('is 0 for a steady level and for a straight-line drift: only responses count', () => {
    assert.equal(phasicActivity([5, 5, 5, 5, 5, 5]), 0);
    assert.ok(phasicActivity([5, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6])! < 1e-12);
  });

  it('grows with a response (a quick rise that fades), as a share of the level', () => {
    const flat = [5, 5.02, 4.98, 5, 5.01, 4.99, 5, 5.02, 4.99, 5];
    const response = [5, 5.02, 4.98, 5.4, 5.3, 5.2, 5.12, 5.08, 5.03, 5];
    assert.ok(phasicActivity(response)! > 5 * phasicActivity(flat)!);
    // the same shape at twice the level is the same share
    assert.ok(Math.abs(phasicActivity(response.map((v) => 2 * v))! - phasicActivity(response)!) < 1e-12);
  });

  it('says nothing for fewer than 5 readings or no conductance', () => {
    assert.equal(phasicActivity([5, 5.4, 5.1, 5]), undefined);
    assert.equal(phasicActivity([0, 0, 0, 0, 0]), undefined);
  });
});
