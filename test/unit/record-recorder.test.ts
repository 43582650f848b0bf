import assert from 'node:assert/strict';
import { Recorder } from '../../src/record/recorder';
import { DEFAULT_LABELS } from '../../src/record/record';
import { validateRecord } from '../../src/record/validate';
import { parseLabels } from '../../src/model/label-map';

const T0 = 1_764_000_000_000;
const make = (extra = {}) => new Recorder({ labels: DEFAULT_LABELS, maxAgeMs: 3000, participant: 'Ana', ...extra });

describe('recorder (sensor-record core)', () => {
  it('emits one record per tick with the mean GSR of the tick, rounded to 3 decimals', () => {
    const r = make({ mood: 'happy' });
    r.start(T0);
    r.gsr(2.0001, T0 + 100);
    r.gsr(3.0004, T0 + 600);
    r.bpm(72.12345, T0 + 700);
    const out = r.tick(T0 + 1000);
    assert.equal(out.kind, 'record');
    assert.deepEqual(out.kind === 'record' && out.record, {
      participant: 'Ana', timestamp: T0 + 1000, gsr: 2.5, bpm: 72.123, mood: 'happy', session: 'happy-20251124T160000000Z',
    });
  });

  it('keeps the beat intervals pulse-bpm counted during a tick with that tick\'s record, and only those', () => {
    const r = make();
    r.start(T0);
    r.gsr(4, T0 + 100);
    r.bpm(75, T0 + 200, false, [800.1234, 805]);
    r.bpm(75, T0 + 900, false, [810]);
    const first = r.tick(T0 + 1000);
    assert.deepEqual(first.kind === 'record' && first.record.ibiMs, [800.123, 805, 810]);
    const second = r.tick(T0 + 2000); // no beat in this tick
    assert.deepEqual(second.kind === 'record' && second.record.ibiMs, []);
    r.bpm(null, T0 + 2100, false, [790]); // contact lost: its intervals are not trusted
    r.bpm(75, T0 + 2500, false, []);
    assert.equal(r.tick(T0 + 3000).kind, 'record');
    assert.throws(() => r.bpm(75, T0 + 3100, false, [800, 0]), /beat intervals must be a list of ms/);
    // a BPM from elsewhere (a plain number) gives no intervals, and the record has none
    const plain = make();
    plain.start(T0);
    plain.gsr(4, T0);
    plain.bpm(75, T0);
    const out = plain.tick(T0 + 1000);
    assert.equal(out.kind === 'record' && 'ibiMs' in out.record, false);
    assert.deepEqual(validateRecord(first.kind === 'record' && first.record).ibiMs, [800.123, 805, 810]);
  });

  it('reuses the latest GSR when no sample arrived in the tick, until it is stale', () => {
    const r = make();
    r.start(T0);
    r.gsr(4, T0);
    r.bpm(80, T0);
    assert.equal(r.tick(T0 + 1000).kind, 'record');
    const second = r.tick(T0 + 2000);
    assert.equal(second.kind === 'record' && second.record.gsr, 4);
    assert.equal(second.kind === 'record' && 'mood' in second.record, false);
    const stale = r.tick(T0 + 3500);
    assert.deepEqual(stale, { kind: 'skip', reason: 'GSR is stale', finished: false });
    assert.deepEqual(r.state.records, 2);
    assert.deepEqual(r.state.skipped, 1);
  });

  it('skips ticks without a valid BPM and counts them', () => {
    const r = make();
    r.start(T0);
    r.gsr(4, T0);
    assert.deepEqual(r.tick(T0 + 100), { kind: 'skip', reason: 'no BPM yet', finished: false });
    r.bpm(null, T0 + 200);
    r.gsr(4, T0 + 200);
    assert.deepEqual(r.tick(T0 + 300), { kind: 'skip', reason: 'no BPM (sensor contact lost)', finished: false });
    r.bpm(0, T0 + 400);
    assert.equal(r.tick(T0 + 500).kind, 'skip');
    r.gsr(null, T0 + 600);
    r.bpm(60, T0 + 600);
    assert.deepEqual(r.tick(T0 + 700), { kind: 'skip', reason: 'no GSR (sensor contact lost)', finished: false });
    assert.equal(r.state.skipped, 4);
  });

  it('marks the record simulated when either input was simulated', () => {
    const r = make();
    r.start(T0);
    r.gsr(4, T0, true);
    r.bpm(70, T0);
    const out = r.tick(T0 + 1000);
    assert.equal(out.kind === 'record' && out.record.simulated, true);
  });

  it('does nothing until started and after stopped', () => {
    const r = make();
    r.gsr(4, T0);
    r.bpm(70, T0);
    assert.deepEqual(r.tick(T0 + 1), { kind: 'idle' });
    r.start(T0 + 2);
    r.gsr(4, T0 + 2);
    assert.equal(r.tick(T0 + 3).kind, 'record');
    r.stop();
    assert.deepEqual(r.tick(T0 + 4), { kind: 'idle' });
  });

  it('refuses a session or label the record store would reject, instead of losing every record to it', () => {
    const long = 's'.repeat(129);
    assert.throws(() => make().start(T0, { session: long }), /session must be a non-empty string of at most 128 characters/);
    assert.throws(() => make({ session: long }), /at most 128 characters/);
    assert.throws(() => parseLabels(`happy,${'x'.repeat(33)}`), /longer than 32 characters/);
    const r = make({ mood: 'happy' });
    r.start(T0, { session: 'x'.repeat(128) });
    r.gsr(2, T0);
    r.bpm(70, T0);
    const out = r.tick(T0 + 1000);
    assert.ok(out.kind === 'record');
    assert.doesNotThrow(() => validateRecord(out.record));
  });

  it('starts a new session for each start and each new mood, unless a session is given', () => {
    const r = make({ mood: 'sad' });
    r.start(T0);
    assert.equal(r.state.session, 'sad-20251124T160000000Z');
    r.setMood('angry', T0 + 5000);
    assert.equal(r.state.session, 'angry-20251124T160005000Z');
    r.start(T0 + 9000, { mood: 'happy', session: 'film-1' });
    assert.equal(r.state.session, 'film-1');
    assert.equal(r.state.mood, 'happy');
    const fixed = make({ session: 'fixed' });
    fixed.start(T0, { mood: 'happy' });
    fixed.setMood('sad', T0 + 1);
    assert.equal(fixed.state.session, 'fixed');
  });

  it('stops by itself when the duration is up, still recording the last tick', () => {
    const r = make({ mood: 'happy' });
    r.start(T0, { durationMs: 2000 });
    r.gsr(4, T0);
    r.bpm(70, T0);
    assert.equal(r.tick(T0 + 1000).kind === 'record' && r.state.recording, true);
    const last = r.tick(T0 + 2000);
    assert.equal(last.kind === 'record' && last.finished, true);
    assert.equal(r.state.recording, false);
    assert.equal(r.state.records, 2);
  });

  it('rejects moods outside the labels, a start without participant and bad readings', () => {
    assert.throws(() => make({ mood: 'bored' }), /mood "bored" is not one of the labels: angry, happy, sad/);
    assert.throws(() => new Recorder({ labels: DEFAULT_LABELS, maxAgeMs: 3000 }).start(T0), /no participant/);
    assert.throws(() => make().gsr(Number.NaN, T0), /GSR must be a non-negative number or null/);
    assert.throws(() => make().start(T0, { participant: '../x' }), /invalid participant name/);
    const custom = new Recorder({ labels: ['calm', 'stressed'], maxAgeMs: 3000, participant: 'Ana', mood: 'calm' });
    assert.equal(custom.state.mood, 'calm');
  });
});
