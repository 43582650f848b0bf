import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { answerEmotion } from '../../src/model/emotion-answer';
import { createLocalBackend } from '../../src/model/local-backend';
import { loadModel, saveModel } from '../../src/model/model-store';
import { trainModel } from '../../src/model/train';
import { readFeatures } from '../../src/model/window-average';
import { modelPath, participantRecordsDir } from '../../src/record/paths';
import { DEFAULT_RANGES, plausibleRanges, setPlausibleRanges } from '../../src/record/plausible';
import type { SensorRecord } from '../../src/record/record';
import { Recorder } from '../../src/record/recorder';
import { RECORDS_FILE, RecordStore } from '../../src/record/record-store';
import { validateRecord } from '../../src/record/validate';
import { testModel } from '../support/infer-model';

const T = Date.UTC(2026, 0, 1);
const good = { participant: 'Ana', timestamp: T, gsr: 4.2, bpm: 72, mood: 'happy', session: 's1' };

/** Three moods the trainer can tell apart, as in a real recording. */
function sessions(): SensorRecord[] {
  const centre: Record<string, [number, number]> = { angry: [9, 95], happy: [6, 80], sad: [4, 70] };
  return Object.entries(centre).flatMap(([mood, [gsr, bpm]], k) =>
    Array.from({ length: 80 }, (_, i) => ({
      participant: 'Ana', timestamp: T + (k * 80 + i) * 1000, gsr: gsr + Math.sin(i * 12.9898) * 1.5, bpm: bpm + 4 * Math.cos(i * 78.233), mood, session: mood,
    })),
  );
}

