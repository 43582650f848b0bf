import assert from 'node:assert/strict';
import { BeatDetector } from '../../src/signal/beat-detector';
import { BpmReporter } from '../../src/signal/bpm-reporter';
import { parsePulseMessage } from '../../src/signal/pulse-input';
import { syntheticPulse } from '../../src/signal/synthetic-pulse';

const pulse = (durationS: number, bpm = 72) => syntheticPulse({ bpm, durationS }).samples;

describe('BpmReporter', function () {
  it('reports on a grid of signal time, however the samples are batched', function () {
    const samples = pulse(10);
    const whole = new BpmReporter(new BeatDetector(), 'interval', 1000).feedBatch({ t0: 0, rateHz: 100, samples });
    const pieces = new BpmReporter(new BeatDetector(), 'interval', 1000);
    const batched = [];
    for (let i = 0; i < samples.length; i += 37) batched.push(...pieces.feedBatch({ t0: i * 10, rateHz: 100, samples: samples.slice(i, i + 37) }));
    assert.deepEqual(whole.map((r) => r.tMs), [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    assert.deepEqual(batched, whole);
  });

  it('after a gap gives one report and returns to the grid, never a burst of stale ones', function () {
    const r = new BpmReporter(new BeatDetector(), 'interval', 1000);
    const first = r.feedBatch({ t0: 0, rateHz: 100, samples: pulse(3) });
    const later = r.feedBatch({ t0: 10_050, rateHz: 100, samples: pulse(2) });
    assert.deepEqual(first.map((x) => x.tMs), [1000, 2000]);
    assert.deepEqual(later.map((x) => x.tMs), [10_050, 11_000, 12_000]);
  });

  it('hands on each counted interval once, with the report after its beat, however the reports fall', function () {
    const samples = pulse(20, 75);
    const intervals = new BpmReporter(new BeatDetector(), 'interval', 1000).feedBatch({ t0: 0, rateHz: 100, samples });
    const perBeat = new BpmReporter(new BeatDetector(), 'beat', 1000).feedBatch({ t0: 0, rateHz: 100, samples });
    const all = intervals.flatMap((r) => r.newIbiMs);
    // (the beats after the last report wait for the next one)
    assert.deepEqual(all, perBeat.flatMap((r) => r.newIbiMs).slice(0, all.length));
    assert.ok(all.length >= 20 && all.every((ibi) => Math.abs(ibi - 800) <= 10), all.join(' '));
    // about 1.25 beats a second: one or two intervals in each report once the rhythm is found (its first three come together)
    assert.ok(intervals.slice(4).every((r) => r.newIbiMs.length >= 1 && r.newIbiMs.length <= 2));
    // a reset forgets what was not reported yet
    const r = new BpmReporter(new BeatDetector(), 'interval', 5000);
    r.feedBatch({ t0: 0, rateHz: 100, samples: pulse(4, 75) });
    r.reset();
    assert.deepEqual(r.feedBatch({ t0: 4000, rateHz: 100, samples: pulse(1.5, 75) }).flatMap((x) => x.newIbiMs), []);
  });

  it('in beat mode reports each beat, and once when contact is lost', function () {
    const r = new BpmReporter(new BeatDetector(), 'beat', 1000);
    const beats = r.feedBatch({ t0: 0, rateHz: 100, samples: pulse(6, 60) });
    assert.ok(beats.length >= 4 && beats.every((x) => x.state.quality !== 'no-contact'));
    const quiet = [...r.feedBatch({ t0: 6000, rateHz: 100, samples: new Array(400).fill(0) }), ...r.feedBatch({ t0: 10_000, rateHz: 100, samples: new Array(100).fill(0) })];
    assert.equal(quiet.length, 1);
    assert.equal(quiet[0].state.quality, 'no-contact');
    assert.equal(quiet[0].state.bpm, null);
  });
});

describe('parsePulseMessage', function () {
  it('reads a batch, a timestamped sample (number or Date) and resets', function () {
    const batch = { t0: 5, rateHz: 100, samples: [1, 2] };
    assert.deepEqual(parsePulseMessage({ payload: batch }), { reset: false, batch, sample: null });
    assert.deepEqual(parsePulseMessage({ payload: 7, timestamp: new Date(1000) }).sample, { tMs: 1000, value: 7 });
    assert.deepEqual(parsePulseMessage({ payload: 'reset' }), { reset: true, batch: null, sample: null });
    assert.deepEqual(parsePulseMessage({ payload: batch, reset: true }), { reset: true, batch, sample: null });
  });

  it('accepts exactly 25-500 Hz', function () {
    for (const rateHz of [25, 500]) assert.ok(parsePulseMessage({ payload: { t0: 0, rateHz, samples: [] } }).batch);
    for (const rateHz of [24.9, 501, NaN]) assert.throws(() => parsePulseMessage({ payload: { t0: 0, rateHz, samples: [] } }), /25-500/);
  });

  it('rejects non-finite samples', function () {
    assert.throws(() => parsePulseMessage({ payload: { t0: 0, rateHz: 100, samples: [1, Infinity] } }), /samples\[1\]/);
    assert.throws(() => parsePulseMessage({ payload: NaN, timestamp: 1 }), /finite/);
  });
});
