import assert from 'node:assert/strict';
import { SETTLE_MS, SimulatedHat, STIMULI, isStimulus, type Stimulus } from '../../src/hat/simulated-hat';
import { convertGsr } from '../../src/signal/gsr';
import { skinResponses } from '../../src/signal/scr';

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

  it('a worn GSR reads below half scale, 1-25 µS across people', () => {
    for (const participant of ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay']) {
      const hat = new SimulatedHat({ participant });
      const raws = series(hat, 0, T0, 120_000, 500);
      assert.ok(raws.every((r) => r < 2048));
      const g = mean(raws.map((r) => convertGsr(r).conductanceUS!));
      assert.ok(g > 1 && g < 25, `${participant}: ${g} µS`);
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

  it('orders the stimuli: conductance angry > sad > happy > calm, heart rate angry > happy > calm > sad, by real-sized steps', () => {
    for (const participant of ['Ana', 'Ben', 'Cleo', 'Dev']) {
      const g: Record<string, number> = {};
      const hr: Record<string, number> = {};
      for (const s of STIMULI) {
        const hat = new SimulatedHat({ seed: 5, participant });
        hat.setStimulus(s, T0);
        // once the level has moved (time constant 90 s), the same minutes of each: the same drift
        g[s] = meanConductance(hat, T0 + 300_000, 120_000);
        hr[s] = bpm(hat, T0 + 300_000, 120_000);
      }
      assert.ok(g.angry > g.sad && g.sad > g.happy && g.happy > g.calm, `${participant} gsr ${JSON.stringify(g)}`);
      assert.ok(hr.angry > hr.happy && hr.happy > hr.calm && hr.calm > hr.sad, `${participant} hr ${JSON.stringify(hr)}`);
      // real stress tasks moved the level by about a fifth and the heart by a few bpm, not by half and 14
      assert.ok(g.angry / g.calm > 1.15 && g.angry / g.calm < 1.3, `anger: ${g.angry / g.calm}x the conductance`);
      assert.ok(hr.angry - hr.calm > 1.5 && hr.angry - hr.calm < 5, `anger: +${hr.angry - hr.calm} bpm`);
    }
  });

  it('skin conductance responses are event-locked: one after each stimulus change, sized by the stimulus; none more under a lasting one', () => {
    const responses = (hat: SimulatedHat, from: number, ms: number) =>
      skinResponses(series(hat, 0, from, ms, 1000).map((raw) => convertGsr(raw).conductanceUS!)).amplitudes;
    for (const participant of ['Ana', 'Ben', 'Cleo']) {
      const onset: Record<string, number> = {};
      const rate: Record<string, number> = {};
      for (const s of STIMULI) {
        const hat = new SimulatedHat({ seed: 5, participant });
        hat.setStimulus('calm', T0 - 60_000);
        hat.setStimulus(s, T0);
        const level = hat.conductanceAt(T0);
        onset[s] = Math.max(0, ...responses(hat, T0, 8000)) / level;
        rate[s] = responses(hat, T0 + 60_000, 600_000).length / 10;
      }
      assert.ok(onset.angry > 0.08 && onset.angry > onset.sad && onset.sad > onset.calm, `${participant} onset ${JSON.stringify(onset)}`);
      // the spontaneous ones come at the person's own rate whatever the stimulus
      for (const s of STIMULI) assert.ok(Math.abs(rate[s] - rate.calm) <= 0.3 * rate.calm + 0.2, `${participant} per minute ${JSON.stringify(rate)}`);
    }
  });

  it('approaches a new stimulus over minutes for conductance, seconds for the heart', () => {
    const hat = new SimulatedHat({ participant: 'Ana' });
    const settled = new SimulatedHat({ participant: 'Ana' });
    hat.setStimulus('angry', T0);
    settled.setStimulus('angry', T0 - 3_600_000);
    const calm = new SimulatedHat({ participant: 'Ana' });
    // the tonic level, away from the change's own skin conductance response
    const progress = (t: number) => (hat.conductanceAt(t) - calm.conductanceAt(t)) / (settled.conductanceAt(t) - calm.conductanceAt(t));
    assert.ok(progress(T0 + 30_000) < 0.5, `after 30 s: ${progress(T0 + 30_000)}`);
    assert.ok(progress(T0 + 300_000) > 0.9, `after 5 min: ${progress(T0 + 300_000)}`);
    const hrProgress = (t: number) => (hat.heartRateAt(t) - calm.heartRateAt(t)) / (settled.heartRateAt(t) - calm.heartRateAt(t));
    assert.ok(hrProgress(T0 + 1000) < 0.5 && hrProgress(T0 + 15_000) > 0.9, `heart: ${hrProgress(T0 + 1000)}, ${hrProgress(T0 + 15_000)}`);
    // Before the change nothing moved: history is applied by time, not by call order.
    assert.equal(hat.rawAt(0, T0 - 1), calm.rawAt(0, T0 - 1));
  });

  it('the resting level differs between days by tens of percent', () => {
    const hat = new SimulatedHat({ participant: 'Ana' });
    const days = Array.from({ length: 20 }, (_, d) => hat.tonicAt(T0 + d * 86_400_000) / hat.baseline.conductanceUS);
    const logs = days.map(Math.log);
    const sd = Math.sqrt(mean(logs.map((x) => (x - mean(logs)) ** 2)));
    assert.ok(sd > 0.15 && sd < 0.8, `day-to-day sd of ln level ${sd}`);
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
