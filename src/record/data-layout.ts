// The layout of the data folder, and its migration from 0.1.0 on the first start of a newer version.
// 0.1.0 named folders by a lossy rule (lower case, spaces as underscores: "Ann Lee" and "Ann_Lee" shared
// one folder) and kept İpek and ipek apart; now each person's files are named by their canonical key
// (./participant.ts). Every record, model and history entry carries its participant's name, so the
// migration files each one by that name, wherever it was.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HISTORY_LIMIT, type HistoryEntry } from './answer-history';
import { participantFolder, participantKey, participantName } from './participant';
import { dataRoot, historyPath, modelPath, participantRecordsDir } from './paths';
import { RECORDS_FILE } from './record-store';
import { setAside } from './set-aside';

export const LAYOUT_VERSION = 2;
const LAYOUT_FILE = 'layout.json';
const KINDS = ['records', 'models', 'history'] as const;
/** Where a kind's old folder waits while it is migrated; removed once the new one is complete. */
const OLD = '.before-migration';

const prepared = new Set<string>();

/**
 * Makes the data folder ready for this version, once per process: migrates an older layout (a crash
 * halfway is redone from the old folders on the next start) and removes temporary files a kill during a
 * save left behind. Returns what it did, for the log.
 */
export function prepareDataLayout(userDir: string): string[] {
  const root = dataRoot(userDir);
  if (prepared.has(root)) return [];
  const notes: string[] = [];
  const marker = readLayout(root);
  if (marker?.version !== LAYOUT_VERSION || marker.migrating) migrate(userDir, notes);
  removeOrphans(root, notes);
  for (const kind of KINDS) rmSync(join(root, `${kind}${OLD}`), { recursive: true, force: true });
  prepared.add(root);
  return notes;
}

function migrate(userDir: string, notes: string[]): void {
  const root = dataRoot(userDir);
  if (!KINDS.some((kind) => existsSync(join(root, kind)) || existsSync(join(root, `${kind}${OLD}`)))) {
    writeLayout(root, { version: LAYOUT_VERSION });
    return;
  }
  writeLayout(root, { version: LAYOUT_VERSION, migrating: true });
  for (const kind of KINDS) {
    const now = join(root, kind);
    const old = join(root, `${kind}${OLD}`);
    if (existsSync(old)) rmSync(now, { recursive: true, force: true }); // half a migration: start it again
    else if (existsSync(now)) renameSync(now, old);
  }
  const moved = { records: migrateRecords(userDir, notes), models: migrateModels(userDir, notes), history: migrateHistory(userDir, notes) };
  writeLayout(root, { version: LAYOUT_VERSION });
  // data this version wrote before the layout file existed (the demo's seed) is already where it belongs
  if (moved.records + moved.models + moved.history > 0 || notes.length > 0) {
    notes.unshift(`data folder ${root} migrated to layout ${LAYOUT_VERSION}: ${moved.records} records, ${moved.models} models, ${moved.history} answer histories moved to their participant's name`);
  }
}

