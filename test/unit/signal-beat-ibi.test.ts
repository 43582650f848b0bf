import assert from 'node:assert/strict';
import { IbiHistory } from '../../src/signal/ibi-history';

const LIMITS = { minIbiMs: 60000 / 220, maxIbiMs: 2000, historySize: 10, windowMs: 10_000, minIntervals: 4, tolerance: 0.3 };
const history = () => new IbiHistory(LIMITS);

/** A history with its clock: each interval ends where the last one did plus its length (or a jump, for a gap). */
function clocked() {
  const h = history();
  let t = 0;
  return {
    h,
    /** feeds intervals, vouched or not; returns what each added */
    feed: (intervals: number[], vouched = false) => intervals.map((i) => h.add(i, (t += i), vouched)),
    now: () => t,
  };
}

describe('IbiHistory', function () {
  it('gives the mean rate of the counted intervals, and nothing before two', function () {
    const { h, feed, now } = clocked();
    feed([1000]);
    assert.equal(h.bpm(now()), null);
    feed([1000, 500 + 500]);
    assert.equal(h.bpm(now()), 60);
    assert.deepEqual(h.intervals(now()), [1000, 1000, 1000]);
  });

  it('averages the intervals that began in the last 10 s of signal, and at least four', function () {
    const { h, feed, now } = clocked();
    feed([...new Array(10).fill(1000), ...new Array(15).fill(800)]);
    assert.equal(h.bpm(now()), 75); // 12 of the 800 ms intervals began in the last 10 s, none of the 1000 ms ones
    assert.deepEqual(h.intervals(now()), new Array(12).fill(800));
    // 3 s later with no beat: what began in the last 10 s, here 8 intervals
    assert.equal(h.intervals(now() + 3000).length, 8);
    // a window reaching back into the slower rhythm averages both, as 60·(n−1)/span of its beats does
    const mixed = clocked();
    mixed.feed([...new Array(10).fill(1000), ...new Array(10).fill(800)]);
    assert.equal(mixed.h.bpm(mixed.now()), (60000 * 12) / 10_000);
    // at 30 BPM (2 s intervals) the window holds five
    const slow = clocked();
    slow.feed(new Array(10).fill(1900));
    assert.equal(slow.h.intervals(slow.now()).length, 5);
    assert.equal(slow.h.intervals(slow.now() + 9000).length, 4); // never fewer than four
  });

  it('drops an interval outside 30-220 BPM or far from the usual one (a missed beat)', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800, 800]);
    assert.deepEqual(feed([1600, 2400, 200]), [[], [], []]);
    assert.equal(h.bpm(now()), 75);
  });

  it('merges two short intervals that make one usual interval (a false beat between them)', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800]);
    assert.deepEqual(feed([350, 450]), [[], [800]]);
    assert.equal(h.bpm(now()), 75);
  });

  it('counts a premature beat and its compensatory pause, both real', function () {
    const { feed } = clocked();
    feed([720, 720, 720, 720]);
    assert.deepEqual(feed([480, 900]), [[], [480, 900]]);
  });

  it('starts afresh when three rejected intervals agree (the rhythm changed)', function () {
    const { h, feed, now } = clocked();
    feed([1000, 1000, 1000, 1000]);
    assert.deepEqual(feed([680, 690]), [[], []]);
    assert.deepEqual(feed([670]), [[680, 690, 670]]);
    assert.equal(h.bpm(now()), 88.23529411764706);
  });

  it('lets a warm-up interval that disagrees with the next ones go', function () {
    const { h, feed, now } = clocked();
    feed([415, 706, 700, 710]);
    assert.deepEqual(h.intervals(now()), [706, 700, 710]);
  });

  it('reads a bigeminal rhythm at 60·(n−1)/span: every premature beat and every pause counts', function () {
    const { h, feed, now } = clocked();
    const pairs = feed(new Array(6).fill([650, 1350]).flat());
    assert.equal(h.usualMs(), 1000);
    assert.equal(h.bpm(now()), 60); // sinus at 60 BPM, half the beats premature: 60 beats a minute all the same
    assert.deepEqual(h.intervals(now()), new Array(5).fill([650, 1350]).flat());
    assert.deepEqual(pairs.slice(-2), [[], [650, 1350]]);
    assert.ok(h.recentVerdicts().every((v) => v === 'ectopic'));
  });

  it('reads a trigeminal rhythm at 60·(n−1)/span, and learns it from the start', function () {
    const { h, feed, now } = clocked();
    const intervals = new Array(4).fill([1000, 650, 1350]).flat();
    feed(intervals);
    assert.deepEqual(h.intervals(now()), intervals.slice(-9)); // the beats of the last 10 s
    assert.equal(h.bpm(now()), 60);
    assert.equal(h.scattered(), false);
  });

  it('does not take two false beats in a row for a new rhythm', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800, 800, 800]);
    assert.deepEqual(feed([300, 500, 350, 450]), [[], [800], [], [800]]);
    assert.equal(h.bpm(now()), 75);
    assert.deepEqual(h.recentVerdicts().slice(-4), ['rejected', 'merged', 'rejected', 'merged']);
  });

  it('keeps the doubtful verdicts that led to a new rhythm, so it must prove itself', function () {
    const { h, feed } = clocked();
    feed([1000, 1000, 1000, 1000, 680, 690, 670]);
    assert.deepEqual(h.recentVerdicts().slice(-6), ['rejected', 'rejected', 'rejected', 'usual', 'usual', 'usual']);
  });

  it('calls the usual intervals scattered when their MAD is over 10 % of the median', function () {
    const steady = clocked();
    steady.feed([800, 820, 790, 810, 800]);
    assert.equal(steady.h.scattered(), false);
    const scattered = clocked();
    scattered.feed([800, 810, 790, 950, 650, 940, 660, 950, 650]);
    assert.equal(scattered.h.scattered(), true);
  });

  it('forgets everything on clear', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800]);
    h.clear();
    assert.equal(h.bpm(now()), null);
    assert.deepEqual(h.intervals(now()), []);
  });

  it('counts intervals between vouched beats as they are: a couplet and its pause, beat by beat', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800, 800], true);
    // two premature ventricular beats in a row, then the pause: unvouched, the pair would pass for a false beat
    assert.deepEqual(feed([440, 440, 1520, 800], true), [[440], [440], [1520], [800]]);
    assert.deepEqual(h.recentVerdicts().slice(-4), ['ectopic', 'ectopic', 'ectopic', 'usual']);
    assert.equal(h.bpm(now()), (60000 * 8) / 6400);
    const unvouched = clocked();
    unvouched.feed([800, 800, 800, 800]);
    assert.deepEqual(unvouched.feed([440, 440]), [[], [880]]); // merged
  });

  it('still leaves out a long vouched interval that no premature beat came before (a missed beat)', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800, 800], true);
    assert.deepEqual(feed([1600], true), [[]]);
    assert.deepEqual(h.recentVerdicts().at(-1), 'rejected');
    assert.equal(h.bpm(now()), 75);
  });

  it('counts a pending vouched interval in the reading, if it would count', function () {
    const { h, feed, now } = clocked();
    feed([800, 800, 800, 800, 800], true);
    assert.deepEqual(h.intervals(now() + 500, { ms: 480, at: now() + 480 }), [800, 800, 800, 800, 800, 480]);
    assert.deepEqual(h.intervals(now() + 1700, { ms: 1600, at: now() + 1600 }), [800, 800, 800, 800, 800]); // a missed beat: no
  });

  it('counts the compensatory pause after a couplet even beyond the slowest rate, and not a pause with a missed beat', function () {
    const { h, feed, now } = clocked();
    feed([1080, 1100, 1060, 1090, 1070], true);
    // two PVCs at 55 % and the pause that completes three sinus intervals: 2.1 s, beyond 30 BPM's 2 s
    assert.deepEqual(feed([590, 590, 2110], true), [[590], [590], [2110]]);
    assert.equal(Math.round(h.bpm(now()) ?? 0), Math.round((60000 * 8) / (5400 + 3290)));
    // a PVC and then a missed beat: 0.55 + 2.45 usual intervals is one more than a pause makes up
    assert.deepEqual(feed([1080, 1080, 600, 2640], true).slice(-1), [[]]);
  });

  it('keeps the usual interval at the sinus one under frequent couplets (premature runs and their pauses averaged)', function () {
    const { h, feed } = clocked();
    feed(new Array(4).fill([1000, 1000, 550, 550, 1900]).flat(), true);
    assert.ok(Math.abs(h.usualMs() - 1000) <= 20, `usual ${h.usualMs()}`);
  });

  it('learns a rhythm with couplets from the start, whoever vouches for the beats (a warm-up interval does not count)', function () {
    const { h, feed, now } = clocked();
    feed([420, 800, 440, 440, 1520, 800, 800, 440, 440, 1520, 800, 800], true);
    assert.ok(Math.abs(h.usualMs() - 800) <= 20, `usual ${h.usualMs()}`);
    assert.ok(!h.intervals(now()).includes(420));
    assert.ok(Math.abs((h.bpm(now()) ?? 0) - 75) < 1, `${h.bpm(now())} BPM`);
  });

  it('merges a premature run that holds a false beat (noise in the pause), and doubts it', function () {
    const { h, feed, now } = clocked();
    feed([830, 830, 830, 830, 830], true);
    // a PVC at 440, then noise 675 ms later splits its 1220 ms pause: 440 + 675 hold one beat too many (they
    // span 1.3 usual intervals), so they merge into one; the rest of the pause, 545, waits for its end
    assert.deepEqual(feed([440, 675, 545], true), [[440], [1115], [545]]);
    assert.equal(h.openRun(), 1);
    assert.deepEqual(feed([830], true), [[830]]);
    assert.deepEqual(h.recentVerdicts().slice(-4), ['merged', 'merged', 'ectopic', 'usual']);
    assert.equal(h.bpm(now()), 60000 / 830); // as many intervals as the true beats make over the same span
    // a real PVC and its pause are left as they are
    const real = clocked();
    real.feed([830, 830, 830, 830, 830], true);
    assert.deepEqual(real.feed([440, 1220, 830], true), [[440], [1220], [830]]);
    assert.equal(real.h.openRun(), 0);
  });

  it('counts how many premature intervals in a row still wait for their pause', function () {
    const { h, feed } = clocked();
    feed([1000, 1000, 1000, 1000, 550], true);
    assert.equal(h.openRun(), 1);
    feed([550], true);
    assert.equal(h.openRun(), 2);
    feed([1900], true);
    assert.equal(h.openRun(), 0);
  });
});