describe('plausible values (one definition for recording, storing, training and inference)', () => {
  afterEach(() => setPlausibleRanges(undefined));

  it('refuses absurd GSR, BPM and timestamps, naming the field and the range', () => {
    assert.throws(() => validateRecord({ ...good, gsr: 1e308 }), /record\.gsr 1e\+308 is outside the plausible range 0–100 µS/);
    assert.throws(() => validateRecord({ ...good, bpm: -1e308 }), /record\.bpm -1e\+308 is outside the plausible range 25–240 BPM/);
    assert.throws(() => validateRecord({ ...good, bpm: 10 }), /record\.bpm 10 is outside/);
    assert.throws(() => validateRecord({ ...good, timestamp: 1e300 }), /record\.timestamp 1e\+300 is outside the plausible window 2000-01-01 to a day from now/);
    assert.throws(() => validateRecord({ ...good, timestamp: 5000 }), /is the clock of the machine that recorded it set/);
    assert.deepEqual(validateRecord(good), good);
  });

  it('can be widened for an unusual sensor, and a bad setting changes nothing', () => {
    assert.throws(() => validateRecord({ ...good, gsr: 150 }), /outside/);
    setPlausibleRanges({ gsr: { max: 200 } });
    assert.equal(validateRecord({ ...good, gsr: 150 }).gsr, 150);
    assert.deepEqual(plausibleRanges().bpm, DEFAULT_RANGES.bpm);
    assert.throws(() => setPlausibleRanges({ bpm: { min: 100, max: 50 } }), /emotionIot\.ranges\.bpm must be \{ min, max \}/);
    assert.equal(plausibleRanges().gsr.max, 200, 'the previous setting stays');
  });

  it('sensor-record refuses an absurd reading before it becomes a record', () => {
    const recorder = new Recorder({ labels: ['happy'], maxAgeMs: 3000, participant: 'Ana' });
    assert.throws(() => recorder.gsr(1e308, T), /GSR 1e\+308 is outside the plausible range 0–100 µS/);
    assert.throws(() => recorder.bpm(900, T), /BPM 900 is outside the plausible range 25–240 BPM/);
    recorder.bpm(0, T); // no beat found: "no BPM", not an error
  });

  it('sensor-record skips ticks, saying why, while the clock is not set (a Pi without network starts in 1970)', () => {
    const recorder = new Recorder({ labels: ['happy'], maxAgeMs: 3000, participant: 'Ana' });
    const boot = 60_000; // one minute after 1970-01-01
    recorder.start(boot);
    recorder.gsr(4, boot);
    recorder.bpm(70, boot);
    assert.deepEqual(recorder.tick(boot + 500), { kind: 'skip', reason: 'clock not set', finished: false });
    recorder.start(T);
    recorder.gsr(4, T);
    recorder.bpm(70, T);
    assert.equal(recorder.tick(T + 500).kind, 'record');
  });

  it('emotion-infer refuses an absurd record instead of answering it', () => {
    assert.throws(() => readFeatures({ gsr: 1e308, bpm: 70 }), /record gsr 1e\+308 is outside the plausible range/);
    assert.throws(() => readFeatures({ gsr: 4, bpm: 1000 }), /record bpm 1000 is outside the plausible range/);
  });

  it('the trainer leaves out an absurd record that reached it, and its model stays finite', () => {
    const records = [...sessions(), { ...sessions()[100], gsr: 1e308 }, { ...sessions()[5], bpm: -1e308 }];
    const model = trainModel(records, { participant: 'Ana', warmupSeconds: 0 });
    assert.equal(model.rows.droppedInvalid, 2);
    assert.ok(model.standardisation.mean.every(Number.isFinite) && model.standardisation.std.every(Number.isFinite));
  });

  describe('with a user directory', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'emotion-plausible-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('the trainer refuses to save a model holding a non-finite number, and a saved one is refused on load', async () => {
      const poisoned = testModel('Ana', { standardisation: { mean: [Infinity, 75], std: [1, 10] } });
      assert.throws(() => saveModel(dir, poisoned), /the trained model for participant "Ana" was not saved: standardisation\.mean\[0\] is Infinity/);
      await mkdir(join(dir, 'emotion-iot', 'models'), { recursive: true });
      await writeFile(modelPath(dir, 'Ana'), JSON.stringify(poisoned)); // what an older version saved: null
      assert.match((await readFile(modelPath(dir, 'Ana'), 'utf8')), /"mean":\[null,75\]/);
      assert.throws(() => loadModel(dir, 'Ana'), /not usable: standardisation\.mean\[0\] is null, not a finite number/);
    });

    it('emotion-infer answers an error, never a NaN confidence', async () => {
      const backend = createLocalBackend(testModel('Ana', { standardisation: { mean: [Infinity, 75], std: [1, 10] } }));
      await assert.rejects(
        answerEmotion({ backend, features: { gsr: 4, bpm: 70 }, participant: 'Ana', labels: ['angry', 'happy', 'sad'], threshold: 0.5, startedAt: performance.now() }),
        /the local model gave no usable answer for gsr 4, bpm 70 \(scores NaN, NaN, NaN\): train the model again/,
      );
    });

    it('CSV export leaves out an absurd record already on disk and lists it, instead of failing', async () => {
      const store = new RecordStore(dir);
      await store.append([good]);
      const file = join(participantRecordsDir(dir, 'Ana'), RECORDS_FILE);
      await writeFile(file, `${JSON.stringify({ ...good, timestamp: 1e300 })}\n${JSON.stringify({ ...good, gsr: 1e308 })}\n`, { flag: 'a' });
      await store.append([{ ...good, timestamp: T + 1000 }]);
      const { csv, skipped } = await store.exportCsv('Ana');
      assert.equal(csv.trim().split('\r\n').length, 3, 'header and the two good records');
      assert.deepEqual(skipped.map((s) => s.line), [2, 3]);
      assert.match(skipped[0].reason, /record\.timestamp 1e\+300 is not a time from 2000-01-01 on/);
      assert.match(skipped[1].reason, /record\.gsr 1e\+308 is outside the plausible range/);
      assert.equal((await store.read('Ana')).length, 2, 'training reads only the good ones');
    });
  });
});
