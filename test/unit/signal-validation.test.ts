// The beat detector on real recordings (test/data/heart, see its README: from the HeartPy and wfdb-python
// repositories, MIT; the recordings are PhysioNet's: MIT-BIH Noise Stress Test, MIT-BIH Arrhythmia and
// European ST-T databases, ODC-By; test/data/real-physio: NeuroKit2's example recordings, MIT), and on MIT-BIH 100
// with noise added in the manner of the noise stress test (test/support/ecg-noise.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BeatDetector, type Beat, type BeatDetectorOptions, type HeartState } from '../../src/signal/beat-detector';
import { matchBeats, meanAbsoluteError, windowBpm, windowErrors } from '../../src/signal/beat-scoring';
import { addPvcs, type EctopyPattern } from '../support/ecg-ectopy';
import { addEcgNoise, type EcgNoise } from '../support/ecg-noise';
import { neurokitRecording, neurokitRPeaks, type PhysioRecording } from '../support/real-recordings';

const DATA = path.join(__dirname, '../data/heart');
const column = (file: string) => fs.readFileSync(path.join(DATA, file), 'utf8').trim().split('\n').map(Number);
// Signal ECG at the documented default: Min swing adaptive (no absolute threshold in any unit)
const ECG: Partial<BeatDetectorOptions> = { saturationLevel: null, waveform: 'ecg' };
// a flow saved before the adaptive default, with the former advice for an ECG in mV
const OLD_ECG: Partial<BeatDetectorOptions> = { minAmplitude: 0.1, saturationLevel: null, waveform: 'ecg' };

interface Run {
  beats: Beat[];
  /** how long after its own time each beat was final (ms) */
  latencies: number[];
  /** the detector's state once per second of signal: [t ms, state] */
  states: Array<[number, HeartState]>;
}

function replay(times: readonly number[], values: readonly number[], options: Partial<BeatDetectorOptions> = {}): Run {
  const detector = new BeatDetector(options);
  const beats: Beat[] = [];
  const latencies: number[] = [];
  const states: Array<[number, HeartState]> = [];
  let nextState = 1000;
  for (let i = 0; i < values.length; i++) {
    const beat = detector.processSample(times[i], values[i]);
    if (beat) {
      beats.push(beat);
      latencies.push(times[i] - beat.tMs);
    }
    if (times[i] >= nextState) {
      states.push([times[i], detector.current()]);
      nextState += 1000;
    }
  }
  return { beats, latencies, states };
}

const evenTimes = (n: number, rateHz: number) => Array.from({ length: n }, (_, i) => (i * 1000) / rateHz);
const meanBpm = (intervals: number[]) => (60000 * intervals.length) / intervals.reduce((s, x) => s + x, 0);
const countedBetween = (beats: Beat[], from: number, to: number) => beats.filter((b) => b.tMs >= from && b.tMs < to).flatMap((b) => b.counted);
const stateAt = (run: Run, tMs: number) => [...run.states].reverse().find(([t]) => t <= tMs)?.[1] ?? null;
const annotated = (file: string, rateHz: number) => column(file).map((i) => (i * 1000) / rateHz);

/** Every second from 10 s on: a `good` reading is within 10 BPM of the annotated beats of the last 10 s. */
function assertGoodIsRight(run: Run, reference: number[]): void {
  for (const [t, state] of run.states) {
    const rate = windowBpm(reference, t - 10_000, t);
    if (t < 10_000 || state.quality !== 'good' || rate === null) continue;
    assert.ok(state.bpm !== null && Math.abs(state.bpm - rate) <= 10, `good reading ${state.bpm} at ${t} ms, annotated ${rate}`);
  }
}

