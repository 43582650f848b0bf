/**
 * Phasic skin-conductance activity of a run of readings: the spread of the readings around their
 * straight-line trend, as a share of their mean. Skin conductance responses (quick rises that fade over
 * seconds) make it; a slow drift, a straight line over a few seconds, does not. A calm person shows few
 * responses, an emotional stimulus many, so this tells calm apart from moods whose level it shares.
 */
export function phasicActivity(gsr: readonly number[]): number | undefined {
  const n = gsr.length;
  if (n < MIN_READINGS) return undefined;
  const meanX = (n - 1) / 2;
  const meanY = gsr.reduce((s, v) => s + v, 0) / n;
  if (!(meanY > 0)) return undefined;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (gsr[i] - meanY);
    sxx += (i - meanX) ** 2;
  }
  const slope = sxy / sxx;
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (gsr[i] - meanY - slope * (i - meanX)) ** 2;
  return Math.sqrt(residuals / n) / meanY;
}

/** Fewer readings than this say nothing about responses lasting seconds. */
export const MIN_READINGS = 5;
