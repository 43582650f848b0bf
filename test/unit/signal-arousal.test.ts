import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/model/prng';
import { ArousalTracker, DEFAULT_SETTINGS, formatDuration, MAX_PARTICIPANTS, type ArousalReading, type ArousalSettings, type Outcome } from '../../src/signal/arousal';
import { LogConductanceHistory } from '../../src/signal/arousal-history';
import { AlertEpisodes, classify, DEFAULT_THRESHOLDS } from '../../src/signal/arousal-state';

/** 2026-01-01 00:00:00 UTC: a multiple of every window step, so readings fall on round seconds from here. */
const T0 = Date.UTC(2026, 0, 1);

/** One record a second from T0 for `seconds`, with conductance gsr(s) (s = seconds since T0) and 1 % noise. */
function session(seconds: number, gsr: (s: number) => number, seed = 1, participant = 'Ana') {
  const random = mulberry32(seed);
  return Array.from({ length: seconds }, (_, s) => ({ participant, timestamp: T0 + s * 1000, gsr: gsr(s) * (1 + 0.01 * (random() - 0.5)) }));
}

function run(records: unknown[], settings: Partial<ArousalSettings> = {}): { outcomes: Outcome[]; readings: ArousalReading[] } {
  const tracker = new ArousalTracker({ ...DEFAULT_SETTINGS, ...settings });
  const outcomes = records.map((r) => tracker.add(r));
  return { outcomes, readings: outcomes.flatMap((o) => (o.reading ? [o.reading] : [])) };
}

const at = (readings: ArousalReading[], s: number) => readings.find((r) => r.timestamp === T0 + s * 1000);
/** Flat for 400 s, then conductance 40 % higher for 400 s (skin conductance rises within seconds), then back. */
const step = (s: number) => (s >= 400 && s < 800 ? 7 : 5);

describe('arousal watch: the history ring', () => {
  it('keeps the same window and history statistics as computing them from every record', () => {
    const W = 5;
    const H = 12;
    const history = new LogConductanceHistory(W, H);
    const random = mulberry32(7);
    const kept: { second: number; x: number }[] = [];
    let t = 1_000_000_000;
    history.reset(t, 1.5);
    for (let i = 0; i < 3000; i++) {
      // several records in a second, empty seconds, and now and then a jump longer than the whole ring
      t += random() < 0.01 ? 40_000 : Math.floor(random() * 2500);
      const second = Math.floor(t / 1000);
      if (second > history.open) history.advanceTo(second);
      const x = 1.5 + Math.sin(i / 50) + 0.1 * random();
      history.add(x);
      kept.push({ second, x });
      const open = history.open;
      const check = (stats: ReturnType<LogConductanceHistory['window']>, from: number, to: number) => {
        const xs = kept.filter((k) => k.second >= from && k.second < to).map((k) => k.x);
        assert.equal(stats.records, xs.length);
        assert.equal(stats.seconds, new Set(kept.filter((k) => k.second >= from && k.second < to).map((k) => k.second)).size);
        if (xs.length === 0) return;
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
        assert.ok(Math.abs(stats.mean - mean) < 1e-9, `mean ${stats.mean} vs ${mean}`);
        assert.ok(Math.abs(stats.sd - sd) < 1e-7, `sd ${stats.sd} vs ${sd}`);
      };
      check(history.window(), open - W, open);
      check(history.history(), open - W - H, open - W);
    }
  });
});

