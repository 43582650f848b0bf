import assert from 'node:assert/strict';
import { BeatDetector, type Beat, type HeartState } from '../../src/signal/beat-detector';
import { matchBeats } from '../../src/signal/beat-scoring';
import { syntheticPulse, type SyntheticPulseOptions } from '../../src/signal/synthetic-pulse';
import { SimulatedHat, PULSE_CHANNEL } from '../../src/hat/simulated-hat';

const PPG = { shape: 'ppg', amplitude: 300, offset: 2000 } as const;

/** Runs a synthetic signal through a fresh detector; scores beats after the 1 s warm-up. */
function run(options: Partial<SyntheticPulseOptions>, detector = new BeatDetector()) {
  const rateHz = options.rateHz ?? 100;
  const signal = syntheticPulse(options);
  const beats = detector.processBatch({ t0: 0, rateHz, samples: signal.samples });
  const endMs = (signal.samples.length * 1000) / rateHz;
  const score = matchBeats(beats.map((b) => b.tMs), signal.beatsMs, 150, 1300, endMs - 400);
  return { beats, score, state: detector.current(), detector };
}

function assertRate(state: HeartState, bpm: number, within: number) {
  assert.ok(state.bpm !== null && Math.abs(state.bpm - bpm) <= within, `bpm ${state.bpm}, expected ${bpm} ± ${within}`);
}

