import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { modelPath } from '../record/paths';
import type { ModelFile } from './model-file';

/**
 * Saves a participant's model next to the others under the user directory. Atomic: the file is
 * written and fsynced under a temporary name, then renamed over the old one, so a reader (or a power
 * cut) sees the old model or the new one, never half of one. Returns the path.
 */
export function saveModel(userDir: string, model: ModelFile): string {
  checkModel(model, `the trained model for participant "${model.participant}" was not saved`);
  const path = modelPath(userDir, model.participant);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(model, null, 1)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncDir(dir);
  return path;
}

/** The participant's model; a clear, actionable error when there is none yet or it is damaged. */
export function loadModel(userDir: string, participant: string): ModelFile {
  const path = modelPath(userDir, participant);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `no model for participant "${participant}" yet: record happy, sad and angry data on the Training page and press "Train model"`,
        { cause: e },
      );
    }
    throw e;
  }
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch (e) {
    throw new Error(`the model file for participant "${participant}" is damaged (${path}): train the model again`, { cause: e });
  }
  checkModel(model, `the model file for participant "${participant}" is not usable`);
  return model;
}

/** Removes the participant's model (with their records, when they ask for their data to go). */
export function deleteModel(userDir: string, participant: string): boolean {
  const path = modelPath(userDir, participant);
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * The checks a predictor relies on: known format and version, matching dimensions, every parameter a
 * finite number. saveModel runs them too, so a model that could only answer NaN is never saved.
 */
function checkModel(value: unknown, refusal: string): asserts value is ModelFile {
  const m = value as Partial<ModelFile> | null;
  const bad = (why: string) => new Error(`${refusal}: ${why}`);
  if (!m || m.format !== 'emotion-iot-model') throw bad('not an emotion-iot model');
  if (m.version !== 1) throw bad(`version ${String(m.version)} is newer than this package understands`);
  const f = m.features?.length ?? 0;
  const k = m.labels?.length ?? 0;
  if (f === 0 || k < 2) throw bad('it needs at least one feature and two labels');
  if (m.standardisation?.mean?.length !== f || m.standardisation?.std?.length !== f) {
    throw bad('standardisation does not match the features');
  }
  if (m.weights?.length !== k || m.weights.some((w) => w.length !== f) || m.bias?.length !== k) {
    throw bad('weights do not match the features and labels');
  }
  // JSON writes NaN and Infinity as null: such a model answers NaN for everything.
  const numbers: [string, unknown[]][] = [
    ['standardisation.mean', m.standardisation.mean],
    ['standardisation.std', m.standardisation.std],
    ['bias', m.bias],
    ...m.weights.map((w, i): [string, unknown[]] => [`weights[${i}]`, w]),
  ];
  for (const [name, values] of numbers) {
    const i = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (i >= 0) throw bad(`${name}[${i}] is ${String(values[i])}, not a finite number (trained on an absurd value?): train it again`);
  }
  if (m.standardisation.std.some((v) => v <= 0)) throw bad('a standardisation std is not positive: train it again');
  const shapes = m.familiarity?.classes;
  if (shapes && (shapes.length !== k || shapes.some((c) => c.mean?.length !== f || c.cov?.length !== f || c.cov.some((r) => r.length !== f)))) {
    throw bad('familiarity does not match the features and labels');
  }
  const phasic = m.familiarity?.phasic;
  if (phasic && !phasic.every((p) => m.labels?.includes(p.label) && Number.isFinite(p.mean) && p.std > 0 && Number.isFinite(p.std))) {
    throw bad('familiarity.phasic needs a known label, a finite mean and a positive std per entry: train it again');
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
