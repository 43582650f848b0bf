import assert from 'node:assert/strict';
import { SETTLE_MS, SimulatedHat, STIMULI, isStimulus, type Stimulus } from '../../src/hat/simulated-hat';
import { convertGsr } from '../../src/signal/gsr';
import { phasicActivity } from '../../src/signal/phasic';

const T0 = Date.UTC(2026, 0, 1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function series(hat: SimulatedHat, channel: number, from: number, ms: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = from; t < from + ms; t += stepMs) out.push(hat.rawAt(channel, t));
  return out;
}

/** Rising edges of the pulse channel sampled at 100 Hz, as times. */
function beats(hat: SimulatedHat, from: number, ms: number): number[] {
  const times: number[] = [];
  let prev = 0;
  for (let t = from; t < from + ms; t += 10) {
    const v = hat.rawAt(4, t);
    if (v > 2000 && prev <= 2000) times.push(t);
    prev = v;
  }
  return times;
}

function meanConductance(hat: SimulatedHat, from: number, ms: number): number {
  return mean(series(hat, 0, from, ms, 200).map((raw) => convertGsr(raw).conductanceUS!));
}

function bpm(hat: SimulatedHat, from: number, ms: number): number {
  const b = beats(hat, from, ms);
  return (60_000 * (b.length - 1)) / (b[b.length - 1] - b[0]);
}

