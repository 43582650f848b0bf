import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { participantFolder, participantName, sameParticipant } from '../record/participant';
import { modelPath } from '../record/paths';
import { setAside } from '../record/set-aside';
import type { ModelFile } from './model-file';
import { MIN_STD } from './standardise';

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
    // kept for a person to look at, out of the way of the next training
    const kept = setAside(userDir, 'models', path, participantFolder(participant), 'json');
    throw new Error(`the model file for participant "${participant}" was damaged (${(e as Error).message}) and is moved to ${kept}: train the model again`, { cause: e });
  }
  checkModel(model, `the model file for participant "${participant}" (${path}) is not usable`);
  if (!sameParticipant(model.participant, participant)) {
    throw new Error(`the model file for participant "${participant}" (${path}) is the model of "${model.participant}": it never answers for someone else; train the model again`);
  }
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
  try {
    participantName(m.participant);
  } catch (e) {
    throw bad(`its participant is not a valid name (${(e as Error).message})`);
  }
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
  // a std near 0 turns any reading into a huge standardised value: "angry" at confidence 1 for everything
  const tiny = m.standardisation.std.findIndex((v) => !(v >= MIN_STD));
  if (tiny >= 0) throw bad(`standardisation.std[${tiny}] is ${m.standardisation.std[tiny]}, below ${MIN_STD}: train it again`);
  if (m.familiarity !== undefined) checkFamiliarity(m.familiarity, f, m.labels!, bad);
}

/** The familiarity check decides "uncertain": a limit that is not a positive number, or a shape that is not numbers, would decide it for every answer. */
function checkFamiliarity(fam: NonNullable<ModelFile['familiarity']>, f: number, labels: string[], bad: (why: string) => Error): void {
  if (typeof fam !== 'object' || fam === null) throw bad('familiarity is not an object: train it again');
  if (typeof fam.threshold !== 'number' || !(fam.threshold > 0) || !Number.isFinite(fam.threshold)) {
    throw bad(`familiarity.threshold is ${JSON.stringify(fam.threshold)}, not a positive number: train it again`);
  }
  const finite = (values: unknown) => Array.isArray(values) && values.length === f && values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const classes = fam.classes;
  if (!Array.isArray(classes) || classes.length !== labels.length || classes.some((c) => !finite(c?.mean) || !Array.isArray(c.cov) || c.cov.length !== f || !c.cov.every(finite))) {
    throw bad('familiarity does not match the features and labels, or holds something that is not a finite number: train it again');
  }
  const phasic = fam.phasic;
  if (phasic !== undefined && !(Array.isArray(phasic) && phasic.every((p) => labels.includes(p?.label) && Number.isFinite(p.mean) && p.std > 0 && Number.isFinite(p.std)))) {
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
