import assert from 'node:assert/strict';
import { answerEmotion } from '../../src/model/emotion-answer';
import { fitFamiliarity, nearestClass, UNFAMILIAR_THRESHOLD } from '../../src/model/familiarity';
import { createLocalBackend } from '../../src/model/local-backend';
import { trainModel } from '../../src/model/train';
import { testModel } from '../support/infer-model';
import { heldOutDistances, recordMoods, shareAbove } from '../support/held-out-sessions';

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

  it('on held-out simulated sessions: trained moods are rarely unfamiliar (<= 5 %), calm nearly always is (>= 90 %)', async () => {
    // the figures behind UNFAMILIAR_THRESHOLD (bench/unfamiliar-threshold.ts runs 120 participants)
    const { trained, calm } = await heldOutDistances(48);
    const falseAlarms = shareAbove(trained, UNFAMILIAR_THRESHOLD);
    const calmCaught = shareAbove(calm, UNFAMILIAR_THRESHOLD);
    assert.ok(falseAlarms <= 0.05, `trained moods called unfamiliar: ${(falseAlarms * 100).toFixed(1)} %`);
    assert.ok(calmCaught >= 0.9, `calm called unfamiliar: ${(calmCaught * 100).toFixed(1)} %`);
  });
});
