import assert from 'node:assert/strict';
import { cleanRecords } from '../../src/model/clean';
import { MAX_SESSION_FOLDS, planHeldOut } from '../../src/model/held-out';
import { balancedAccuracy, balancedInterval, verdictOf, wilson } from '../../src/model/held-out-metrics';
import { trainModel } from '../../src/model/train';
import { sessionWindows } from '../../src/model/windows';
import type { SensorRecord } from '../../src/record/record';
import { REST_STRESS, SCENARIOS, realRecords, trainReal } from '../support/real-affect-protocol';

const LABELS = ['angry', 'happy', 'sad'];

/** `seconds` one-second records of a mood from `start` (ms), with a level that drifts with the time. */
function session(mood: string, name: string, start: number, seconds: number, level = 5): SensorRecord[] {
  return Array.from({ length: seconds }, (_, i) => ({
    participant: 'ana',
    timestamp: start + i * 1000,
    gsr: level + 0.01 * i + 0.3 * Math.sin(i * 1.7),
    bpm: 70 + 10 * LABELS.indexOf(mood) + Math.cos(i * 2.3),
    mood,
    session: name,
  }));
}

describe('held out in time: detection windows the model never learned from', () => {
  describe('windows', () => {
    it('tiles each session into back-to-back windows after the warm-up, keeping only complete ones', () => {
      const clean = cleanRecords([...session('happy', 'a', 0, 95), ...session('sad', 'b', 200_000, 34)], ['gsr', 'bpm'], LABELS, 10);
      const sessions = sessionWindows(clean, 10);
      assert.deepEqual(
        sessions.map((s) => [s.label, s.windows.map((w) => w.length)]),
        [
          [1, [10, 10, 10, 10, 10, 10, 10, 10, 5]], // 85 s after the warm-up: the last 5 s are half a window
          [2, [10, 10]], // 24 s: 4 s left over, not a window
        ],
      );
    });
  });

  describe('the plan', () => {
    const clean = (records: SensorRecord[]) => cleanRecords(records, ['gsr', 'bpm'], LABELS, 0);
    /** the session names a fold answers, in order */
    const testedIn = (data: ReturnType<typeof clean>, fold: { test: { rows: number[] }[] }) => [
      ...new Set(fold.test.flatMap((w) => w.rows.map((i) => (JSON.parse(data.session[i]) as string[])[1]))),
    ];

    it('answers each later session with a model trained only on the sessions recorded before it', () => {
      const records = LABELS.flatMap((m, k) => [...session(m, `${m}-1`, k * 100_000, 60), ...session(m, `${m}-2`, 10_000_000 + k * 100_000, 60)]);
      const data = clean(records);
      const plan = planHeldOut(data, sessionWindows(data, 10), 3, 0.2);
      assert.equal(plan.protocol, 'leave-one-session-out');
      assert.deepEqual(plan.sessionsPerMood, [2, 2, 2]);
      // the first sitting's sessions follow no session of every mood: the second sitting's are left out, each in turn
      assert.deepEqual(
        plan.folds.map((fold) => testedIn(data, fold)),
        [['angry-2'], ['happy-2'], ['sad-2']],
      );
      for (const fold of plan.folds) {
        const firstTested = Math.min(...fold.test.flatMap((w) => w.rows.map((i) => data.timestamp[i])));
        assert.ok(fold.train.every((i) => data.timestamp[i] < firstTested), 'nothing from the session or after it in training');
        assert.equal(fold.train.length, data.y.filter((_, i) => data.timestamp[i] < firstTested).length, 'everything before it');
        for (const k of [0, 1, 2]) assert.ok(fold.train.some((i) => data.y[i] === k), 'every mood in training');
      }
    });

    it('leaves the last session of a mood out of every other session when none of its sessions follows one of every mood', () => {
      // angry twice, then happy twice: no angry session follows a happy one
      const records = [...session('angry', 'a1', 0, 60), ...session('angry', 'a2', 100_000, 60), ...session('happy', 'h1', 200_000, 60), ...session('happy', 'h2', 300_000, 60)];
      const data = clean(records);
      const plan = planHeldOut(data, sessionWindows(data, 10), 2, 0.2);
      const tested = plan.folds.map((fold) => testedIn(data, fold));
      assert.deepEqual(tested, [['h2'], ['a2']]);
      assert.deepEqual(testedIn(data, { test: [{ rows: plan.folds[0].train }] }), ['a1', 'a2', 'h1'], 'h2: what came before');
      assert.deepEqual(testedIn(data, { test: [{ rows: plan.folds[1].train }] }), ['a1', 'h1', 'h2'], 'a2: every other session');
    });

    it('leaves sessions out in at most 10 runs of consecutive sessions, each trained on what came before its first', () => {
      const records = LABELS.flatMap((m, k) => Array.from({ length: 30 }, (_, j) => session(m, `${m}-${j}`, (j * 3 + k) * 100_000, 30)).flat());
      const data = clean(records);
      const plan = planHeldOut(data, sessionWindows(data, 10), 3, 0.2);
      assert.equal(plan.folds.length, MAX_SESSION_FOLDS);
      // every session but the first of each mood (which follows no session of every mood), three windows each
      assert.equal(plan.folds.reduce((n, f) => n + f.test.length, 0), 87 * 3, 'every later window answered once');
      for (const fold of plan.folds) {
        const firstTested = Math.min(...fold.test.flatMap((w) => w.rows.map((i) => data.timestamp[i])));
        assert.ok(fold.train.every((i) => data.timestamp[i] < firstTested));
        for (const k of [0, 1, 2]) assert.ok(fold.train.some((i) => data.y[i] === k));
      }
    });

    it('holds out the end of a mood recorded once, after a gap of one window, and says it is optimistic', () => {
      const records = LABELS.flatMap((m, k) => session(m, m, k * 100_000, 100));
      const data = clean(records);
      const plan = planHeldOut(data, sessionWindows(data, 10), 3, 0.2);
      assert.equal(plan.protocol, 'end-of-session');
      assert.equal(plan.folds.length, 1);
      const [fold] = plan.folds;
      assert.equal(fold.test.length, 3 * 2, 'the last 20 % of ten windows, per mood');
      for (const k of [0, 1, 2]) {
        const rows = data.y.map((_, i) => i).filter((i) => data.y[i] === k);
        const firstTested = Math.min(...fold.test.filter((w) => w.label === k).flatMap((w) => w.rows.map((i) => data.timestamp[i])));
        const lastTrained = Math.max(...fold.train.filter((i) => data.y[i] === k).map((i) => data.timestamp[i]));
        assert.ok(firstTested - lastTrained > 10_000, `a whole window between training and test (${firstTested - lastTrained} ms)`);
        assert.equal(fold.train.filter((i) => data.y[i] === k).length, rows.length - 30, 'test and gap left out of training');
      }
      const mixed = clean([...records, ...session('sad', 'sad-2', 9_000_000, 100)]);
      const plan2 = planHeldOut(mixed, sessionWindows(mixed, 10), 3, 0.2);
      assert.equal(plan2.protocol, 'mixed');
      assert.deepEqual(plan2.sessionsPerMood, [1, 1, 2]);
      assert.equal(plan2.folds.length, 2, 'the later sad session out (trained on what came before it), and the ends of angry and happy');
    });
  });

  describe('figures and verdict', () => {
    it('balanced accuracy is the mean recall; its interval is Wilson over the effective number of windows', () => {
      const confusion = [
        [18, 2],
        [5, 5],
      ];
      assert.equal(balancedAccuracy(confusion), (0.9 + 0.5) / 2);
      // 20 and 10 windows: n = 4 / (1/20 + 1/10) = 26.67
      const [lo, hi] = wilson(0.7 * (4 / 0.15), 4 / 0.15);
      const [l, h] = balancedInterval(confusion, 0.7);
      assert.ok(Math.abs(l - lo) < 1e-12 && Math.abs(h - hi) < 1e-12, `${l}-${h} vs ${lo}-${hi}`);
      // equal windows: the plain Wilson interval over all of them
      assert.deepEqual(balancedInterval([[8, 2], [3, 7]], 0.75), wilson(15, 20));
      assert.equal(balancedAccuracy([[0, 0], [1, 1]]), 0.5, 'a mood without windows is left out');
    });

    it('gives each verdict by its stated rule', () => {
      const base = { labels: ['a', 'b'], windowsPerMood: [20, 20], chance: 0.5 };
      const verdict = (v: Partial<Parameters<typeof verdictOf>[0]>) =>
        verdictOf({ ...base, protocol: 'leave-one-session-out', sessionsPerMood: [2, 2], occasionsPerMood: [2, 2], balanced: 0.8, interval: [0.7, 0.9], ...v });
      assert.equal(verdict({}).verdict, 'separable');
      const sitting = verdict({ occasionsPerMood: [2, 1] });
      assert.equal(sitting.verdict, 'not-measurable', 'b\'s sessions all from one sitting');
      assert.match(sitting.reason, /^not measurable yet: every session of b comes from one sitting, so how the model does on another day was never measured/);
      assert.match(sitting.reason, /record b again on another occasion, an hour or more later$/);
      assert.match(verdict({}).reason, /^can tell these moods apart: 80 % on held-out windows, 95 % interval 70 %–90 %, chance 50 %; each session/);
      assert.equal(verdict({ balanced: 0.62, interval: [0.49, 0.74] }).verdict, 'not-separable', 'lower bound below chance');
      assert.match(verdict({ balanced: 0.62, interval: [0.49, 0.74] }).reason, /^cannot tell these moods apart better than chance on sessions it did not learn from/);
      const once = verdict({ protocol: 'end-of-session', sessionsPerMood: [1, 1] });
      assert.equal(once.verdict, 'not-measurable');
      assert.match(once.reason, /a, b were recorded once, so the model may have learned when you recorded, not how you felt/);
      assert.match(once.reason, /record a, b again on another occasion$/);
      assert.equal(verdict({ protocol: 'end-of-session', sessionsPerMood: [1, 1], interval: [0.3, 0.7], balanced: 0.5 }).verdict, 'not-separable', 'not even the optimistic figure');
      assert.equal(verdict({ occasionsPerMood: [1, 1], interval: [0.3, 0.7], balanced: 0.5 }).verdict, 'not-separable', 'not even within one sitting');
      assert.equal(verdict({ protocol: 'mixed', sessionsPerMood: [2, 1] }).verdict, 'not-measurable');
      const few = verdict({ windowsPerMood: [20, 9], balanced: 0.6, interval: [0.4, 0.78] });
      assert.equal(few.verdict, 'not-measurable', 'at chance on 9 windows of b: too few to tell');
      assert.match(few.reason, /^not measurable yet: too few held-out windows of b to tell/);
      assert.equal(verdict({ windowsPerMood: [20, 9] }).verdict, 'separable', 'above chance even so');
      const none = verdict({ windowsPerMood: [0, 12], balanced: 1 });
      assert.equal(none.verdict, 'not-measurable');
      assert.match(none.reason, /too little of a to hold any of it out/);
    });
  });

  describe('on a real person (Stress-Predict S02: rest and stress blocks as sessions)', function () {
    this.timeout(60_000);
    const two = SCENARIOS.find((s) => s.name === 'two sessions per mood')!;
    const one = SCENARIOS.find((s) => s.name === 'one session per mood')!;

    it('reports held-out balanced accuracy next to chance, its interval, sessions per mood, windows and the verdict', () => {
      const model = trainReal('S02', two);
      const m = model.metrics;
      assert.equal(m.heldOut, 'leave-one-session-out');
      assert.deepEqual(m.sessionsPerMood, { rest: 2, stress: 2 });
      assert.equal(m.chance, 0.5);
      // the blocks that follow one of each mood (rest 1, the interview; base and the Stroop test come first),
      // after their 10-s warm-up, in complete 10-s windows, counted from the data itself
      const records = realRecords('S02', two.recorded);
      const windows = ['rest1', 'interview'].reduce((n, block) => n + Math.floor((records.filter((r) => r.session === block).length - 10 + 5) / 10), 0);
      assert.equal(m.testWindows, windows);
      assert.equal(m.confusion.flat().reduce((a, b) => a + b, 0), windows);
      assert.equal(m.balancedAccuracy, balancedAccuracy(m.confusion));
      assert.deepEqual(m.interval, balancedInterval(m.confusion, m.balancedAccuracy!));
      assert.ok(m.interval![0] <= m.balancedAccuracy! && m.balancedAccuracy! <= m.interval![1]);
      assert.deepEqual(m.occasionsPerMood, { rest: 1, stress: 1 }, 'one hour, one sitting');
      // above chance within the sitting is not yet a verdict on another day
      assert.equal(m.verdict, m.interval![0] > 0.5 ? 'not-measurable' : 'not-separable');
      assert.equal(m.accuracy, (m.confusion[0][0] + m.confusion[1][1]) / windows);
      // the published figure is there, under its own name, and flatters: single seconds, neighbours on both sides
      assert.ok(m.randomSplitAccuracy! > m.balancedAccuracy! + 0.2, `${m.randomSplitAccuracy} vs ${m.balancedAccuracy}`);
    });

    it('with one session per mood: the end of each session, flagged as not measurable (or not separable) and optimistic', () => {
      const model = trainReal('S02', one);
      assert.equal(model.metrics.heldOut, 'end-of-session');
      assert.deepEqual(model.metrics.sessionsPerMood, { rest: 1, stress: 1 });
      assert.ok(['not-measurable', 'not-separable'].includes(model.metrics.verdict!));
      if (model.metrics.verdict === 'not-measurable') assert.match(model.metrics.verdictReason!, /may have learned when you recorded, not how you felt/);
    });

    it('says when a recording is too short to hold anything out', () => {
      const records = realRecords('S02', ['base', 'stroop']).filter((r, i, all) => r.timestamp < all.find((a) => a.session === r.session)!.timestamp + 30_000);
      const model = trainModel(records, { participant: 'S02', labels: [...REST_STRESS], warmupSeconds: 10 });
      assert.equal(model.metrics.testWindows, 0);
      assert.equal(model.metrics.accuracy, null);
      assert.equal(model.metrics.balancedAccuracy, null);
      assert.equal(model.metrics.verdict, 'not-measurable');
      assert.deepEqual(JSON.parse(JSON.stringify(model.metrics)), model.metrics, 'no NaN in the file');
    });
  });
});
