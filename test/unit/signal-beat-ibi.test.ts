import assert from 'node:assert/strict';
import { IbiHistory } from '../../src/signal/ibi-history';

const history = () => new IbiHistory({ minIbiMs: 60000 / 220, maxIbiMs: 2000, historySize: 10, tolerance: 0.3 });
const feed = (h: IbiHistory, intervals: number[]) => intervals.map((i) => h.add(i));

describe('IbiHistory', function () {
  it('gives the mean rate of the counted intervals, and nothing before two', function () {
    const h = history();
    feed(h, [1000]);
    assert.equal(h.bpm(), null);
    feed(h, [1000, 500 + 500]);
    assert.equal(h.bpm(), 60);
    assert.deepEqual(h.intervals(), [1000, 1000, 1000]);
  });

  it('averages only the last ten intervals', function () {
    const h = history();
    feed(h, [...new Array(10).fill(1000), ...new Array(10).fill(800)]);
    assert.equal(h.bpm(), 75);
  });

  it('drops an interval outside 30-220 BPM or far from the usual one (a missed beat)', function () {
    const h = history();
    feed(h, [800, 800, 800, 800]);
    assert.deepEqual(h.add(1600), []);
    assert.deepEqual(h.add(2400), []);
    assert.deepEqual(h.add(200), []);
    assert.equal(h.bpm(), 75);
  });

  it('merges two short intervals that make one usual interval (a false beat between them)', function () {
    const h = history();
    feed(h, [800, 800, 800]);
    assert.deepEqual(h.add(350), []);
    assert.deepEqual(h.add(450), [800]);
    assert.equal(h.bpm(), 75);
  });

  it('counts a premature beat and its compensatory pause, both real', function () {
    const h = history();
    feed(h, [720, 720, 720, 720]);
    assert.deepEqual(h.add(480), []);
    assert.deepEqual(h.add(900), [480, 900]);
  });

  it('starts afresh when three rejected intervals agree (the rhythm changed)', function () {
    const h = history();
    feed(h, [1000, 1000, 1000, 1000]);
    assert.deepEqual(feed(h, [680, 690]), [[], []]);
    assert.deepEqual(h.add(670), [680, 690, 670]);
    assert.equal(h.bpm(), 88.23529411764706);
  });

  it('lets a warm-up interval that disagrees with the next ones go', function () {
    const h = history();
    feed(h, [415, 706, 700, 710]);
    assert.deepEqual(h.intervals(), [706, 700, 710]);
  });

  it('reads a bigeminal rhythm at 60·(n−1)/span: every premature beat and every pause counts', function () {
    const h = history();
    const pairs = feed(h, new Array(6).fill([650, 1350]).flat());
    assert.equal(h.usualMs(), 1000);
    assert.equal(h.bpm(), 60); // sinus at 60 BPM, half the beats premature: 60 beats a minute all the same
    assert.deepEqual(h.intervals(), new Array(5).fill([650, 1350]).flat());
    assert.deepEqual(pairs.slice(-2), [[], [650, 1350]]);
    assert.ok(h.recentVerdicts().every((v) => v === 'ectopic'));
  });

  it('reads a trigeminal rhythm at 60·(n−1)/span, and learns it from the start', function () {
    const h = history();
    const intervals = new Array(4).fill([1000, 650, 1350]).flat();
    feed(h, intervals);
    assert.deepEqual(h.intervals(), intervals.slice(-10));
    assert.equal(h.bpm(), (60000 * 10) / (1350 + 3 * 3000)); // the last 11 beats span 10,350 ms
    assert.equal(h.scattered(), false);
  });

  it('does not take two false beats in a row for a new rhythm', function () {
    const h = history();
    feed(h, [800, 800, 800, 800, 800]);
    assert.deepEqual(feed(h, [300, 500, 350, 450]), [[], [800], [], [800]]);
    assert.equal(h.bpm(), 75);
    assert.deepEqual(h.recentVerdicts().slice(-4), ['rejected', 'merged', 'rejected', 'merged']);
  });

  it('keeps the doubtful verdicts that led to a new rhythm, so it must prove itself', function () {
    const h = history();
    feed(h, [1000, 1000, 1000, 1000, 680, 690, 670]);
    assert.deepEqual(h.recentVerdicts().slice(-6), ['rejected', 'rejected', 'rejected', 'usual', 'usual', 'usual']);
  });

  it('calls the usual intervals scattered when their MAD is over 10 % of the median', function () {
    const steady = history();
    feed(steady, [800, 820, 790, 810, 800]);
    assert.equal(steady.scattered(), false);
    const scattered = history();
    feed(scattered, [800, 810, 790, 950, 650, 940, 660, 950, 650]);
    assert.equal(scattered.scattered(), true);
  });

  it('forgets everything on clear', function () {
    const h = history();
    feed(h, [800, 800, 800]);
    h.clear();
    assert.equal(h.bpm(), null);
    assert.deepEqual(h.intervals(), []);
  });
});