describe('BeatDetector on synthetic pulses', function () {
  it('finds every ear-clip pulse at 100 Hz and reports the rate', function () {
    const { score, state } = run({ bpm: 72 });
    assert.equal(score.sensitivity, 1);
    assert.equal(score.precision, 1);
    assertRate(state, 72, 0.3);
    assert.equal(state.quality, 'good');
    // the reading is over the intervals of the last 10 s of signal: at 72 BPM, 11 or 12 of them
    assert.ok(state.ibiMs.length >= 11 && state.ibiMs.length <= 12, `${state.ibiMs.length} intervals`);
    assert.ok(state.ibiMs.reduce((s, x) => s + x, 0) <= 10_000 + 1000);
  });

  it('reads over the last 10 s of signal, and at least four intervals when the rate is slow', function () {
    for (const bpm of [35, 60, 150]) {
      const { state } = run({ bpm, durationS: 40 });
      const span = state.ibiMs.reduce((s, x) => s + x, 0);
      assert.ok(state.ibiMs.length >= 4, `${bpm} BPM: ${state.ibiMs.length} intervals`);
      // the intervals began in the last 10 s (the first of four may begin earlier at 35 BPM)
      if (state.ibiMs.length > 4) assert.ok(span <= 10_000 + 60000 / bpm, `${bpm} BPM: ${span} ms`);
      assertRate(state, bpm, 0.5);
    }
  });

  for (const rateHz of [25, 50, 250, 500]) {
    it(`gives the same rate at ${rateHz} Hz`, function () {
      const { score, state } = run({ bpm: 72, rateHz });
      assert.equal(score.sensitivity, 1);
      assertRate(state, 72, 0.5);
    });
  }

  for (const bpm of [31, 50, 120, 180, 210]) {
    it(`tracks ${bpm} BPM (ear clip and PPG), never losing contact between beats`, function () {
      for (const shape of [{}, PPG]) {
        const det = new BeatDetector();
        const { samples } = syntheticPulse({ ...shape, bpm, durationS: 40 });
        for (let i = 0; i < samples.length; i++) {
          det.processSample(i * 10, samples[i]);
          if (i > 500 && i % 10 === 0) assert.notEqual(det.current().quality, 'no-contact', `at ${i * 10} ms`);
        }
        assertRate(det.current(), bpm, 0.5);
      }
    });
  }

  it('counts one beat per PPG wave despite its dicrotic wave', function () {
    const { score, state } = run({ ...PPG, bpm: 60 });
    assert.equal(score.precision, 1);
    assert.equal(score.sensitivity, 1);
    assertRate(state, 60, 0.3);
  });

  it('copes with noise (SNR ~ 14 dB on the PPG)', function () {
    const { score, state } = run({ ...PPG, bpm: 80, noise: 60, durationS: 60 });
    assert.ok(score.sensitivity >= 0.98 && score.precision >= 0.98, JSON.stringify(score));
    assertRate(state, 80, 2);
  });

  it('copes with baseline wander as large as the pulse', function () {
    const { score, state } = run({ ...PPG, bpm: 70, wander: { amplitude: 300, hz: 0.25 }, durationS: 60 });
    assert.ok(score.sensitivity >= 0.98 && score.precision >= 0.98, JSON.stringify(score));
    assertRate(state, 70, 1);
  });

  it('rides out a module that now and then misses a pulse or adds a false one', function () {
    const { samples, beatsMs } = syntheticPulse({ bpm: 75, durationS: 120 });
    // every 17th pulse missing, and a false pulse 300-590 ms after every 13th
    beatsMs.forEach((t, k) => {
      const i = Math.round(t / 10);
      if (k % 17 === 5) samples.fill(0, i, i + 8);
      else if (k % 13 === 7) samples.fill(4000, i + 30 + (k % 30), i + 38 + (k % 30));
    });
    const det = new BeatDetector();
    const errors: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      det.processSample(i * 10, samples[i]);
      if (i < 500 || i % 100) continue;
      const { bpm, quality } = det.current();
      assert.notEqual(quality, 'no-contact', `at ${i * 10} ms`);
      if (bpm !== null) errors.push(Math.abs(bpm - 75));
    }
    const mae = errors.reduce((a, e) => a + e, 0) / errors.length;
    assert.ok(mae < 1, `MAE ${mae} BPM`);
  });

  it('withholds the number (null, noisy) while false pulses come with every beat, and is good again after', function () {
    const { samples, beatsMs } = syntheticPulse({ bpm: 75, durationS: 50 });
    // 20-30 s: a false pulse 300 ms after every beat (a clip that slips; exactly halfway would be a doubled rate)
    for (const t of beatsMs.filter((b) => b >= 20_000 && b < 30_000)) samples.fill(4000, t / 10 + 30, t / 10 + 38);
    const det = new BeatDetector();
    const states: Array<[number, HeartState]> = [];
    for (let i = 0; i < samples.length; i++) {
      det.processSample(i * 10, samples[i]);
      if (i % 100 === 0) states.push([i * 10, det.current()]);
    }
    const at = (t: number) => states.find(([s]) => s === t)![1];
    assert.equal(at(19_000).quality, 'good');
    for (let t = 25_000; t < 31_000; t += 1000) {
      assert.equal(at(t).quality, 'noisy', `at ${t} ms`);
      assert.equal(at(t).bpm, null, `at ${t} ms`);
    }
    for (const [t, s] of states) if (s.quality === 'good') assert.ok(Math.abs(s.bpm! - 75) < 1, `good ${s.bpm} at ${t} ms`);
    assertRate(at(40_000), 75, 0.5);
    assert.equal(at(40_000).quality, 'good');
  });

  it('follows a step in rate within a few beats, up and down', function () {
    for (const [from, to] of [[60, 100], [100, 60], [60, 120]]) {
      const det = new BeatDetector();
      const signal = syntheticPulse({ bpm: (t) => (t < 20 ? from : to), durationS: 40 });
      const readings: Array<[number, number | null]> = [];
      for (let i = 0; i < signal.samples.length; i++) {
        det.processSample(i * 10, signal.samples[i]);
        if (i % 100 === 0) readings.push([i * 10, det.current().bpm]);
      }
      assertRate(det.current(), to, 0.5);
      const settled = readings.find(([t, b]) => t > 20000 && b !== null && Math.abs(b - to) < 1);
      assert.ok(settled && settled[0] < 32000, `${from}->${to}: settled at ${settled?.[0]}`);
    }
  });

  it('never reports above 220 BPM or below 30 BPM', function () {
    const fast = run({ bpm: 260, durationS: 20 });
    assert.ok(fast.beats.every((b) => b.bpm === null || b.bpm <= 220));
    const slow = run({ bpm: 25, durationS: 30 });
    assert.ok(slow.beats.every((b) => b.bpm === null), 'intervals over 2 s are not a rate');
  });

  it('handles a module that pulses low when inverted', function () {
    const { state } = run({ bpm: 80, amplitude: -4000, offset: 4000, durationS: 20 }, new BeatDetector({ invert: true }));
    assertRate(state, 80, 0.5);
  });

  it('sees a flat or saturated signal as no contact, and finds no beats in sensor noise', function () {
    const flat = run({ amplitude: 0, offset: 500, noise: 3, durationS: 20 });
    assert.equal(flat.beats.length, 0);
    assert.equal(flat.state.quality, 'no-contact');
    assert.equal(flat.state.bpm, null);

    const det = new BeatDetector();
    det.processBatch({ t0: 0, rateHz: 100, samples: syntheticPulse({ bpm: 70, durationS: 10 }).samples });
    assert.equal(det.current().quality, 'good');
    det.processBatch({ t0: 10_000, rateHz: 100, samples: new Array(150).fill(4095) });
    assert.equal(det.current().quality, 'no-contact', 'pinned at the top rail for 1.5 s');
    assert.equal(det.current().bpm, null);
  });

  it('loses contact after 3 s without a beat, then recovers to the true rate without a spike', function () {
    const det = new BeatDetector();
    const a = syntheticPulse({ bpm: 70, durationS: 15 }).samples;
    const b = syntheticPulse({ bpm: 90, durationS: 20, seed: 2 }).samples;
    const signal = [...a, ...new Array(600).fill(0), ...b]; // the clip falls off for 6 s
    const states: Array<[number, HeartState]> = [];
    for (let i = 0; i < signal.length; i++) {
      det.processSample(i * 10, signal[i]);
      if (i % 50 === 0) states.push([i * 10, det.current()]);
    }
    const during = states.filter(([t]) => t > 18_300 && t < 21_000);
    assert.ok(during.length && during.every(([, s]) => s.quality === 'no-contact' && s.bpm === null));
    for (const [t, s] of states.filter(([t]) => t > 21_000)) {
      assert.ok(s.bpm === null || Math.abs(s.bpm - 90) < 2, `${s.bpm} at ${t} ms`);
    }
    assertRate(det.current(), 90, 0.5);
  });

  it('survives gaps in the input without measuring an interval across them', function () {
    const det = new BeatDetector();
    const { samples } = syntheticPulse({ bpm: 75, durationS: 30 });
    const found: Beat[] = [];
    // one-second batches, with batches 8, 9 and 17 lost
    for (let s = 0; s < 30; s++) {
      if (s === 8 || s === 9 || s === 17) continue;
      found.push(...det.processBatch({ t0: s * 1000, rateHz: 100, samples: samples.slice(s * 100, s * 100 + 100) }));
    }
    for (const beat of found) {
      if (beat.ibiMs !== null) assert.ok(Math.abs(beat.ibiMs - 800) < 30, `interval ${beat.ibiMs} at ${beat.tMs}`);
      if (beat.bpm !== null) assert.ok(Math.abs(beat.bpm - 75) < 1, `bpm ${beat.bpm} at ${beat.tMs}`);
    }
    assertRate(det.current(), 75, 0.5);
  });

  it('starts timing afresh when the clock goes backwards (a replay from t = 0)', function () {
    const det = new BeatDetector();
    det.processBatch({ t0: 100_000, rateHz: 100, samples: syntheticPulse({ bpm: 70, durationS: 10 }).samples });
    assert.equal(det.current().quality, 'good');
    det.processBatch({ t0: 0, rateHz: 100, samples: new Array(400).fill(0) });
    assert.equal(det.current().quality, 'no-contact');
    det.processBatch({ t0: 4000, rateHz: 100, samples: syntheticPulse({ bpm: 95, durationS: 15 }).samples });
    assertRate(det.current(), 95, 0.5);
  });

  it('gives the same beats sample by sample as in batches', function () {
    const { samples } = syntheticPulse({ ...PPG, bpm: 77, noise: 20 });
    const batch = new BeatDetector().processBatch({ t0: 5000, rateHz: 100, samples });
    const single = new BeatDetector();
    const one = samples.map((v, i) => single.processSample(5000 + i * 10, v)).filter((b) => b !== null);
    assert.deepEqual(one, batch);
  });

  it('forgets everything on reset', function () {
    const det = new BeatDetector();
    det.processBatch({ t0: 0, rateHz: 100, samples: syntheticPulse({ bpm: 100, durationS: 10 }).samples });
    assert.ok(det.current().beats > 10);
    det.reset();
    assert.deepEqual(det.current(), { bpm: null, ibiMs: [], quality: 'no-contact', beats: 0 });
    det.processBatch({ t0: 0, rateHz: 100, samples: syntheticPulse({ bpm: 50, durationS: 15 }).samples });
    assertRate(det.current(), 50, 0.3);
  });

  it('reads the simulated hat ear clip at its true heart rate, in fast time', function () {
    const t0 = 1_700_000_000_000;
    const hat = new SimulatedHat({ seed: 3, participant: 'Ana', now: () => t0 });
    hat.setStimulus('angry', t0 + 20_000);
    const det = new BeatDetector();
    const errors: number[] = [];
    for (let i = 0; i < 60 * 100; i++) {
      const t = t0 + i * 10;
      det.processSample(t, hat.rawAt(PULSE_CHANNEL, t));
      const { bpm } = det.current();
      // the detector averages ~10 beats; compare where the true rate has been steady for that long
      if (i % 100 === 0 && bpm !== null && (t < t0 + 18_000 || t > t0 + 35_000)) errors.push(Math.abs(bpm - hat.heartRateAt(t)));
    }
    assert.ok(errors.length > 30);
    const mae = errors.reduce((s, e) => s + e, 0) / errors.length;
    assert.ok(mae < 2, `MAE ${mae.toFixed(2)} BPM against the simulator's true rate`);
  });
});

