/**
 * Zero mean, unit standard deviation per feature, fitted on the training rows only (as SageMaker Linear
 * Learner's normalize_data and sklearn's StandardScaler do). Population standard deviation (ddof 0); a
 * constant feature keeps std 1 so it cannot divide by zero.
 */
/**
 * The smallest std a model may divide by. Readings are kept to 3 decimals, so a feature that varies at
 * all varies by 0.001 or more; below this it is constant (std 1 then) or the file was tampered with.
 */
export const MIN_STD = 1e-6;

export interface Standardisation {
  mean: number[];
  std: number[];
}

export function fitStandardisation(rows: readonly (readonly number[])[]): Standardisation {
  if (rows.length === 0) throw new Error('cannot standardise an empty data set');
  const d = rows[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += row[j];
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  const variance = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) variance[j] += (row[j] - mean[j]) ** 2;
  const std = variance.map((v) => {
    const s = Math.sqrt(v / rows.length);
    return s >= MIN_STD ? s : 1;
  });
  return { mean, std };
}

export function standardise(rows: readonly (readonly number[])[], s: Standardisation): number[][] {
  return rows.map((row) => row.map((x, j) => (x - s.mean[j]) / s.std[j]));
}
