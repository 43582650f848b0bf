import type { CleanData } from './clean';
import { fitFamiliarity, type Familiarity } from './familiarity';
import { phasicByLabel } from './phasic-windows';
import type { Random } from './prng';
import { isImbalanced, smote } from './smote';
import { fitSoftmax } from './softmax';
import { fitStandardisation, standardise, type Standardisation } from './standardise';

/**
 * One fit of the published pipeline on a set of clean rows: standardise (on those rows) -> SMOTE when
 * imbalanced -> softmax linear learner -> what the rows looked like (familiarity). The saved model, the
 * random split's model and every held-out fold's model are fitted by it, so they differ only in rows.
 */
export interface FitSettings {
  classes: number;
  labels: readonly string[];
  features: readonly string[];
  l2: number;
  smote: 'auto' | 'off';
  smoteK: number;
  maxIterations: number;
  tolerance: number;
  /** detection window length: the runs the familiarity's phasic activity is measured over */
  windowSeconds: number;
  /** index of the gsr feature, -1 when the model has none */
  gsrColumn: number;
  /**
   * rows are records carrying their window's features (src/model/window-rows.ts): the phasic activity is
   * one of them, so the familiarity needs no runs of rows
   */
  windowRows: boolean;
}

export interface FittedRows {
  features: string[];
  standardisation: Standardisation;
  weights: number[][];
  bias: number[];
  familiarity: Familiarity;
  smoteApplied: boolean;
  synthetic: number;
  /** rows the solver fitted: real plus synthetic */
  fitted: number;
  iterations: number;
  loss: number;
}

/**
 * @param rows indices into `clean` of the rows to fit on
 * @param onIteration the solver's progress (iteration, largest gradient component)
 */
export function fitRows(
  clean: CleanData,
  rows: readonly number[],
  s: FitSettings,
  random: Random,
  onIteration?: (iteration: number, gradient: number) => void,
): FittedRows {
  const raw = rows.map((i) => clean.x[i]);
  const y = rows.map((i) => clean.y[i]);
  const standardisation = fitStandardisation(raw);
  const x = standardise(raw, standardisation);
  const counts = Array.from({ length: s.classes }, (_, k) => y.filter((c) => c === k).length);
  // SMOTE interpolates between two rows of a class: a class with fewer is left as it is
  const smoteApplied = s.smote === 'auto' && isImbalanced(counts) && counts.every((n) => n >= 2);
  const synthetic = smoteApplied ? smote(x, y, s.classes, s.smoteK, random) : { x: [], y: [] };
  const fit = fitSoftmax([...x, ...synthetic.x], [...y, ...synthetic.y], s.classes, {
    l2: s.l2,
    maxIterations: s.maxIterations,
    tolerance: s.tolerance,
    onIteration,
  });
  const phasic = s.gsrColumn < 0 || s.windowRows ? [] : phasicByLabel(subset(clean, rows), s.gsrColumn, s.classes, s.windowSeconds);
  return {
    features: [...s.features],
    standardisation,
    weights: fit.weights,
    bias: fit.bias,
    // the recorded rows (not SMOTE's synthetic ones): what the person looked like
    familiarity: fitFamiliarity(x, y, s.labels, phasic),
    smoteApplied,
    synthetic: synthetic.x.length,
    fitted: x.length + synthetic.x.length,
    iterations: fit.iterations,
    loss: fit.loss,
  };
}

/** The clean data restricted to some rows (in the order given). */
export function subset(clean: CleanData, rows: readonly number[]): CleanData {
  return {
    ...clean,
    x: rows.map((i) => clean.x[i]),
    y: rows.map((i) => clean.y[i]),
    session: rows.map((i) => clean.session[i]),
    timestamp: rows.map((i) => clean.timestamp[i]),
  };
}
