// Premature ventricular beats (PVCs) put into a real sinus-rhythm ECG, for testing the ECG path on rhythms like
// MIT-BIH 208's without that record: a seeded generator, not fitted to any record. Each PVC replaces a sinus beat:
// it comes `coupling` of the interval after the beat before, and the sinus beat it pre-empts never comes (its
// P-QRS-T is taken out and the baseline drawn straight across), while the next sinus beat keeps its time: a full
// compensatory pause, as after most PVCs. A couplet is two PVCs in a row (the second `coupling` of an interval after
// the first), pre-empting two sinus beats.
//
// The PVC's shape is made from the record's own average beat: its QRS widened to `widthMs` (time-stretched), scaled
// to `height` times the sinus QRS's peak-to-peak amplitude, with `polarity`, and its ST-T part turned over (a
// ventricular beat repolarises the other way). No P wave. Each PVC varies a little (±5 % coupling, ±10 % height).
import { mulberry32 } from '../../src/model/prng';

export type EctopyPattern = 'bigeminy' | 'trigeminy' | 'couplets' | 'random';

export interface EctopyOptions {
  /** bigeminy: every 2nd beat a PVC; trigeminy: every 3rd; couplets: two PVCs after every 3 sinus beats; random: a PVC (1 in 5 a couplet) with probability 0.3 */
  pattern: EctopyPattern;
  /** fraction of the sinus interval from the beat before to the PVC (0.45-0.65 are usual) */
  coupling: number;
  /** QRS width of the PVC (a sinus QRS is ~80 ms; a PVC's 120 ms or more) */
  widthMs: number;
  /** PVC QRS peak-to-peak, times the sinus QRS's */
  height: number;
  polarity: 1 | -1;
  seed: number;
}

export interface EctopicEcg {
  samples: number[];
  /** every beat's R wave (sample index), sinus and ectopic, ascending */
  beats: number[];
  /** the PVCs' R waves (sample index) */
  ectopic: number[];
}

const BEFORE_S = 0.1; // the average beat from 100 ms before its R wave (QRS onset; no P wave for a PVC) ...
const AFTER_S = 0.45; // ... to 450 ms after it (the T wave's end)
const QRS_HALF_S = 0.05; // the sinus QRS spans its R wave ± 50 ms
const SINUS_QRS_MS = 80; // a normal QRS lasts about 80 ms (60-100): a PVC of widthMs is the sinus QRS stretched widthMs / 80 times
const CUT_BEFORE_S = 0.25; // a pre-empted sinus beat is taken out from 250 ms before its R wave (its P wave) ...
const CUT_AFTER_S = 0.45; // ... to 450 ms after it

/** The record's average beat from BEFORE_S before to AFTER_S after the R wave, level 0 at its start. */
function averageBeat(samples: readonly number[], beats: readonly number[], rateHz: number): number[] {
  const before = Math.round(BEFORE_S * rateHz);
  const after = Math.round(AFTER_S * rateHz);
  const sum = new Array<number>(before + after + 1).fill(0);
  let n = 0;
  for (const b of beats) {
    if (b - before < 0 || b + after >= samples.length) continue;
    for (let k = -before; k <= after; k++) sum[k + before] += samples[b + k];
    n++;
  }
  const avg = sum.map((v) => v / n);
  return avg.map((v) => v - avg[0]);
}

/**
 * The PVC waveform (samples from its onset) and where its R wave is in it: the average beat's QRS (from 20 ms before
 * it departs 15 % of its largest departure from the level before it, to where it comes back within 15 %) stretched
 * widthMs / 80 times, then its ST-T part as it is but turned over, all scaled to `height` times the sinus QRS's
 * peak-to-peak.
 */
