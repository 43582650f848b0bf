// Fit time of the trainer on 11,000 rows (the published data set's size), beside scikit-learn's
// LogisticRegression on the very same rows, in the same run. Run: npx tsx bench/train.ts
import { fitSoftmax } from '../src/model/softmax';
import { fitStandardisation, standardise } from '../src/model/standardise';
import { prepareData, trainModel, type TrainOptions } from '../src/model/train';
import { publishedLikeRecords } from '../test/reference/published-like';
import { sklearnReference } from '../test/reference/sklearn';

const REPEATS = 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  fn(); // warm-up run: JIT
  return median(
    Array.from({ length: REPEATS }, () => {
      const start = performance.now();
      fn();
      return performance.now() - start;
    }),
  );
}

const records = publishedLikeRecords(11_000);
const options: Partial<TrainOptions> & { participant: string } = { participant: 'bench', warmupSeconds: 0, smote: 'off' };
const data = prepareData(records, options);
const model = trainModel(records, options);
const s = fitStandardisation(data.train.x);
const z = standardise(data.train.x, s);
const fitOptions = { l2: model.hyperparameters.l2 as number, maxIterations: 100, tolerance: 1e-8 };

const fitMs = time(() => fitSoftmax(z, data.train.y, 3, fitOptions));
const pipelineMs = time(() => trainModel(records, options));
const smoteMs = time(() => trainModel(records, { ...options, smote: 'auto', warmupSeconds: 10 }));
const sk = sklearnReference(data, model.hyperparameters.sklearnC as number, REPEATS);
const skDefaultTol = sklearnReference(data, model.hyperparameters.sklearnC as number, REPEATS, 1e-4);

const rows = [
  ['trainer: Newton fit on standardised rows (8,800 training rows)', fitMs, `${model.hyperparameters.iterations} iterations, tol 1e-8`],
  ['trainer: trainModel, SMOTE off (clean, held-out folds, random split, final fit)', pipelineMs, `random-split accuracy ${(model.metrics.randomSplitAccuracy! * 100).toFixed(2)} %`],
  ['trainer: trainModel, SMOTE auto, 10 s warm-up', smoteMs, ''],
  ['sklearn: StandardScaler + LogisticRegression lbfgs, tol 1e-10', sk.fitSeconds * 1000, `${sk.iterations} iterations, accuracy ${(sk.testAccuracy * 100).toFixed(2)} %`],
  ['sklearn: same, default tol 1e-4', skDefaultTol.fitSeconds * 1000, `${skDefaultTol.iterations} iterations`],
] as const;
console.log(`train bench: 11,000 rows, 2 features, 3 classes; median of ${REPEATS} runs; Node ${process.version}, scikit-learn ${sk.sklearn}`);
for (const [name, ms, note] of rows) console.log(`${name.padEnd(66)} ${ms.toFixed(1).padStart(8)} ms  ${note}`);