describe('arousal watch: states', () => {
  it('says "warming-up" until it has half a window and a window of history, then answers every 10 s', () => {
    const { readings } = run(session(120, () => 5));
    assert.deepEqual(readings.map((r) => (r.timestamp - T0) / 1000), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    assert.deepEqual(readings.slice(0, 5).map((r) => r.state), Array(5).fill('warming-up'));
    assert.equal(at(readings, 50)!.z, null);
    const first = at(readings, 60)!;
    assert.equal(first.state, 'steady');
    assert.deepEqual([first.windowSeconds, first.historySeconds], [30, 30]);
    assert.equal(first.since, T0 + 50_000, 'the previous window still said otherwise');
    assert.ok(Math.abs(first.windowMean! - 5) < 0.05 && Math.abs(first.historyMean! - 5) < 0.05);
    assert.ok(first.historyLow! < first.historyMean! && first.historyHigh! > first.historyMean!);
  });

  it('computes z on log conductance: window mean minus history mean over the history sd (+0.01)', () => {
    const records = session(400, (s) => 3 + s / 100);
    const { readings } = run(records);
    const r = at(readings, 380)!;
    const xs = (from: number, to: number) => records.filter((_, s) => s >= from && s < to).map((rec) => Math.log(rec.gsr));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const h = xs(50, 350);
    const sd = Math.sqrt(h.reduce((a, b) => a + (b - mean(h)) ** 2, 0) / (h.length - 1));
    const z = (mean(xs(350, 380)) - mean(h)) / (sd + 0.01);
    assert.ok(Math.abs(r.z! - z) < 0.001, `z ${r.z} vs ${z}`);
    assert.equal(r.windowMean, Math.round(Math.exp(mean(xs(350, 380))) * 1000) / 1000);
    assert.equal(r.historySeconds, 300);
  });

  it('follows a rise (rising), its plateau (steady once the history catches up) and the fall back (falling)', () => {
    const { readings } = run(session(1100, step));
    const state = (s: number) => at(readings, s)!.state;
    assert.equal(state(390), 'steady');
    assert.equal(state(410), 'rising'); // the first window holding the rise
    assert.equal(at(readings, 410)!.since, T0 + 400_000);
    // the history is all plateau from 730 s: a rising state holds until z is back to 0, then it is steady
    const plateau = readings.filter((r) => r.timestamp > T0 + 730_000 && r.timestamp < T0 + 800_000).map((r) => r.state);
    assert.ok(plateau.includes('steady') && plateau.slice(plateau.indexOf('steady')).every((s) => s === 'steady'), plateau.join());
    assert.equal(state(810), 'falling');
    const rising = readings.filter((r) => r.state === 'rising');
    assert.ok(rising.every((r) => r.timestamp >= T0 + 410_000 && r.timestamp < T0 + 800_000));
  });

  it('holds a state until z crosses the hold threshold, so z hovering near 0 does not flap', () => {
    const t = DEFAULT_THRESHOLDS;
    assert.equal(classify(0.15, 'steady', t), 'steady');
    assert.equal(classify(0.25, 'steady', t), 'rising');
    assert.equal(classify(0.05, 'rising', t), 'rising');
    assert.equal(classify(0, 'rising', t), 'steady');
    assert.equal(classify(-0.05, 'falling', t), 'falling');
    assert.equal(classify(-0.25, 'rising', t), 'falling');
    assert.equal(classify(0.5, 'warming-up', t), 'rising');
    assert.equal(classify(0.3, 'rising', { enterZ: 1, leaveZ: 0.5 }), 'steady');
  });

  it('gives the same states whether records come once a second or five times a second', () => {
    const once = session(1100, step);
    const five = once.flatMap((r) => [0, 200, 400, 600, 800].map((ms) => ({ ...r, timestamp: r.timestamp + ms })));
    const [a, b] = [once, five].map((records) => run(records).readings);
    assert.deepEqual(b.map((r) => [r.timestamp, r.state]), a.map((r) => [r.timestamp, r.state]));
    // the same means; the sample sd of five copies of each value is a little smaller
    assert.deepEqual(b.map((r) => r.windowMean), a.map((r) => r.windowMean));
    b.forEach((r, i) => assert.ok(r.z === a[i].z || Math.abs(r.z! - a[i].z!) <= 0.01 * Math.abs(a[i].z!) + 0.001, `${r.z} vs ${a[i].z}`));
  });
});

describe('arousal watch: alerts', () => {
  it('raises one alert per rising episode, after the set number of rising windows', () => {
    const { outcomes } = run(session(1100, step), { alertWindows: 3 });
    const alerts = outcomes.flatMap((o) => (o.alert ? [o.alert] : []));
    assert.equal(alerts.length, 1);
    assert.deepEqual(alerts[0], { participant: 'Ana', risingWindows: 3, risingSeconds: 30, since: T0 + 400_000, timestamp: T0 + 430_000, z: alerts[0].z });
    assert.ok(alerts[0].z > 0.2);
  });

  it('keeps a quiet period after an alert; an episode still rising when it ends gets its alert then', () => {
    const episodes = new AlertEpisodes({ alertWindows: 2, quietMs: 100_000 });
    const states = ['rising', 'rising', 'rising', 'steady', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising', 'rising'] as const;
    const raised = states.map((s, i) => episodes.next(s, i * 10_000, 0)).map((a, i) => (a ? i : -1)).filter((i) => i >= 0);
    // window 1 alerts; the episode from window 4 is quiet until window 11 (100 s after window 1), then alerts once
    assert.deepEqual(raised, [1, 11]);
    const fresh = new AlertEpisodes({ alertWindows: 1, quietMs: 0 });
    assert.deepEqual(['rising', 'falling', 'rising', 'rising', 'warming-up', 'rising'].map((s, i) => Boolean(fresh.next(s as 'rising', i, 0))), [true, false, true, false, false, true]);
  });

  it('says how long: "45 s", "1 min", "1 min 30 s", "2 min"', () => {
    assert.deepEqual([45, 60, 90, 120].map(formatDuration), ['45 s', '1 min', '1 min 30 s', '2 min']);
  });
});

describe('arousal watch: bad records and gaps', () => {
  it('starts the warm-up again after a gap longer than the history, and says how long the gap was', () => {
    const before = session(400, () => 5);
    const after = session(200, () => 5).map((r) => ({ ...r, timestamp: r.timestamp + 700_000 }));
    const { outcomes, readings } = run([...before, ...after]);
    assert.deepEqual(outcomes.filter((o) => o.gapSeconds !== undefined).map((o) => o.gapSeconds), [301]);
    assert.equal(at(readings, 390)!.state, 'steady');
    assert.deepEqual([710, 750].map((s) => at(readings, s)!.state), ['warming-up', 'warming-up']);
    assert.equal(at(readings, 760)!.state, 'steady');
    // a shorter gap keeps the history: with 20 s missing, no reading is due until records come back, and the
    // windows then need half their seconds again
    const short = session(400, () => 5).filter((_, s) => s < 300 || s >= 320);
    const after300 = run(short).readings.filter((r) => r.timestamp > T0 + 300_000).slice(0, 4);
    assert.deepEqual(after300.map((r) => [(r.timestamp - T0) / 1000, r.state]), [[320, 'warming-up'], [330, 'warming-up'], [340, 'steady'], [350, 'steady']]);
  });

  it('refuses bad records with a keyed error and changes nothing', () => {
    const tracker = new ArousalTracker({ ...DEFAULT_SETTINGS, participant: 'Ana' });
    const good = session(120, () => 5);
    good.slice(0, 60).forEach((r) => tracker.add(r));
    const bad: [unknown, RegExp, string?][] = [
      ['hello', /expected a record/, 'payload'],
      [{ participant: 'Ana', timestamp: T0 + 60_000, gsr: 500 }, /outside the plausible range 0–100 µS/],
      [{ participant: 'Ana', timestamp: T0 + 60_000, gsr: Number.NaN }, /record.gsr must be a number/, 'gsr'],
      [{ participant: 'Ana', timestamp: 12, gsr: 5 }, /outside the plausible window/],
      [{ participant: 'Ana', timestamp: '2026', gsr: 5 }, /record.timestamp must be/, 'timestamp'],
      [{ participant: 'Ana', timestamp: T0 + 10_000, gsr: 5 }, /older than Ana's last/, 'order'],
      [{ participant: 'Bo', timestamp: T0 + 60_000, gsr: 5 }, /record of Bo: this node watches Ana/, 'otherParticipant'],
      [{ participant: '../x', timestamp: T0 + 60_000, gsr: 5 }, /invalid participant name/],
    ];
    for (const [record, message, key] of bad) {
      assert.throws(() => tracker.add(record), (e: Error & { key?: string }) => message.test(e.message) && e.key === key, JSON.stringify(record));
    }
    // the rest of the session answers exactly as without the bad records
    const rest = good.slice(60).map((r) => tracker.add(r).reading);
    const clean = run(good, { participant: 'Ana' }).outcomes.slice(60).map((o) => o.reading);
    assert.deepEqual(rest, clean);
    // a record without a participant is the watched participant's; names compare ignoring case
    assert.doesNotThrow(() => tracker.add({ timestamp: T0 + 121_000, gsr: 5 }));
    assert.doesNotThrow(() => tracker.add({ participant: 'ANA', timestamp: T0 + 122_000, gsr: 5 }));
    assert.throws(() => new ArousalTracker(DEFAULT_SETTINGS).add({ timestamp: T0, gsr: 5 }), /no participant/);
  });

  it('refuses settings it cannot honour', () => {
    const bad: Partial<ArousalSettings>[] = [{ windowSeconds: 1 }, { everySeconds: 40 }, { historySeconds: 20 }, { windowSeconds: 2.5 }, { leaveZ: 0.5 }, { alertWindows: 0 }, { quietMs: -1 }];
    for (const s of bad) assert.throws(() => new ArousalTracker({ ...DEFAULT_SETTINGS, ...s }), /must be/, JSON.stringify(s));
  });

  it('keeps each participant apart, and at most MAX_PARTICIPANTS of them (the least recently heard from go first)', () => {
    const tracker = new ArousalTracker(DEFAULT_SETTINGS);
    for (let i = 0; i <= MAX_PARTICIPANTS; i++) tracker.add({ participant: `p${i}`, timestamp: T0 + i, gsr: 5 });
    assert.equal(tracker.participants, MAX_PARTICIPANTS);
    assert.equal(tracker.stateOf('p0'), undefined);
    assert.equal(tracker.stateOf('P1'), 'warming-up');
  });
});
