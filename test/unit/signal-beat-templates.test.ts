import assert from 'node:assert/strict';
import { BeatTemplates } from '../../src/signal/beat-templates';

// 41 points 2 samples apart, shifts up to ±6 samples: a segment of 93 samples with the R wave at its centre
const POINTS = 41;
const STEP = 2;
const REACH = 6;

/** A beat-like segment: a Gaussian bump of the given width and height centred `shift` samples off the middle, plus an offset. */
function segment(width: number, height: number, shift = 0, offset = 0, polarity = 1): Float64Array {
  const n = (POINTS - 1) * STEP + 1 + 2 * REACH;
  const mid = (n - 1) / 2 + shift;
  return Float64Array.from({ length: n }, (_, i) => offset + polarity * height * Math.exp(-(((i - mid) / width) ** 2)));
}

describe('BeatTemplates (beat matching in the manner of OSEA)', function () {
  it('matches a beat of a known shape whatever its offset and scale, at the shift that aligns it', function () {
    const t = new BeatTemplates(POINTS, STEP, REACH);
    assert.equal(t.learn(segment(4, 1), 0.8, [1]), 0);
    assert.equal(t.learn(segment(4, 1.1), 0.8, [1.1]), 0); // the same type: it has averaged two beats now
    const m = t.match(segment(4, 1.3, 3, 5), 2, 1.3);
    assert.equal(m.type, 0);
    assert.ok(m.corr > 0.99, `corr ${m.corr}`);
    assert.equal(m.shift, 3);
  });

  it('starts a new type for another shape, and tells them apart', function () {
    const t = new BeatTemplates(POINTS, STEP, REACH);
    t.learn(segment(4, 1), 0.8, [1]);
    assert.equal(t.learn(segment(14, 1, 0, 0, -1), 0.8, [1]), 1); // wide and inverted: a ventricular beat
    assert.equal(t.match(segment(14, 1.2, 0, 0, -1)).type, 1);
    assert.equal(t.match(segment(4, 0.9)).type, 0);
  });

  it('only offers types that have averaged `seen` beats and whose size is within a factor 3', function () {
    const t = new BeatTemplates(POINTS, STEP, REACH);
    t.learn(segment(4, 1), 0.8, [1]);
    assert.equal(t.match(segment(4, 1), 2).type, -1); // one beat may be noise
    t.learn(segment(4, 1), 0.8, [1]);
    assert.equal(t.match(segment(4, 1), 2, 1).type, 0);
    assert.equal(t.match(segment(4, 4), 2, 4).type, -1); // four times the type's level
    assert.equal(t.level(0, 0), 1);
    assert.equal(t.lowest(2, 0), 1);
    assert.equal(t.lowest(3, 0), Infinity);
  });

  it('keeps eight types, replacing the one matched longest ago', function () {
    const t = new BeatTemplates(POINTS, STEP, REACH);
    for (let k = 0; k < 8; k++) t.learn(segment(2 + 2 * k, 1, 0, 0, k % 2 ? -1 : 1), 0.999, [1]);
    t.learn(segment(2, 1), 0.999, [1]); // type 0 is used again: type 1 is now the oldest
    assert.equal(t.learn(segment(30, 1), 0.999, [1]), 1);
    t.clear();
    assert.equal(t.match(segment(2, 1)).type, -1);
  });
});