/** Files each record line under the participant it names; lines naming nobody valid go aside. Returns how many lines changed folder. */
function migrateRecords(userDir: string, notes: string[]): number {
  const from = join(dataRoot(userDir), `records${OLD}`);
  let moved = 0;
  for (const folder of subfolders(from)) {
    const file = join(from, folder, RECORDS_FILE);
    if (!existsSync(file)) continue;
    const byKey = new Map<string, { names: Set<string>; lines: string[] }>();
    const nobody: string[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const name = nameIn(() => (JSON.parse(line) as { participant?: unknown }).participant);
      if (name === undefined) {
        nobody.push(line);
        continue;
      }
      const group = byKey.get(participantKey(name)) ?? { names: new Set<string>(), lines: [] };
      group.names.add(name);
      group.lines.push(line);
      byKey.set(participantKey(name), group);
    }
    const groups = [...byKey.values()];
    // a torn line in one person's folder stays theirs (reading skips it, as before)
    if (groups.length === 1) groups[0].lines.push(...nobody.splice(0));
    for (const group of groups) {
      const name = [...group.names][0];
      const dir = participantRecordsDir(userDir, name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      appendTextDurably(join(dir, RECORDS_FILE), `${group.lines.join('\n')}\n`);
      if (participantFolder(name) !== folder) moved += group.lines.length;
    }
    if (groups.length > 1) {
      const who = groups.map((g) => `"${[...g.names][0]}" (${g.lines.length})`).join(', ');
      notes.push(`the records of ${who} shared the folder records/${folder}: each person now has their own`);
    }
    if (nobody.length > 0) {
      const kept = join(from, folder, 'unattributed.jsonl');
      appendTextDurably(kept, `${nobody.join('\n')}\n`);
      const path = setAside(userDir, 'records', kept, folder, 'jsonl');
      notes.push(`${nobody.length} record lines in records/${folder} name no participant this version accepts: kept in ${path}`);
    }
  }
  return moved;
}

/** Moves each model to its participant's name; of two for one person the newer stays, the other goes aside. Returns how many were renamed. */
function migrateModels(userDir: string, notes: string[]): number {
  const from = join(dataRoot(userDir), `models${OLD}`);
  let moved = 0;
  for (const file of files(from, '.json')) {
    const path = join(from, file);
    let model: { participant?: unknown; trainedAt?: unknown };
    let name: string | undefined;
    try {
      model = JSON.parse(readFileSync(path, 'utf8')) as typeof model;
      name = nameIn(() => model.participant);
    } catch {
      model = {};
    }
    if (name === undefined) {
      notes.push(`the model file models/${file} names no participant this version accepts: kept in ${setAside(userDir, 'models', path, file.slice(0, -5), 'json')}`);
      continue;
    }
    const target = modelPath(userDir, name);
    mkdirSync(join(dataRoot(userDir), 'models'), { recursive: true, mode: 0o700 });
    if (existsSync(target)) {
      const other = JSON.parse(readFileSync(target, 'utf8')) as { trainedAt?: unknown };
      const older = String(other.trainedAt) > String(model.trainedAt) ? path : target;
      const kept = setAside(userDir, 'models', older, participantFolder(name), 'json');
      notes.push(`two models for "${name}": the newer is used, the older kept in ${kept}`);
      if (older === path) continue;
    }
    renameSync(path, target);
    if (target !== join(dataRoot(userDir), 'models', file)) moved += 1;
  }
  return moved;
}

/** Files each answer under the participant it names, newest first, at most HISTORY_LIMIT each. Returns how many histories changed file. */
function migrateHistory(userDir: string, notes: string[]): number {
  const from = join(dataRoot(userDir), `history${OLD}`);
  const byKey = new Map<string, { name: string; rows: HistoryEntry[]; files: Set<string> }>();
  for (const file of files(from, '.json')) {
    const path = join(from, file);
    let rows: unknown;
    try {
      rows = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      rows = undefined;
    }
    const entries = Array.isArray(rows) ? (rows as HistoryEntry[]) : [];
    const usable = entries.filter((e) => nameIn(() => e?.participant) !== undefined);
    if (!Array.isArray(rows) || usable.length < entries.length) {
      notes.push(`the answer history history/${file} is damaged: kept in ${setAside(userDir, 'history', path, file.slice(0, -5), 'json')}`);
    }
    for (const entry of usable) {
      const group = byKey.get(participantKey(entry.participant)) ?? { name: participantName(entry.participant), rows: [], files: new Set<string>() };
      group.rows.push(entry);
      group.files.add(file);
      byKey.set(participantKey(entry.participant), group);
    }
  }
  let moved = 0;
  for (const { name, rows, files: from } of byKey.values()) {
    mkdirSync(join(dataRoot(userDir), 'history'), { recursive: true, mode: 0o700 });
    rows.sort((a, b) => b.timestamp - a.timestamp);
    const target = historyPath(userDir, name);
    writeDurably(target, JSON.stringify(rows.slice(0, HISTORY_LIMIT)));
    if (from.size > 1 || !from.has(basename(target))) moved += 1;
  }
  return moved;
}

/** Temporary files of a save that never finished (the process was killed): the saved file is intact. */
function removeOrphans(root: string, notes: string[]): void {
  for (const kind of ['models', 'history', `models${OLD}`, `history${OLD}`]) {
    const orphans = files(join(root, kind), '.tmp');
    for (const name of orphans) rmSync(join(root, kind, name), { force: true });
    if (orphans.length > 0) notes.push(`removed ${orphans.length} unfinished temporary file(s) in ${join(root, kind)}: ${orphans.join(', ')}`);
  }
}

function nameIn(read: () => unknown): string | undefined {
  try {
    const name = read();
    return typeof name === 'string' ? participantName(name) : undefined;
  } catch {
    return undefined;
  }
}

function readLayout(root: string): { version?: number; migrating?: boolean } | undefined {
  try {
    return JSON.parse(readFileSync(join(root, LAYOUT_FILE), 'utf8')) as { version?: number; migrating?: boolean };
  } catch {
    return undefined;
  }
}

function writeLayout(root: string, layout: { version: number; migrating?: boolean }): void {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const temp = join(root, `${LAYOUT_FILE}.tmp`);
  writeDurably(temp, `${JSON.stringify(layout)}\n`);
  renameSync(temp, join(root, LAYOUT_FILE));
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

function files(dir: string, extension: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith(extension)).map((d) => d.name);
  } catch {
    return [];
  }
}

function writeDurably(path: string, text: string, flags = 'w'): void {
  const data = Buffer.from(text);
  const fd = openSync(path, flags, 0o600);
  try {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at); // a short write is not an error
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function appendTextDurably(path: string, text: string): void {
  writeDurably(path, text, 'a');
}