function pvcShape(avg: number[], rateHz: number, o: EctopyOptions): { wave: number[]; r: number } {
  const r0 = Math.round(BEFORE_S * rateHz);
  const near = avg.slice(0, r0 + Math.round(QRS_HALF_S * rateHz) + 1);
  const big = Math.max(...near.map(Math.abs));
  let on = r0;
  let off = r0;
  while (on > 0 && Math.abs(avg[on - 1]) > 0.15 * big) on--;
  while (off < avg.length - 1 && Math.abs(avg[off + 1]) > 0.15 * big) off++;
  const stretch = Math.max(1, o.widthMs / SINUS_QRS_MS);
  const at = (x: number) => {
    const i = Math.min(avg.length - 2, Math.floor(x));
    return avg[i] + (x - i) * (avg[i + 1] - avg[i]);
  };
  // QRS from 20 ms before its onset (the level it starts from), stretched
  const lead = Math.round(0.02 * rateHz);
  const from = Math.max(0, on - lead);
  const qrsLength = Math.round((off - from) * stretch);
  const qrs = Array.from({ length: qrsLength + 1 }, (_, k) => at(from + k / stretch));
  // then the ST-T part turned over, joined to where the QRS ends over 60 ms
  const end = avg[avg.length - 1];
  const join = qrs[qrsLength] + (avg[off + 1] - end);
  const fade = Math.round(0.06 * rateHz);
  const tail = avg.slice(off + 1).map((v, k) => end - v + join * Math.max(0, 1 - k / fade));
  const wave = [...qrs, ...tail];
  const amp = Math.max(...qrs) - Math.min(...qrs);
  const sinusAmp = Math.max(...near) - Math.min(...near);
  const scale = (o.polarity * o.height * sinusAmp) / amp;
  // the last 50 ms taper to 0 so the PVC ends without a step
  const taper = Math.round(0.05 * rateHz);
  return { wave: wave.map((v, k) => scale * v * Math.min(1, (wave.length - 1 - k) / taper)), r: Math.round((r0 - from) * stretch) };
}

/** Which sinus beats (by index) are pre-empted by PVCs, as runs: [first index, how many in a row]. */
function runs(count: number, pattern: EctopyPattern, random: () => number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 3; i < count - 3; i++) {
    if (pattern === 'bigeminy' && i % 2 === 1) out.push([i, 1]);
    if (pattern === 'trigeminy' && i % 3 === 2) out.push([i, 1]);
    if (pattern === 'couplets' && i % 5 === 3) out.push([i++, 2]);
    if (pattern === 'random' && random() < 0.3) {
      const pair = random() < 0.2;
      out.push([i, pair ? 2 : 1]);
      i += pair ? 2 : 1; // a sinus beat before the next PVC
    }
  }
  return out;
}

/** The record with PVCs in the given pattern (the first and last three sinus beats are left alone). */
export function addPvcs(samples: readonly number[], beats: readonly number[], rateHz: number, options: EctopyOptions): EctopicEcg {
  const random = mulberry32(options.seed);
  const { wave, r } = pvcShape(averageBeat(samples, beats, rateHz), rateHz, options);
  const out = [...samples];
  const removed = new Set<number>();
  const ectopic: number[] = [];
  for (const [first, n] of runs(beats.length, options.pattern, random)) {
    // take the pre-empted sinus beats out: a straight baseline across each
    for (let j = first; j < first + n; j++) {
      const a = Math.max(0, beats[j] - Math.round(CUT_BEFORE_S * rateHz));
      const b = Math.min(samples.length - 1, beats[j] + Math.round(CUT_AFTER_S * rateHz));
      for (let k = a; k <= b; k++) out[k] = samples[a] + ((k - a) / (b - a)) * (samples[b] - samples[a]);
      removed.add(j);
    }
    let from = beats[first - 1];
    for (let j = first; j < first + n; j++) {
      const interval = beats[j] - beats[j - 1];
      const at = Math.round(from + options.coupling * (1 + 0.1 * (random() - 0.5)) * interval);
      const gain = 1 + 0.2 * (random() - 0.5);
      for (let k = 0; k < wave.length; k++) {
        const i = at - r + k;
        if (i >= 0 && i < out.length) out[i] += gain * wave[k];
      }
      ectopic.push(at);
      from = at;
    }
  }
  const sinus = beats.filter((_, j) => !removed.has(j));
  return { samples: out, beats: [...sinus, ...ectopic].sort((a, b) => a - b), ectopic };
}
