// Pulse signals with known beats, for tests and benchmarks: the ear-clip module's digital pulse as the hat's
// ADC sees it, or a PPG-like wave (systolic peak and a smaller dicrotic wave), with optional noise, baseline
// wander, a rate that may change over time, and premature (ectopic) beats in a fixed pattern. Deterministic
// for a given seed.

export interface SyntheticPulseOptions {
  rateHz: number;
  durationS: number;
  /** Constant rate, or rate as a function of time in seconds. */
  bpm: number | ((tS: number) => number);
  shape: 'ear-clip' | 'ppg';
  /** Peak height above the resting level (ADC counts). */
  amplitude: number;
  /** Resting level. */
  offset: number;
  /** Ear-clip pulse width (ms). */
  pulseWidthMs: number;
  /** Gaussian noise, standard deviation. */
  noise: number;
  /** Sinusoidal baseline wander: amplitude and frequency. */
  wander: { amplitude: number; hz: number };
  /**
   * Premature beats: every `every`-th beat (2: bigeminy, 3: trigeminy) comes `prematurity` of the usual
   * interval after the beat before it, and the sinus beat it pre-empts never comes (a full compensatory
   * pause), as with a premature ventricular beat. `height` scales its wave (a PVC ejects less blood). Null: none.
   */
  ectopic: { every: number; prematurity: number; height: number } | null;
  seed: number;
}

export interface SyntheticPulse {
  samples: number[];
  /** Beat times (ms from the first sample): pulse onset for the ear clip, systolic peak for the PPG. */
  beatsMs: number[];
}

const DEFAULTS: SyntheticPulseOptions = {
  rateHz: 100,
  durationS: 30,
  bpm: 72,
  shape: 'ear-clip',
  amplitude: 4000,
  offset: 0,
  pulseWidthMs: 80,
  noise: 0,
  wander: { amplitude: 0, hz: 0.25 },
  ectopic: null,
  seed: 1,
};

const SYSTOLE_MS = 150; // onset to systolic peak of the PPG-like wave

export function syntheticPulse(options: Partial<SyntheticPulseOptions> = {}): SyntheticPulse {
  const o = { ...DEFAULTS, ...options };
  const random = mulberry32(o.seed);
  const dt = 1000 / o.rateHz;
  const n = Math.round(o.durationS * o.rateHz);
  const onsets = withEctopics(sinusOnsets(o, n, dt), o.ectopic, dt);
  const samples = new Array<number>(n);
  let k = -1; // the last onset at or before the sample
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    while (k + 1 < onsets.length && onsets[k + 1].t <= t) k++;
    const since = k >= 0 ? t - onsets[k].t : Infinity;
    const height = k >= 0 ? onsets[k].height : 1;
    const wave = o.shape === 'ear-clip' ? (since < o.pulseWidthMs ? 1 : 0) : height * ppgWave(since);
    const wander = o.wander.amplitude * Math.sin((2 * Math.PI * o.wander.hz * t) / 1000);
    samples[i] = o.offset + o.amplitude * wave + wander + (o.noise ? o.noise * gaussian(random) : 0);
  }
  const times = onsets.map((b) => b.t);
  const beatsMs = o.shape === 'ear-clip' ? times : times.map((t) => t + SYSTOLE_MS).filter((t) => t < n * dt);
  return { samples, beatsMs };
}

/** Sinus beat onsets on the sample grid, at a rate that may follow a function of time. */
function sinusOnsets(o: SyntheticPulseOptions, n: number, dt: number): number[] {
  const rate = typeof o.bpm === 'number' ? () => o.bpm as number : o.bpm;
  const onsets: number[] = [];
  let phase = 0.5; // first onset half a beat in
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    phase += (rate(t / 1000) / 60000) * dt;
    if (phase >= 1) {
      phase -= 1;
      onsets.push(t);
    }
  }
  return onsets;
}

/** Every `every`-th sinus beat replaced by a premature one (on the sample grid): its pause is compensatory. */
function withEctopics(sinus: number[], ectopic: SyntheticPulseOptions['ectopic'], dt: number): Array<{ t: number; height: number }> {
  return sinus.map((t, j) => {
    if (!ectopic || j === 0 || j % ectopic.every !== ectopic.every - 1) return { t, height: 1 };
    const early = sinus[j - 1] + ectopic.prematurity * (t - sinus[j - 1]);
    return { t: Math.round(early / dt) * dt, height: ectopic.height };
  });
}
/** Systolic peak at 150 ms, dicrotic wave 40 % as tall at 400 ms. */
function ppgWave(sinceMs: number): number {
  const bump = (centre: number, width: number) => Math.exp(-(((sinceMs - centre) / width) ** 2));
  return bump(SYSTOLE_MS, 70) + 0.4 * bump(400, 90);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
