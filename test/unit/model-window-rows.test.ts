// Training and answering use the same features: the trainer's row for a window (src/model/window-rows.ts)
// is what emotion-infer's collection window (WindowAverage) gives for the same records, number for number,
// and a model trained on window features answers those windows as it learned them.
import assert from 'node:assert/strict';
import { createLocalBackend, orderFeatures } from '../../src/model/local-backend';
import { trainModel } from '../../src/model/train';
import { WindowAverage } from '../../src/model/window-average';
import { needsWindows, recordsWithWindowFeatures } from '../../src/model/window-rows';
import type { SensorRecord } from '../../src/record/record';
import { FEATURE_NAMES } from '../../src/signal/window-features';
import { simulateSession } from '../../demo/seed';
import { SimulatedHat } from '../../src/hat/simulated-hat';
import { BeatDetector } from '../../src/signal/beat-detector';

const T0 = Date.UTC(2026, 2, 2, 9);

/** A simulated person's sessions, as sensor-record stores them (with beat intervals). */
function sessions(moods: readonly ('angry' | 'sad' | 'calm')[], seconds: number): SensorRecord[] {
  const hat = new SimulatedHat({ seed: 3, participant: 'win' });
  const detector = new BeatDetector();
  return moods.flatMap((mood, i) => simulateSession(hat, detector, mood, T0 + i * seconds * 1000, seconds, 50).map((r) => ({ ...r, mood })));
}

/** emotion-infer's window over records in [from, from + windowS). */
function answerWindow(records: readonly SensorRecord[], from: number, windowS: number) {
  const window = new WindowAverage();
  for (const r of records) if (r.timestamp >= from && r.timestamp < from + windowS * 1000) window.add(r);
  return window.mean(windowS * 1000);
}

describe('window rows: the trainer learns from the features emotion-infer answers with', () => {
  const records = sessions(['angry', 'calm', 'sad'], 120);

  it('gives each record the features of the window ending at it, exactly as the collection window computes them', () => {
    for (const windowS of [10, 30]) {
      const rows = recordsWithWindowFeatures(records, windowS).records;
      const byTime = new Map(rows.map((r) => [r.timestamp, r as unknown as Record<string, unknown>]));
      let compared = 0;
      for (let i = windowS + 5; i < records.length; i += 17) {
        const end = records[i];
        const row = byTime.get(end.timestamp);
        if (!row) continue;
        const answered = answerWindow(records, end.timestamp - windowS * 1000 + 1, windowS) as Record<string, unknown>;
        for (const name of FEATURE_NAMES) assert.equal(row[name], answered[name], `${name} at ${windowS} s`);
        compared++;
      }
      assert.ok(compared > 10, `compared ${compared} windows`);
      // the simulated ear clip gives enough clean beats for heart-rate variability in most windows
      assert.ok(rows.filter((r) => 'hrvRmssd' in r).length > 0.8 * rows.length);
    }
  });

  it('leaves out records less than a window into their session, and windows that are mostly a gap', () => {
    const { records: rows, skipped } = recordsWithWindowFeatures(records, 30);
    const starts = new Map<string, number>();
    for (const r of records) starts.set(r.session, Math.min(starts.get(r.session) ?? Infinity, r.timestamp));
    assert.ok(rows.every((r) => r.timestamp - starts.get(r.session)! >= 29_000));
    assert.equal(rows.length + skipped, records.length);
    const gappy = records.filter((r, i) => i < 5 || i > 25);
    assert.ok(recordsWithWindowFeatures(gappy, 30).records.every((r) => r.timestamp > gappy[5].timestamp + 10_000));
  });

  it('only models with more than the published means need windows', () => {
    assert.equal(needsWindows(['gsr', 'bpm']), false);
    assert.equal(needsWindows(['gsr', 'bpm', 'scrCount']), true);
  });

  it('a model trained on window features answers a later window from the very vector it was trained on', async () => {
    const features = ['gsr', 'bpm', 'gsrSlope', 'gsrPhasic', 'scrCount', 'scrSize', 'hrvRmssd', 'hrvSdnn'];
    const model = trainModel(records, { participant: 'win', labels: ['angry', 'calm', 'sad'], features, windowSeconds: 30 });
    assert.deepEqual(model.features, features);
    const backend = createLocalBackend(model);
    const from = T0 + 200_000;
    const answered = answerWindow(records, from, 30);
    const row = recordsWithWindowFeatures(records, 30).records.find((r) => r.timestamp === records.filter((x) => x.timestamp < from + 30_000).at(-1)!.timestamp)!;
    const vector = orderFeatures(backend.featureNames, answered);
    assert.deepEqual(vector, features.map((f) => (row as unknown as Record<string, number>)[f]));
    const prediction = await backend.predict(vector);
    assert.equal(model.labels[prediction.index], 'calm');
  });
});
