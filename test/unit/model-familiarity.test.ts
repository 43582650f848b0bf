import assert from 'node:assert/strict';
import { answerEmotion } from '../../src/model/emotion-answer';
import { fitFamiliarity, MIN_LIMIT_WINDOWS, nearestClass, unfamiliarLimit, UNFAMILIAR_THRESHOLD } from '../../src/model/familiarity';
import { createLocalBackend } from '../../src/model/local-backend';
import { trainModel } from '../../src/model/train';
import { testModel } from '../support/infer-model';
import { heldOutDistances, recordMoods, shareAbove } from '../support/held-out-sessions';
import { detectLater, SCENARIOS, trainReal } from '../support/real-affect-protocol';
import { stressPredictIds } from '../support/real-recordings';

const LABELS = ['angry', 'happy', 'sad'];

describe('"unfamiliar": is a window like anything the person recorded?', function () {
  this.timeout(60_000);

  it('measures the distance to each class in units of that class\'s own spread (Mahalanobis)', () => {
    // class 0: long along feature 0, narrow along feature 1; class 1 far away
    const x = [[-2, 0], [-1, 0.1], [0, -0.1], [1, 0], [2, 0.05], [10, 10], [10.1, 10], [9.9, 10.1], [10, 9.9]];
    const y = [0, 0, 0, 0, 0, 1, 1, 1, 1];
    const f = fitFamiliarity(x, y, ['a', 'b']);
    assert.equal(nearestClass(f, [0, 0]).label, 'a');
    assert.ok(nearestClass(f, [0, 0]).distance < 0.5);
    const along = nearestClass(f, [2.5, 0]).distance;
    const across = nearestClass(f, [0, 0.5]).distance;
    assert.ok(along < across, `2.5 along the long axis (${along}) is nearer than 0.5 across the narrow one (${across})`);
    assert.ok(nearestClass(f, [5, 5]).distance > UNFAMILIAR_THRESHOLD);
  });

  it('answers "uncertain" with reason "unfamiliar" and the distance far from every recorded mood', async () => {
    const model = trainModel(recordMoods(3, 'ana', ['angry', 'happy', 'sad'], 90, Date.UTC(2026, 0, 1)), { participant: 'ana' });
    assert.equal(model.familiarity?.classes.length, 3);
    const ask = (gsr: number, bpm: number) =>
      answerEmotion({ backend: createLocalBackend(model), features: { gsr, bpm }, participant: 'ana', labels: LABELS, threshold: 0, startedAt: performance.now() });
    const [m, s] = [model.standardisation.mean, model.standardisation.std];
    const far = await ask(m[0] - 3 * s[0], m[1] + 3 * s[1]); // little sweat, racing heart: none of the three
    assert.equal(far.label, 'uncertain');
    assert.equal(far.index, -1);
    assert.equal(far.reason, 'unfamiliar');
    assert.ok(far.distance! > UNFAMILIAR_THRESHOLD);
    assert.equal(far.familiarLimit, UNFAMILIAR_THRESHOLD);
    assert.ok(LABELS.includes(far.guess), 'the guess is still there for who wants it');
    const c = model.familiarity!.classes[1]; // happy's centre, back in raw units
    const near = await ask(m[0] + c.mean[0] * s[0], m[1] + c.mean[1] * s[1]);
    assert.equal(near.label, 'happy');
    assert.equal(near.reason, undefined);
    assert.ok(near.distance! < 0.5);
  });

  it('keeps answering with an old model file that has no familiarity (no reason, no distance)', async () => {
    const old = testModel('bo');
    const e = await answerEmotion({ backend: createLocalBackend(old), features: { gsr: 50, bpm: 200 }, participant: 'bo', labels: LABELS, threshold: 0, startedAt: 0 });
    assert.equal(e.label, 'angry');
    assert.equal(e.reason, undefined);
    assert.equal(e.distance, undefined);
  });

  it('says "low-confidence" when the confidence threshold made it uncertain', async () => {
    const e = await answerEmotion({ backend: createLocalBackend(testModel('bo')), features: { gsr: 5, bpm: 80 }, participant: 'bo', labels: LABELS, threshold: 0.5, startedAt: 0 });
    assert.equal(e.label, 'uncertain');
    assert.equal(e.reason, 'low-confidence');
  });

  it('counts a window calmer than a mood (less phasic activity) as farther from it, a livelier one not', () => {
    const x = [[0, 0], [0.1, 0], [0, 0.1], [-0.1, 0], [0, -0.1]];
    const f = fitFamiliarity(x, [0, 0, 0, 0, 0], ['happy'], [Array.from({ length: 20 }, (_, i) => 0.02 * (1 + (i % 5) / 10))]);
    assert.equal(f.phasic?.[0].label, 'happy');
    const level = nearestClass(f, [0, 0]).distance;
    assert.equal(nearestClass(f, [0, 0], Math.exp(f.phasic![0].mean)).distance, level, 'as lively as the mood: the level alone');
    assert.equal(nearestClass(f, [0, 0], 0.2).distance, level, 'livelier: not farther');
    assert.ok(nearestClass(f, [0, 0], 0.002).distance > UNFAMILIAR_THRESHOLD, 'a tenth of the activity, at the same level');
  });

  it('keeps the level alone for a mood with too few windows, and for a model without any', () => {
    const x = [[0, 0], [0.1, 0], [0, 0.1], [-0.1, 0], [0, -0.1]];
    const few = fitFamiliarity(x, [0, 0, 0, 0, 0], ['happy'], [[0.02, 0.02, 0.02]]);
    assert.equal(few.phasic, undefined);
    assert.equal(nearestClass(few, [0, 0], 0.0001).distance, nearestClass(few, [0, 0]).distance);
  });

  it('learns each recorded mood\'s phasic activity from runs of its sessions', () => {
    const model = trainModel(recordMoods(3, 'ana', ['angry', 'happy', 'sad'], 90, Date.UTC(2026, 0, 1)), { participant: 'ana' });
    const phasic = model.familiarity!.phasic!;
    assert.deepEqual(phasic.map((p) => p.label), LABELS);
    // 90 s a mood, 10 s warm-up dropped, runs of 10 readings: about 70 per mood
    for (const p of phasic) assert.ok(p.windows >= 60 && p.windows <= 71 && p.std >= 0.4, JSON.stringify(p));
  });

  it('hours after a single sitting, on the real-sized simulated hat, says "unfamiliar" to most windows rather than guess', async () => {
    // The level drifts by tens of percent within hours (docs/sensors.md): a model of moods recorded once,
    // in one sitting, no longer knows where they lie, trained moods and calm alike; the check refuses most
    // of those answers instead of giving a confident wrong one (bench/unfamiliar-threshold.ts, 120 people).
    // The earlier promise (trained moods rarely unfamiliar hours later, calm nearly always) held only on a
    // hat without drift; the limit now comes from each person's own held-out windows (below).
    const { trained, calm, trainedBeyond, calmBeyond } = await heldOutDistances(12);
    assert.equal(trained.length, 12 * 3 * 3 * 5);
    assert.ok(trainedBeyond >= 0.5, `trained moods called unfamiliar: ${(trainedBeyond * 100).toFixed(1)} %`);
    assert.ok(calmBeyond >= 0.5, `calm called unfamiliar: ${(calmBeyond * 100).toFixed(1)} %`);
    assert.ok(shareAbove(calm, UNFAMILIAR_THRESHOLD) >= calmBeyond, 'no limit below the default');
  });

  describe('the limit, from the participant\'s own held-out windows', () => {
    it('is the conformal 95 % quantile of their distances, never below the default, the default with too few', () => {
      const spread = (n: number, scale: number) => Array.from({ length: n }, (_, i) => (scale * (i + 1)) / n);
      assert.equal(MIN_LIMIT_WINDOWS, 19);
      assert.deepEqual(unfamiliarLimit(spread(18, 10)), { threshold: UNFAMILIAR_THRESHOLD, limitFrom: 'default', heldOutWindows: 18 });
      assert.equal(unfamiliarLimit(spread(19, 10)).threshold, 10, 'with 19 windows: the largest');
      // 99 windows at 0.1 .. 9.9: the ceil(100 * 0.95) = 95th smallest, 9.5
      assert.deepEqual(unfamiliarLimit(spread(99, 9.9)), { threshold: 9.5, limitFrom: 'held-out', heldOutWindows: 99 });
      assert.equal(unfamiliarLimit(spread(99, 1)).threshold, UNFAMILIAR_THRESHOLD, 'tight windows keep the default');
    });

    it('measures each held-out window against a model that never saw it', () => {
      // a third sad session at a far level: against a familiarity fitted without it, its windows are far
      const moods = ['angry', 'happy', 'sad'] as const;
      const T0 = Date.UTC(2026, 0, 1);
      const records = [...recordMoods(3, 'ana', moods, 90, T0), ...recordMoods(3, 'ana', [...moods].reverse(), 90, T0 + 24 * 3600_000)];
      const far = recordMoods(3, 'ana', ['sad'], 90, T0 + 48 * 3600_000).map((r) => ({ ...r, gsr: r.gsr * 3, session: 'far' }));
      const near = trainModel(records, { participant: 'ana' });
      const withFar = trainModel([...records, ...far], { participant: 'ana' });
      assert.equal(withFar.familiarity!.limitFrom, 'held-out');
      assert.ok(withFar.familiarity!.threshold > near.familiarity!.threshold + 1, `${near.familiarity!.threshold} -> ${withFar.familiarity!.threshold}`);
    });

    it('on real people, recorded in several sessions: at most 5 % of windows of trained moods are unfamiliar at the end of each session', async () => {
      const scenario = SCENARIOS.find((s) => s.recordedShare !== undefined)!; // the first 70 % of every block recorded
      const shares: number[] = [];
      for (const id of stressPredictIds()) {
        const model = trainReal(id, scenario);
        assert.equal(model.familiarity!.limitFrom, 'held-out');
        const answers = await detectLater(model, id, scenario, { followVerdict: false });
        shares.push(answers.filter((a) => a.answer.reason === 'unfamiliar').length / answers.length);
      }
      shares.sort((a, b) => a - b);
      assert.ok(shares[Math.floor(shares.length / 2)] <= 0.05, `median ${shares[Math.floor(shares.length / 2)]} (${shares.map((v) => v.toFixed(2)).join(' ')})`);
    });
  });
});
