import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { participantFolder } from './participant';
import { dataRoot } from './paths';

/**
 * Files that could not be used (a damaged answer history or model, records no accepted name owns) are
 * moved here instead of being deleted or blocking the participant:
 *   <userDir>/emotion-iot/set-aside/<kind>/<folder>~<time>.<extension>
 * "~" never occurs in a folder name, so a participant's files are exactly those starting "<folder>~",
 * and deleting the participant deletes them too.
 */
export type SetAsideKind = 'history' | 'models' | 'records';

export function setAsideDir(userDir: string, kind: SetAsideKind): string {
  return join(dataRoot(userDir), 'set-aside', kind);
}

/** Moves `path` aside for the participant folder `folder` (or an old folder name); returns where it went. */
export function setAside(userDir: string, kind: SetAsideKind, path: string, folder: string, extension: string): string {
  const dir = setAsideDir(userDir, kind);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '-');
  let target = join(dir, `${folder}~${stamp}.${extension}`);
  for (let n = 2; existsSync(target); n++) target = join(dir, `${folder}~${stamp}-${n}.${extension}`);
  renameSync(path, target);
  return target;
}

/** Deletes what was set aside for the participant (with their records and model); returns how many files. */
export function deleteSetAside(userDir: string, participant: string): number {
  const prefix = `${participantFolder(participant)}~`;
  let removed = 0;
  for (const kind of ['history', 'models', 'records'] as const) {
    const dir = setAsideDir(userDir, kind);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.startsWith(prefix))) {
      rmSync(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}
