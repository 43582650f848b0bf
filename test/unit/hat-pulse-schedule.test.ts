import assert from 'node:assert/strict';
import { PulseSchedule, type PulseBatch } from '../../src/hat/pulse-schedule';
import { RepeatGate } from '../../src/hat/repeat-gate';

/** Runs the schedule as the node does: at each wake-up, read every due sample. */
function run(schedule: PulseSchedule, wakeUps: number[], read: (t: number) => number | Error): PulseBatch[] {
  const out: PulseBatch[] = [];
  for (const now of wakeUps) {
    const n = schedule.due(now);
    for (let i = 0; i < n; i++) {
      const v = read(schedule.nextTime());
      if (v instanceof Error) {
        schedule.fail();
        continue;
      }
      const batch = schedule.push(v);
      if (batch) out.push(batch);
    }
  }
  return out;
}

describe('hat: pulse sample schedule', () => {
  it('stamps samples by index, so batch times do not drift however late the timer fires', () => {
    const start = 1_000_000;
    const s = new PulseSchedule(100, 100, start);
    // Wake-ups that jitter by up to 9 ms and sometimes come 60 ms late.
    const wakeUps: number[] = [];
    for (let t = start; t < start + 10_050; t += 10) wakeUps.push(t + ((t / 10) % 7 === 0 ? 60 : (t * 7) % 9));
    const batches = run(s, wakeUps, (t) => t - start);
    assert.equal(batches.length, 10);
    batches.forEach((b, n) => {
      assert.equal(b.t0, start + n * 1000);
      assert.equal(b.rateHz, 100);
      assert.equal(b.samples.length, 100);
      // each sample is the one due at t0 + i·10 ms
      assert.deepEqual(b.samples.slice(0, 3), [n * 1000, n * 1000 + 10, n * 1000 + 20]);
    });
  });

  it('keeps t0(n+1) = t0(n) + samples·1000/rate at rates that do not divide 1000', () => {
    const s = new PulseSchedule(30, 20, 0);
    const batches = run(s, Array.from({ length: 200 }, (_, i) => i * 33), () => 1);
    assert.ok(batches.length >= 9);
    for (let n = 1; n < batches.length; n++) {
      assert.ok(Math.abs(batches[n].t0 - (batches[n - 1].t0 + (20 * 1000) / 30)) < 1e-6);
    }
  });

  it('a failed read drops the partial batch; the next batch starts after the failed sample', () => {
    const s = new PulseSchedule(100, 10, 0);
    const batches = run(s, [95, 195, 295], (t) => (t === 130 ? new Error('EIO') : t));
    // batch 0..90 complete; 100..120 dropped with 130; next batch starts at 140
    assert.deepEqual(batches.map((b) => b.t0), [0, 140]);
    assert.deepEqual(batches[1].samples, [140, 150, 160, 170, 180, 190, 200, 210, 220, 230]);
  });

  it('after a stall of more than a batch it skips ahead instead of reading a burst of stale samples', () => {
    const s = new PulseSchedule(100, 10, 0);
    run(s, [45], (t) => t);
    assert.equal(s.due(5000), 1);
    assert.equal(s.nextTime(), 5000);
    const [b] = run(s, [5095], (t) => t);
    assert.equal(b.t0, 5000);
  });

  it('rejects a bad rate or batch size', () => {
    assert.throws(() => new PulseSchedule(0, 10, 0), /sample rate/);
    assert.throws(() => new PulseSchedule(100, 0.5, 0), /samples per batch/);
  });
});

describe('hat: repeat gate for errors', () => {
  it('lets an identical message through once per window, and a different one at once', () => {
    let now = 0;
    const gate = new RepeatGate(1000, () => now);
    assert.equal(gate.allows('EIO'), true);
    now = 500;
    assert.equal(gate.allows('EIO'), false);
    assert.equal(gate.allows('ENOENT'), true);
    now = 1000;
    assert.equal(gate.allows('EIO'), true);
    assert.equal(gate.allows('ENOENT'), false);
  });
});
