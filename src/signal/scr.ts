/**
 * Skin conductance responses (SCRs) in a run of readings: the trough-to-peak method of the EDA literature
 * (Boucsein, Electrodermal Activity, 2012; Dawson, Schell & Filion, Handbook of Psychophysiology): a
 * response is a local peak standing at least a minimum amplitude above the lowest reading of the seconds
 * before it (its rise, at most MAX_RISE_S long). Small wiggles on the way up are not responses of their
 * own, and a slow drift with no peak inside the run is none at all. A peak on the run's last reading is
 * not known to be one yet, so it is not counted.
 *
 * The minimum amplitude is the larger of the conventional 0.01 µS and 1 % of the run's level: responses
 * scale with the level (electrode site and area), and at the Grove GSR's levels (2-20 µS) 1 % is 1.5 to
 * 11 steps of the Base Hat's 12-bit converter, so its quantisation alone never makes a response.
 */
export interface SkinResponses {
  /** responses whose peak is in the run */
  count: number;
  /** trough-to-peak amplitudes (µS), in time order */
  amplitudes: number[];
  /** the index of each response's peak */
  peaks: number[];
}

export const MIN_AMPLITUDE_US = 0.01;
export const MIN_AMPLITUDE_SHARE = 0.01;
export const MAX_RISE_S = 5;

/** @param stepS seconds between readings (1 for sensor-record's records, 0.25 for a 4 Hz recording) */
export function skinResponses(gsr: readonly number[], stepS = 1): SkinResponses {
  const n = gsr.length;
  const out: SkinResponses = { count: 0, amplitudes: [], peaks: [] };
  if (n < 3) return out;
  let sum = 0;
  for (const v of gsr) sum += v;
  const threshold = Math.max(MIN_AMPLITUDE_US, (MIN_AMPLITUDE_SHARE * sum) / n);
  const rise = Math.max(1, Math.round(MAX_RISE_S / stepS));
  let last = 0; // the last response's peak: the next one rises from after it
  for (let p = 1; p < n - 1; p++) {
    if (!(gsr[p] > gsr[p - 1])) continue;
    let q = p; // a flat top: the peak is where it starts, if the readings fall after it
    while (q + 1 < n && gsr[q + 1] === gsr[p]) q++;
    if (q + 1 >= n || gsr[q + 1] > gsr[p]) continue;
    let trough = gsr[p];
    for (let i = Math.max(last, p - rise); i < p; i++) trough = Math.min(trough, gsr[i]);
    const amplitude = gsr[p] - trough;
    if (amplitude >= threshold) {
      out.count++;
      out.amplitudes.push(amplitude);
      out.peaks.push(p);
      last = p;
    }
  }
  return out;
}
