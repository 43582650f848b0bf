import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreparedData } from '../../src/model/train';

/** What test/reference/sklearn_logreg.py prints. */
export interface SklearnResult {
  sklearn: string;
  coef: number[][];
  intercept: number[];
  classes: number[];
  testProbabilities: number[][];
  testAccuracy: number;
  auc: number[];
  iterations: number;
  fitSeconds: number;
}

/** Debian's python: the one with python3-sklearn (the python3 on PATH may be another). */
export const REFERENCE_PYTHON = '/usr/bin/python3';

/**
 * Fits sklearn on exactly the trainer's train/test rows (raw features; the script standardises). The
 * default tolerance is tight so sklearn reaches the optimum the trainer's Newton solver finds.
 */
export function sklearnReference(data: PreparedData, c: number, repeats = 1, tolerance = 1e-10): SklearnResult {
  const dir = mkdtempSync(join(tmpdir(), 'emotion-sklearn-'));
  try {
    const csv = join(dir, 'data.csv');
    const rows = (split: string, part: PreparedData['train']) => part.x.map((x, i) => [split, part.y[i], ...x].join(','));
    const header = ['split', 'label', ...data.options.features].join(',');
    writeFileSync(csv, [header, ...rows('train', data.train), ...rows('test', data.test)].join('\n') + '\n');
    const run = spawnSync(REFERENCE_PYTHON, [join(__dirname, 'sklearn_logreg.py'), csv, String(c), String(repeats), String(tolerance)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error || run.status !== 0) {
      throw new Error(
        `the scikit-learn reference could not run (${run.error?.message ?? run.stderr.trim()}); ` +
          `install Debian's python3-sklearn so that ${REFERENCE_PYTHON} has it: apt-get install python3-sklearn`,
      );
    }
    return JSON.parse(run.stdout) as SklearnResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
