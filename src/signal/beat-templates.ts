// QRS morphology templates, after Hamilton's beat matching in OSEA (EP Limited, 2002; match.c): each beat type
// is an average beat (a new beat moves it 1/8 of the way, as OSEA's UpdateBeat does), a beat is compared with
// every type over a window centred on its R wave at the best of a few small shifts, and a beat that matches no
// type starts a new one, replacing the type matched longest ago once all eight are in use. The comparison here
// is Pearson's correlation (invariant to the beat's offset and scale, like OSEA's scaled, mean-removed
// difference), on points about 8 ms apart (OSEA matches at 100-200 Hz).
//
// The detector uses it to tell beats from noise where height alone cannot: a real premature beat looks like a
// beat seen before (an atrial premature beat like the usual QRS, a ventricular one like the earlier ones of its
// kind), and each type keeps its own level (OSEA keeps each type's amplitude too), so tall ventricular beats do
// not raise the bar for the sinus beats between them; noise looks like nothing seen before.

import { median } from './ibi-history';

const TYPES = 8; // OSEA's MAXTYPES
const UPDATE = 1 / 8; // OSEA's UpdateBeat: 7/8 of the template, 1/8 of the new beat
const LEVELS = 8; // a type's level: the median of its last eight beats' sizes
const SIZE_RATIO = 3; // a beat of a type is within a factor 3 of its level (first measure: a squared slope, so ~1.7 in amplitude)

export interface Match {
  /** index of the best type, -1 when there is none */
  type: number;
  /** Pearson correlation with it (-1..1), -Infinity when there is no type */
  corr: number;
  /** how many beats that type has averaged */
  count: number;
  /** the shift (samples) of the best alignment */
  shift: number;
}

interface Type {
  shape: Float64Array;
  /** the shape less its mean, and its length: what a correlation needs */
  centred: Float64Array;
  norm: number;
  count: number;
  lastUsed: number;
  /** the detector's measures of size (e.g. height, deflection) of its last beats, one array per measure */
  sizes: number[][];
  /** their medians */
  levels: number[];
}

export class BeatTemplates {
  private types: Type[] = [];
  private clock = 0;
  private spreads = new Float64Array(0); // the segment's spread at each shift, found as needed (NaN: not yet)

  /**
   * @param points values compared per beat
   * @param step samples between compared values
   * @param reach how far (samples) a beat may be shifted to align it: a segment holds points·step plus 2·reach samples
   */
  constructor(
    readonly points: number,
    readonly step: number,
    readonly reach: number,
  ) {}

  /** Samples a segment must hold: the window, and `reach` more on each side. */
  get length(): number {
    return (this.points - 1) * this.step + 1 + 2 * this.reach;
  }

  /**
   * The type the segment is most like (its centre is the R wave), among those averaging `seen` beats or more and,
   * given the beat's `size` (first measure), those whose level is within a factor 3 of it: a shape alone does
   * not tell a tall wide ventricular beat from a narrow sinus one, a window of mostly baseline around one spike
   * correlates with any other.
   */
  match(segment: Float64Array, seen = 1, size = NaN): Match {
    let best: Match = { type: -1, corr: -Infinity, count: 0, shift: 0 };
    if (this.spreads.length !== 2 * this.reach + 1) this.spreads = new Float64Array(2 * this.reach + 1);
    this.spreads.fill(NaN);
    for (let t = 0; t < this.types.length; t++) {
      const type = this.types[t];
      if (type.count < seen) continue;
      if (size > 0) {
        const ratio = size / type.levels[0];
        if (ratio > SIZE_RATIO || ratio < 1 / SIZE_RATIO) continue;
      }
      // shifts one point spacing apart, then the samples around the best of them
      let shift = 0;
      let corr = -Infinity;
      for (let s = -this.reach; s <= this.reach; s += this.step) {
        const c = this.correlation(type, segment, s);
        if (c > corr) {
          corr = c;
          shift = s;
        }
      }
      const coarse = shift;
      for (let s = Math.max(-this.reach, coarse - this.step + 1); s <= Math.min(this.reach, coarse + this.step - 1); s++) {
        const c = s === coarse ? -Infinity : this.correlation(type, segment, s);
        if (c > corr) {
          corr = c;
          shift = s;
        }
      }
      if (corr > best.corr) best = { type: t, corr, count: type.count, shift };
    }
    return best;
  }

  /** Pearson correlation of a type with the segment shifted by s samples. */
  private correlation(type: Type, segment: Float64Array, s: number): number {
    const from = this.reach + s;
    const { centred, norm } = type;
    const step = this.step;
    let sxy = 0;
    for (let k = 0, i = from; k < centred.length; k++, i += step) sxy += centred[k] * segment[i];
    let spread = this.spreads[s + this.reach];
    if (Number.isNaN(spread)) {
      let sy = 0;
      let syy = 0;
      for (let k = 0, i = from; k < centred.length; k++, i += step) {
        sy += segment[i];
        syy += segment[i] * segment[i];
      }
      spread = this.spreads[s + this.reach] = Math.sqrt(Math.max(0, syy - (sy * sy) / centred.length));
    }
    return norm > 0 && spread > 0 ? sxy / (norm * spread) : 0;
  }

  /**
   * A beat of the given sizes: it updates the type it matches at `same` or better (aligned), else starts a new
   * type. Returns the type.
   */
  learn(segment: Float64Array, same: number, sizes: readonly number[], match = this.match(segment, 1, sizes[0])): number {
    this.clock++;
    if (match.type >= 0 && match.corr >= same) {
      const type = this.types[match.type];
      const from = this.reach + match.shift;
      for (let k = 0; k < this.points; k++) type.shape[k] += UPDATE * (segment[from + k * this.step] - type.shape[k]);
      centre(type);
      type.count++;
      type.lastUsed = this.clock;
      sizes.forEach((v, i) => {
        type.sizes[i].push(v);
        if (type.sizes[i].length > LEVELS) type.sizes[i].shift();
        type.levels[i] = median(type.sizes[i]);
      });
      return match.type;
    }
    const shape = new Float64Array(this.points);
    for (let k = 0; k < this.points; k++) shape[k] = segment[this.reach + k * this.step];
    const fresh: Type = { shape, centred: new Float64Array(this.points), norm: 0, count: 1, lastUsed: this.clock, sizes: sizes.map((v) => [v]), levels: [...sizes] };
    centre(fresh);
    if (this.types.length < TYPES) return this.types.push(fresh) - 1;
    let oldest = 0;
    for (let t = 1; t < this.types.length; t++) if (this.types[t].lastUsed < this.types[oldest].lastUsed) oldest = t;
    this.types[oldest] = fresh;
    return oldest;
  }

  /** The lowest level in a measure among the types averaging `seen` beats or more (Infinity: none). */
  lowest(seen: number, measure: number): number {
    let low = Infinity;
    for (let t = 0; t < this.types.length; t++) if (this.types[t].count >= seen) low = Math.min(low, this.level(t, measure));
    return low;
  }

  /** A type's level in each size measure: the median of its last eight beats. */
  level(type: number, measure: number): number {
    return this.types[type].levels[measure];
  }

  clear(): void {
    this.types = [];
    this.clock = 0;
  }
}

/** The type's shape less its mean, and that one's length. */
function centre(type: Type): void {
  const n = type.shape.length;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += type.shape[k];
  mean /= n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const c = (type.centred[k] = type.shape[k] - mean);
    ss += c * c;
  }
  type.norm = Math.sqrt(ss);
}