describe('BeatDetector with premature beats and compensatory pauses (synthetic PVC bigeminy and trigeminy)', function () {
  /** Where `counted` sits in `truth` as consecutive intervals (each within 15 ms), searching from the end; -1 if nowhere. */
  function locate(counted: number[], truth: number[]): number {
    for (let s = truth.length - counted.length; s >= 0; s--) {
      if (counted.every((c, j) => Math.abs(c - truth[s + j]) < 15)) return s;
    }
    return -1;
  }

  for (const [pattern, every] of [['bigeminy', 2], ['trigeminy', 3]] as const) {
    for (const bpm of [60, 75, 90, 105, 120]) {
      it(`reads ${pattern} at a sinus rate of ${bpm} BPM within 1 BPM of 60·(n−1)/span of its beats (ear clip and PPG)`, function () {
        for (const shape of [{}, PPG]) {
          const ectopic = { every, prematurity: 0.65, height: 1 };
          const signal = syntheticPulse({ ...shape, bpm, durationS: 60, ectopic });
          const truth = signal.beatsMs.slice(1).map((t, i) => t - signal.beatsMs[i]);
          const { score } = run({ ...shape, bpm, durationS: 60, ectopic });
          assert.equal(score.sensitivity, 1);
          assert.equal(score.precision, 1);
          const det = new BeatDetector();
          for (let i = 0; i < signal.samples.length; i++) {
            det.processSample(i * 10, signal.samples[i]);
            if (i < 1500 || i % 50) continue;
            const state = det.current();
            assert.equal(state.quality, 'good', `at ${i * 10} ms`);
            const n = state.ibiMs.length;
            assert.ok(state.bpm !== null && n >= 4);
            // the reading covers consecutive true beats of the last 10 s, the latest at most 2 s old
            const at = locate(state.ibiMs, truth);
            assert.ok(at >= 0, `at ${i * 10} ms the counted intervals are not consecutive true ones`);
            // (the detector times a pulse within ~15 ms of the synthetic onset)
            assert.ok(signal.beatsMs[at] >= i * 10 - 10_000 - 20, `the reading at ${i * 10} ms reaches back before the last 10 s`);
            assert.ok(signal.beatsMs[at + n] > i * 10 - 2000, `stale reading at ${i * 10} ms`);
            const span = signal.beatsMs[at + n] - signal.beatsMs[at];
            assert.ok(Math.abs(state.bpm - (60000 * n) / span) <= 1, `${state.bpm} BPM at ${i * 10} ms, beats say ${(60000 * n) / span}`);
          }
        }
      });
    }
  }

  it('withholds the number when a PPG\'s premature pulses are too weak to see (trigeminy, 60 % height)', function () {
    const signal = syntheticPulse({ ...PPG, bpm: 90, durationS: 60, ectopic: { every: 3, prematurity: 0.65, height: 0.6 } });
    const det = new BeatDetector();
    for (let i = 0; i < signal.samples.length; i++) {
      det.processSample(i * 10, signal.samples[i]);
      if (i >= 1500 && i % 50 === 0) assert.deepEqual([det.current().bpm, det.current().quality], [null, 'noisy'], `at ${i * 10} ms`);
    }
  });
});