describe('beat detection on real recordings', function () {
  describe('MIT-BIH 118, 24 dB noise stress test, 360 Hz ECG, 167 annotated beats', function () {
    const values = column('ecg-118e24-360hz.csv');
    const reference = annotated('ecg-118e24-360hz.rpeaks.csv', 360);
    const run = replay(evenTimes(values.length, 360), values, ECG);
    const detected = run.beats.map((b) => b.tMs);

    it('finds ≥ 98 % of the annotated beats with ≥ 98 % precision (150 ms tolerance, after the 1 s warm-up)', function () {
      // the last 300 ms are left out too: a beat is final only after its refractory period
      const score = matchBeats(detected, reference, 150, 1000, 120_000 - 300);
      assert.ok(score.sensitivity >= 0.98, `sensitivity ${score.sensitivity}`);
      assert.ok(score.precision >= 0.98, `precision ${score.precision}`);
      assert.ok(score.missed + score.extra <= 1, JSON.stringify(score)); // regression bound: 0 missed, 0 extra
    });

    it('has a BPM error ≤ 1 per 10 s window, from its beats and from its own reading', function () {
      const fromBeats = meanAbsoluteError(windowErrors(reference, detected, 0, 120_000, 10_000));
      assert.ok(fromBeats <= 1, `MAE ${fromBeats} BPM (beats in each window)`);
      const reading = (end: number) => stateAt(run, end)?.bpm ?? null;
      const fromReading = meanAbsoluteError(windowErrors(reference, reading, 0, 120_000, 10_000));
      assert.ok(fromReading <= 1, `MAE ${fromReading} BPM (reading at the end of each window)`);
    });

    it('counts the premature beats (intervals < 70 % of the usual one) instead of discarding them', function () {
      const intervals = reference.slice(1).map((t, i) => t - reference[i]);
      const usual = [...intervals].sort((x, y) => x - y)[intervals.length >> 1];
      const premature = intervals.filter((ibi) => ibi < 0.7 * usual);
      assert.ok(premature.length >= 2);
      const counted = countedBetween(run.beats, 0, 120_000);
      for (const ibi of premature) assert.ok(counted.some((c) => Math.abs(c - ibi) < 20), `${ibi} ms not counted`);
      const truth = (60000 * (reference.length - 1)) / (reference[reference.length - 1] - reference[0]);
      assert.ok(Math.abs(meanBpm(counted) - truth) < 0.5);
    });

    it('never calls a reading good that is 10 BPM off', function () {
      assertGoodIsRight(run, reference);
    });
  });

  describe('MIT-BIH 118, electrode-motion noise at 12 dB, 360 Hz ECG, 162 annotated beats', function () {
    const values = column('ecg-118e12-360hz.csv');
    const reference = annotated('ecg-118e12-360hz.rpeaks.csv', 360);
    const run = replay(evenTimes(values.length, 360), values, ECG);
    const detected = run.beats.map((b) => b.tMs);

    it('finds ≥ 95 % of the annotated beats with ≥ 95 % precision (150 ms) where the noise is as tall as the R wave', function () {
      const score = matchBeats(detected, reference, 150, 1000, 120_000 - 500);
      assert.ok(score.sensitivity >= 0.95, `sensitivity ${score.sensitivity}`);
      assert.ok(score.precision >= 0.95, `precision ${score.precision}`);
      assert.ok(score.missed + score.extra <= 6, JSON.stringify(score)); // regression bound: 0 missed, 5 extra
    });

    it('streams: each beat is final about 0.4 s after it happened, never much more than 0.5 s unless the search-back found it', function () {
      const sorted = [...run.latencies].sort((a, b) => a - b);
      assert.ok(sorted[sorted.length >> 1] <= 400, `median ${sorted[sorted.length >> 1]} ms`);
      // the search-back looks for a missed beat 1.5 median RR intervals after the last one: up to ~1.1 s late here
      // (now 2 beats: premature beats whose noisy shape matched no type)
      assert.ok(sorted[sorted.length - 3] <= 550, `third latest ${sorted[sorted.length - 3]} ms`);
      assert.ok(sorted[sorted.length - 1] <= 1100, `max ${sorted[sorted.length - 1]} ms`);
    });

    it('reads within 1 BPM per 10 s window on average where it gives a number, withholds at most one window, never a good one 10 BPM off', function () {
      const reading = (end: number) => stateAt(run, end)?.bpm ?? null;
      const errors = windowErrors(reference, reading, 0, 120_000, 10_000);
      const given = errors.filter((e) => e.detected !== null);
      assert.ok(errors.length - given.length <= 1, `${errors.length - given.length} windows withheld`); // now 1 (5 false beats repaired)
      assert.ok(meanAbsoluteError(given) <= 1, `MAE ${meanAbsoluteError(given)} BPM where a number is given (now 0.25)`);
      assertGoodIsRight(run, reference);
    });
  });

  describe('MIT-BIH Arrhythmia 100, 300 s, 360 Hz ECG with atrial premature beats, 371 annotated beats', function () {
    const values = column('ecg-mitdb100-360hz.csv');
    const reference = annotated('ecg-mitdb100-360hz.rpeaks.csv', 360);
    const run = replay(evenTimes(values.length, 360), values, ECG);

    it('finds ≥ 99.5 % of the annotated beats with ≥ 99.5 % precision (150 ms)', function () {
      const score = matchBeats(run.beats.map((b) => b.tMs), reference, 150, 1000, 300_000 - 500);
      assert.ok(score.sensitivity >= 0.995, `sensitivity ${score.sensitivity}`);
      assert.ok(score.precision >= 0.995, `precision ${score.precision}`);
    });

    it('reads within 1 BPM of the annotated beats in every 10 s window, always good', function () {
      const errors = windowErrors(reference, (end) => stateAt(run, end)?.bpm ?? null, 0, 300_000, 10_000);
      for (const e of errors) assert.ok(e.error <= 1, `window at ${e.startMs} ms: ${e.detected} vs ${e.reference}`);
      for (const e of errors) assert.equal(stateAt(run, e.startMs + 10_000)?.quality, 'good');
    });
  });

  describe('NeuroKit2 example ECGs at 100 Hz (R waves ~0.13-1 units; reference: NeuroKit2 checked where it disagrees)', function () {
    const records: Array<[PhysioRecording, number, number]> = [
      // [recording, sensitivity, precision] bounds; the 5-min rest ECG is noisy near its end
      ['resting_5min_100hz_ecg-ppg', 0.99, 0.99],
      ['resting_8min_100hz_ecg-eda-photosensor', 0.995, 0.995],
      ['eventrelated_100hz_ecg-eda-photosensor', 0.995, 0.995],
    ];
    for (const [name, se, ppv] of records) {
      const values = neurokitRecording(name).ECG;
      const reference = neurokitRPeaks(name).map((i) => i * 10);
      const endMs = values.length * 10;
      for (const [label, options] of [['the default (adaptive)', ECG], ['an older flow\'s Min swing 0.1', OLD_ECG]] as const) {
        it(`${name}, ${label}: ≥ ${se * 100} % of the beats, ≥ ${ppv * 100} % precision, never a good reading 10 BPM off`, function () {
          const run = replay(evenTimes(values.length, 100), values, options);
          const score = matchBeats(run.beats.map((b) => b.tMs), reference, 150, 1000, endMs - 500);
          assert.ok(score.sensitivity >= se && score.precision >= ppv, JSON.stringify(score)); // 5 min now 99.5 / 99.5 %
          assertGoodIsRight(run, reference);
          const after = run.states.filter(([t]) => t >= 10_000);
          assert.ok(after.filter(([, s]) => s.bpm !== null).length >= 0.95 * after.length, 'a number ≥ 95 % of the time');
        });
      }
    }
  });

  describe('MIT-BIH 100 with noise stress (seeded noise at nst-style SNRs, held to published detectors\' level)', function () {
    const clean = column('ecg-mitdb100-360hz.csv');
    const beats = column('ecg-mitdb100-360hz.rpeaks.csv');
    const reference = beats.map((i) => (i * 1000) / 360);
    const cases: Array<[EcgNoise, number, number, number]> = [
      // [noise, SNR dB, sensitivity, precision]: regression bounds just under the figures (docs/bpm.md)
      ['wander', 0, 0.995, 0.995],
      ['muscle', 6, 0.99, 0.99],
      ['motion', 12, 0.99, 0.99],
      ['motion', 6, 0.99, 0.98],
      ['motion', 0, 0.95, 0.88],
      ['muscle', 0, 0.96, 0.96],
    ];
    for (const [noise, snr, se, ppv] of cases) {
      it(`${noise} noise at ${snr} dB: ${se ? `≥ ${se * 100} % found, ≥ ${ppv * 100} % correct, ` : ''}never a good reading 10 BPM off`, function () {
        const values = addEcgNoise(clean, beats, 360, noise, snr);
        const run = replay(evenTimes(values.length, 360), values, ECG);
        const score = matchBeats(run.beats.map((b) => b.tMs), reference, 150, 1000, 300_000 - 500);
        assert.ok(score.sensitivity >= se && score.precision >= ppv, JSON.stringify(score));
        assertGoodIsRight(run, reference);
      });
    }
  });

  describe('premature ventricular beats put into real ECGs (test/support/ecg-ectopy.ts: wide, tall, full compensatory pause)', function () {
    const mitdb = { values: column('ecg-mitdb100-360hz.csv'), beats: column('ecg-mitdb100-360hz.rpeaks.csv'), rateHz: 360 };
    const rest = neurokitRecording('resting_8min_100hz_ecg-eda-photosensor').ECG;
    const rest8 = { values: rest, beats: neurokitRPeaks('resting_8min_100hz_ecg-eda-photosensor'), rateHz: 100 };
    const cases: Array<[string, typeof mitdb, EctopyPattern, number]> = [
      // designed on (docs/bpm.md: MIT-BIH 100, and the NeuroKit2 record whose couplet pauses showed a bug)
      ['MIT-BIH 100', mitdb, 'bigeminy', 7],
      ['MIT-BIH 100', mitdb, 'trigeminy', 7],
      ['MIT-BIH 100', mitdb, 'couplets', 7],
      ['MIT-BIH 100', mitdb, 'random', 7],
      ['NeuroKit2 rest, 8 min', rest8, 'random', 13],
    ];
    for (const [label, record, pattern, seed] of cases) {
      it(`${label}, ${pattern}: ≥ 99.5 % found and correct, reading error ≤ 1.5 BPM per 10 s window on average, never good and 10 BPM off`, function () {
        const made = addPvcs(record.values, record.beats, record.rateHz, { pattern, coupling: 0.55, widthMs: 140, height: 1.5, polarity: 1, seed });
        const reference = made.beats.map((i) => (i * 1000) / record.rateHz);
        const endMs = (made.samples.length * 1000) / record.rateHz;
        const run = replay(evenTimes(made.samples.length, record.rateHz), made.samples, ECG);
        const score = matchBeats(run.beats.map((b) => b.tMs), reference, 150, 1000, endMs - 500);
        assert.ok(score.sensitivity >= 0.995 && score.precision >= 0.995, JSON.stringify(score));
        const errors = windowErrors(reference, (end) => stateAt(run, end)?.bpm ?? null, 0, endMs, 10_000).slice(1);
        assert.ok(meanAbsoluteError(errors) <= 1.5, `mean error ${meanAbsoluteError(errors)} BPM`); // now 0.5-1.8
        assertGoodIsRight(run, reference);
      });
    }
  });

  describe('premature ventricular beats and electrode-motion noise together (MIT-BIH 100, design)', function () {
    it('at 6 dB, a reading is good yet more than 10 BPM off in under 1 % of the seconds (16 cases)', function () {
      const values = column('ecg-mitdb100-360hz.csv');
      const beats = column('ecg-mitdb100-360hz.rpeaks.csv');
      let seconds = 0;
      let wrong = 0;
      for (const pattern of ['bigeminy', 'trigeminy', 'couplets', 'random'] as const) {
        for (const seed of [1, 2]) {
          for (const polarity of [1, -1] as const) {
            const made = addPvcs(values, beats, 360, { pattern, coupling: 0.5 + 0.05 * seed, widthMs: 140, height: 1.5, polarity, seed });
            const noisy = addEcgNoise(made.samples, made.beats, 360, 'motion', 6, seed + 5);
            const reference = made.beats.map((i) => (i * 1000) / 360);
            for (const [t, state] of replay(evenTimes(noisy.length, 360), noisy, ECG).states) {
              const rate = windowBpm(reference, t - 10_000, t);
              if (t < 10_000 || rate === null) continue;
              seconds++;
              if (state.quality === 'good' && state.bpm !== null && Math.abs(state.bpm - rate) > 10) wrong++;
            }
          }
        }
      }
      assert.ok(wrong <= 0.01 * seconds, `${wrong} of ${seconds} seconds good and wrong`); // now 16 of 4640; 276 before the premature-run check
    });
  });

  describe('an ECG in any units and at any rate: the detector adapts (no absolute threshold)', function () {
    const values = column('ecg-mitdb100-360hz.csv');
    const reference = annotated('ecg-mitdb100-360hz.rpeaks.csv', 360);
    const score = (run: Run) => matchBeats(run.beats.map((b) => b.tMs), reference, 150, 1000, 300_000 - 500);

    for (const [unit, scale] of [['µV', 1000], ['V', 0.001], ['12-bit ADC counts around 2048', 400]] as const) {
      it(`MIT-BIH 100 in ${unit}: the same beats as in mV`, function () {
        const offset = unit.startsWith('12-bit') ? 2048 : 0;
        const run = replay(evenTimes(values.length, 360), values.map((v) => offset + v * scale), ECG);
        const s = score(run);
        assert.ok(s.sensitivity >= 0.995 && s.precision >= 0.995, JSON.stringify(s));
      });
    }

    const resample = (rateHz: number) => {
      const n = Math.floor((values.length * rateHz) / 360);
      const resampled = Array.from({ length: n }, (_, i) => {
        const x = (i * 360) / rateHz;
        const k = Math.floor(x);
        return values[k] + (x - k) * ((values[k + 1] ?? values[k]) - values[k]);
      });
      return replay(evenTimes(n, rateHz), resampled, ECG);
    };
    for (const rateHz of [50, 100, 128, 250]) {
      it(`MIT-BIH 100 resampled to ${rateHz} Hz: ≥ 99.5 % of the beats, ≥ 99.5 % precision, mostly good`, function () {
        const run = resample(rateHz);
        const s = score(run);
        assert.ok(s.sensitivity >= 0.995 && s.precision >= 0.995, JSON.stringify(s));
        const after = run.states.filter(([t]) => t >= 10_000);
        assert.ok(after.filter(([, st]) => st.quality === 'good').length >= 0.9 * after.length);
        assertGoodIsRight(run, reference);
      });
    }

    for (const rateHz of [25, 40]) {
      it(`MIT-BIH 100 resampled to ${rateHz} Hz (under 50 Hz the QRS is 1-4 samples): never good`, function () {
        const run = resample(rateHz);
        assert.ok(run.states.every(([, st]) => st.quality !== 'good'));
      });
    }
  });

  describe('European ST-T e0103, 250 Hz ECG (no annotation; HeartPy reports 59.70 BPM)', function () {
    const values = column('ecg-e0103-250hz.csv');
    const run = replay(evenTimes(values.length, 250), values, ECG);

    it('agrees with HeartPy on the rate and sees a steady rhythm (regression bounds)', function () {
      assert.ok(Math.abs(meanBpm(countedBetween(run.beats, 0, 120_000)) - 59.7) < 0.5);
      assert.ok(run.beats.length >= 117 && run.beats.length <= 120, `${run.beats.length} beats`); // now 118
      const after = run.states.filter(([t]) => t > 10_000).map(([, s]) => s.quality);
      assert.ok(after.filter((q) => q === 'good').length >= 0.9 * after.length);
    });
  });

  describe('clean fingertip PPG, 100 Hz', function () {
    const values = column('ppg-clean-100hz.csv');
    // scipy.signal.find_peaks(prominence=50) on the file; the first five are HeartPy's doctest peaks
    const peaks = [63, 165, 264, 360, 460, 565, 674, 773, 863, 953, 1048, 1156, 1272, 1385, 1487, 1592, 1698, 1803, 1897, 1994, 2097, 2206, 2308, 2406];
    const run = replay(evenTimes(values.length, 100), values);

    it('finds every systolic peak within 30 ms', function () {
      const score = matchBeats(run.beats.map((b) => b.tMs), peaks.map((i) => i * 10), 30, 1000, 24_500);
      assert.equal(score.sensitivity, 1);
      assert.equal(score.precision, 1);
    });

    it('gives the rate of the reference peaks within 0.5 BPM', function () {
      const truth = meanBpm(peaks.slice(2).map((p, i) => (p - peaks[i + 1]) * 10));
      assert.ok(Math.abs(meanBpm(countedBetween(run.beats, 0, 25_000)) - truth) < 0.5);
    });
  });

  describe('PPG with a ms timer (~117 Hz): off the finger, then handled roughly, then a pulse', function () {
    const rows = fs.readFileSync(path.join(DATA, 'ppg-timer.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const run = replay(rows.map((r) => r[0]), rows.map((r) => r[1]));

    it('reports no contact while the sensor reads flat (0-4 s, 7-14 s) or zero (18.5-25 s; flat is judged over 2-3 s)', function () {
      for (const t of [3500, 10_500, 11_500, 13_500, 21_500, 22_500, 24_500]) {
        assert.equal(stateAt(run, t)?.quality, 'no-contact', `at ${t} ms`);
        assert.equal(stateAt(run, t)?.bpm, null);
      }
    });

    it('reads the pulse from 45 s on: HeartPy\'s 62.4 BPM, mostly good quality (regression bounds)', function () {
      const bpm = meanBpm(countedBetween(run.beats, 45_000, 129_000));
      assert.ok(Math.abs(bpm - 62.376) < 0.5, `${bpm}`);
      const beats = run.beats.filter((b) => b.tMs >= 45_000).length;
      assert.ok(beats >= 84 && beats <= 88, `${beats} beats`); // now 86
      const after = run.states.filter(([t]) => t > 45_000).map(([, s]) => s);
      assert.ok(after.filter((s) => s.quality === 'good').length >= 0.8 * after.length);
      assert.ok(after.every((s) => s.bpm === null || (s.bpm > 55 && s.bpm < 75)));
    });
  });
});
