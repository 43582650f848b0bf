// Scores detected beat times against reference (annotated) beat times the way beat detectors are usually
// reported: one-to-one matches within a tolerance give sensitivity and precision (positive predictivity),
// and the rate each list implies per fixed window gives a BPM error.

export interface MatchScore {
  /** reference beats with a detected partner */
  matched: number;
  missed: number;
  extra: number;
  /** matched / reference beats */
  sensitivity: number;
  /** matched / detected beats */
  precision: number;
}

/**
 * Greedy in-order matching over the whole lists (both sorted ascending, ms); the score counts only beats
 * inside [fromMs, toMs), so a beat just outside the range can still be the partner of one inside.
 */
export function matchBeats(
  detectedMs: readonly number[],
  referenceMs: readonly number[],
  toleranceMs: number,
  fromMs = -Infinity,
  toMs = Infinity,
): MatchScore {
  const inside = (t: number) => t >= fromMs && t < toMs;
  let i = 0;
  let j = 0;
  let matchedDetected = 0;
  let matchedReference = 0;
  while (i < detectedMs.length && j < referenceMs.length) {
    const d = detectedMs[i] - referenceMs[j];
    if (Math.abs(d) <= toleranceMs) {
      if (inside(detectedMs[i])) matchedDetected++;
      if (inside(referenceMs[j])) matchedReference++;
      i++;
      j++;
    } else if (d < 0) {
      i++;
    } else {
      j++;
    }
  }
  const detected = detectedMs.filter(inside).length;
  const reference = referenceMs.filter(inside).length;
  return {
    matched: matchedReference,
    missed: reference - matchedReference,
    extra: detected - matchedDetected,
    sensitivity: reference ? matchedReference / reference : 1,
    precision: detected ? matchedDetected / detected : 1,
  };
}

/** BPM implied by the beats inside [startMs, endMs): intervals between consecutive beats there. Null if < 2 beats. */
export function windowBpm(beatsMs: readonly number[], startMs: number, endMs: number): number | null {
  let first = NaN;
  let last = NaN;
  let n = 0;
  for (const t of beatsMs) {
    if (t < startMs || t >= endMs) continue;
    if (n === 0) first = t;
    last = t;
    n++;
  }
  return n < 2 ? null : (60000 * (n - 1)) / (last - first);
}

export interface WindowError {
  startMs: number;
  reference: number;
  detected: number | null;
  error: number;
}

/**
 * Per window of windowMs from fromMs to toMs: the BPM from the reference beats against an estimate, which is
 * either the detected beat list (BPM implied the same way) or a function giving the detector's own reading
 * at the end of the window. A window the estimate leaves empty counts as an error of the full reference rate.
 */
export function windowErrors(
  referenceMs: readonly number[],
  estimate: readonly number[] | ((endMs: number) => number | null),
  fromMs: number,
  toMs: number,
  windowMs: number,
): WindowError[] {
  const out: WindowError[] = [];
  for (let start = fromMs; start + windowMs <= toMs; start += windowMs) {
    const reference = windowBpm(referenceMs, start, start + windowMs);
    if (reference === null) continue;
    const detected = typeof estimate === 'function' ? estimate(start + windowMs) : windowBpm(estimate, start, start + windowMs);
    out.push({ startMs: start, reference, detected, error: detected === null ? reference : Math.abs(detected - reference) });
  }
  return out;
}

export function meanAbsoluteError(errors: readonly WindowError[]): number {
  return errors.length ? errors.reduce((s, e) => s + e.error, 0) / errors.length : 0;
}