describe('hat: simulated Grove Base Hat', () => {
  it('is deterministic: same seed, participant, stimulus history and time give the same readings', () => {
    const make = () => {
      const hat = new SimulatedHat({ seed: 3, participant: 'Ana', now: () => T0 });
      hat.setStimulus('angry', T0 + 5000);
      return hat;
    };
    const a = make();
    const b = make();
    for (const ch of [0, 4]) assert.deepEqual(series(a, ch, T0, 20_000, 37), series(b, ch, T0, 20_000, 37));
    // Later changes do not rewrite the past.
    const later = make();
    for (let k = 1; k <= 50; k++) later.setStimulus(STIMULI[k % 4], T0 + 20_000 + k * 1000);
    for (const ch of [0, 4]) assert.deepEqual(series(later, ch, T0, 20_000, 37), series(a, ch, T0, 20_000, 37));
    assert.notDeepEqual(series(later, 0, T0 + 20_000, 50_000, 500), series(a, 0, T0 + 20_000, 50_000, 500));
    // Pure in t: reading backwards gives the same values as reading forwards.
    const fwd = series(a, 4, T0, 3000, 10);
    const back: number[] = [];
    for (let t = T0 + 2990; t >= T0; t -= 10) back.unshift(a.rawAt(4, t));
    assert.deepEqual(back, fwd);
  });

  it('knows when the body has reacted to a new feeling: most of the change is there by SETTLE_MS', () => {
    const hat = new SimulatedHat({ seed: 2, participant: 'Zoë', now: () => T0 });
    assert.deepEqual(hat.simulationAt(T0), { stimulus: 'calm' });
    hat.setStimulus('angry', T0);
    assert.deepEqual(hat.simulationAt(T0 + 1000), { stimulus: 'angry', since: T0, settledAt: T0 + SETTLE_MS });
    hat.setStimulus('angry', T0 + 4000); // the same feeling again: nothing changes
    assert.equal(hat.simulationAt(T0 + 5000).since, T0);
    // the tonic level without drifts or responses: a twin that has been angry for an hour shows the target
    const settled = new SimulatedHat({ seed: 2, participant: 'Zoë' });
    settled.setStimulus('angry', T0 - 3_600_000);
    const calm = new SimulatedHat({ seed: 2, participant: 'Zoë' });
    for (const [signal, at] of [['gsr', (h: SimulatedHat, t: number) => h.conductanceAt(t)], ['hr', (h: SimulatedHat, t: number) => h.heartRateAt(t)]] as const) {
      const t = T0 + SETTLE_MS;
      const left = Math.abs(at(settled, t) - at(hat, t)) / Math.abs(at(settled, t) - at(calm, t));
      // the heart rate exactly as the model says (5 %); the conductance also carries responses that differ
      // between the twins' last 20 s, so it is checked against 10 %
      assert.ok(left <= (signal === 'hr' ? 0.05 : 0.1), `${signal}: ${(left * 100).toFixed(1)} % of the change still to come at SETTLE_MS`);
      const early = Math.abs(at(settled, T0 + SETTLE_MS / 3) - at(hat, T0 + SETTLE_MS / 3)) / Math.abs(at(settled, T0 + SETTLE_MS / 3) - at(calm, T0 + SETTLE_MS / 3));
      if (signal === 'gsr') assert.ok(early > 0.3, `gsr still far at a third of it (${(early * 100).toFixed(0)} %)`);
    }
  });

  it('differs between participants and seeds', () => {
    const ana = new SimulatedHat({ seed: 1, participant: 'Ana' });
    const ben = new SimulatedHat({ seed: 1, participant: 'Ben' });
    const ana2 = new SimulatedHat({ seed: 2, participant: 'Ana' });
    assert.notEqual(ana.baseline.conductanceUS, ben.baseline.conductanceUS);
    assert.notEqual(ana.baseline.bpm, ana2.baseline.bpm);
    assert.notDeepEqual(series(ana, 0, T0, 2000, 100), series(ben, 0, T0, 2000, 100));
  });

  it('readRaw reads at now()', async () => {
    let now = T0 + 1234;
    const hat = new SimulatedHat({ participant: 'Ana', now: () => now });
    assert.equal(await hat.readRaw(0), hat.rawAt(0, now));
    now += 10_000;
    assert.equal(await hat.readRaw(4), hat.rawAt(4, now));
    assert.equal(hat.simulated, true);
  });

  it('a worn GSR reads below half scale, 2-20 µS across people', () => {
    for (const participant of ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay']) {
      const hat = new SimulatedHat({ participant });
      const raws = series(hat, 0, T0, 120_000, 500);
      assert.ok(raws.every((r) => r < 2048));
      const g = mean(raws.map((r) => convertGsr(r).conductanceUS!));
      assert.ok(g > 2 && g < 20, `${participant}: ${g} µS`);
    }
  });

  it('the ear clip gives a ~4000 pulse of ~80 ms per beat, ~0 between, with a few % beat-to-beat variability', () => {
    const hat = new SimulatedHat({ participant: 'Ana' });
    const raws = series(hat, 4, T0, 60_000, 10);
    assert.ok(raws.every((v) => v > 3900 || v < 100), 'binary-looking signal');
    assert.ok(raws.some((v) => v !== 0 && v < 100), 'small noise when low');
    const highShare = raws.filter((v) => v > 2000).length / raws.length;
    const rate = hat.baseline.bpm / 60_000;
    assert.ok(Math.abs(highShare - 80 * rate) < 0.02, `high ${highShare}`);
    const b = beats(hat, T0, 60_000);
    const ibis = b.slice(1).map((t, i) => t - b[i]);
    const cv = Math.sqrt(mean(ibis.map((x) => (x - mean(ibis)) ** 2))) / mean(ibis);
    assert.ok(cv > 0.01 && cv < 0.08, `IBI variability ${cv}`);
  });

  it('orders the stimuli: conductance angry > sad > happy > calm, heart rate angry > happy > calm > sad', () => {
    for (const participant of ['Ana', 'Ben', 'Cleo', 'Dev']) {
      const g: Record<string, number> = {};
      const hr: Record<string, number> = {};
      for (const s of STIMULI) {
        const hat = new SimulatedHat({ seed: 5, participant });
        hat.setStimulus(s, T0);
        g[s] = meanConductance(hat, T0 + 15_000, 120_000);
        hr[s] = bpm(hat, T0 + 15_000, 120_000);
      }
      assert.ok(g.angry > g.sad && g.sad > g.happy && g.happy > g.calm, `${participant} gsr ${JSON.stringify(g)}`);
      assert.ok(hr.angry > hr.happy && hr.happy > hr.calm && hr.calm > hr.sad, `${participant} hr ${JSON.stringify(hr)}`);
      assert.ok(g.angry > 1.5 * g.calm, 'anger: much more sweat');
    }
  });

  it('shows skin conductance responses: few at calm, many under every emotional stimulus', () => {
    // the median phasic activity of 10-s runs of one reading a second, over 5 minutes of each stimulus
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
    for (const participant of ['Ana', 'Ben', 'Cleo']) {
      const activity: Record<string, number> = {};
      for (const s of STIMULI) {
        const hat = new SimulatedHat({ seed: 5, participant });
        hat.setStimulus(s, T0);
        const runs: number[] = [];
        for (let from = T0 + 15_000; from < T0 + 315_000; from += 10_000) {
          runs.push(phasicActivity(series(hat, 0, from, 10_000, 1000).map((raw) => convertGsr(raw).conductanceUS!))!);
        }
        activity[s] = median(runs);
      }
      for (const s of ['angry', 'happy', 'sad']) assert.ok(activity[s] > 1.3 * activity.calm, `${participant} ${JSON.stringify(activity)}`);
    }
  });

  it('approaches a new stimulus gradually, most of the way within 10 s', () => {
    const hat = new SimulatedHat({ participant: 'Ana' });
    const settled = new SimulatedHat({ participant: 'Ana' });
    hat.setStimulus('angry', T0);
    settled.setStimulus('angry', T0 - 600_000);
    const calm = new SimulatedHat({ participant: 'Ana' });
    const progress = (t: number) => (hat.conductanceAt(t) - calm.conductanceAt(t)) / (settled.conductanceAt(t) - calm.conductanceAt(t));
    assert.ok(progress(T0 + 1000) < 0.5, `after 1 s: ${progress(T0 + 1000)}`);
    assert.ok(progress(T0 + 10_000) > 0.9, `after 10 s: ${progress(T0 + 10_000)}`);
    const hrProgress = (hat.heartRateAt(T0 + 10_000) - calm.heartRateAt(T0 + 10_000)) /
      (settled.heartRateAt(T0 + 10_000) - calm.heartRateAt(T0 + 10_000));
    assert.ok(hrProgress > 0.9 && hat.heartRateAt(T0 + 500) - calm.heartRateAt(T0 + 500) < 0.5 * (settled.heartRateAt(T0 + 500) - calm.heartRateAt(T0 + 500)));
    // Before the change nothing moved: history is applied by time, not by call order.
    assert.equal(hat.rawAt(0, T0 - 1), calm.rawAt(0, T0 - 1));
  });

  it('keeps the emotions separable but overlapping: a linear classifier on per-second means reaches ~85-95 %', () => {
    const labels: Stimulus[] = ['angry', 'happy', 'sad'];
    const accuracies: number[] = [];
    for (const participant of ['Ana', 'Ben', 'Cleo']) {
      let t = T0;
      const hat = new SimulatedHat({ seed: 7, participant });
      const rows: Array<{ x: [number, number]; y: number }> = [];
      for (let rep = 0; rep < 3; rep++) {
        for (const [y, s] of labels.entries()) {
          hat.setStimulus('calm', t);
          t += 20_000;
          hat.setStimulus(s, t);
          const session = beats(hat, t, 90_000);
          for (let sec = 10; sec < 90; sec++) {
            const from = t + sec * 1000;
            const recent = session.filter((b) => b < from + 1000);
            const ibi = (recent[recent.length - 1] - recent[recent.length - 6]) / 5;
            rows.push({ x: [meanConductance(hat, from, 1000), 60_000 / ibi], y });
          }
          t += 90_000;
        }
      }
      // Nearest class mean on standardised features: a linear decision rule.
      const stats = [0, 1].map((k) => {
        const v = rows.map((r) => r.x[k]);
        const m = mean(v);
        return { m, s: Math.sqrt(mean(v.map((x) => (x - m) ** 2))) };
      });
      const z = (x: [number, number]) => x.map((v, k) => (v - stats[k].m) / stats[k].s);
      const centres = labels.map((_, y) => [0, 1].map((k) => mean(rows.filter((r) => r.y === y).map((r) => z(r.x)[k]))));
      const correct = rows.filter((r) => {
        const p = z(r.x);
        const d = centres.map((c) => (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2);
        return d.indexOf(Math.min(...d)) === r.y;
      }).length;
      accuracies.push(correct / rows.length);
    }
    const overall = mean(accuracies);
    assert.ok(overall > 0.8 && overall < 0.98, `accuracy ${accuracies.join(', ')}`);
  });

  it('tracks the current stimulus and rejects unknown ones', () => {
    const hat = new SimulatedHat();
    assert.equal(hat.stimulus, 'calm');
    hat.setStimulus('sad');
    assert.equal(hat.stimulus, 'sad');
    assert.throws(() => hat.setStimulus('bored' as Stimulus), /unknown stimulus "bored": use calm, angry, happy, sad/);
    assert.equal(hat.stimulus, 'sad');
    assert.ok(isStimulus('happy') && !isStimulus('Happy') && !isStimulus(3));
    assert.throws(() => hat.rawAt(8, T0), /channel/);
  });
});
