import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testModel } from '../support/infer-model';
import { prepareDataLayout } from '../../src/record/data-layout';
import { modelPath, participantRecordsDir } from '../../src/record/paths';
import { RECORDS_FILE, RecordStore } from '../../src/record/record-store';

const record = (participant: string, i: number) => ({ participant, timestamp: 1_764_000_000_000 + i * 1000, gsr: 3, bpm: 70, mood: 'happy', session: 's1' });
const lines = (participant: string, n: number) => Array.from({ length: n }, (_, i) => `${JSON.stringify(record(participant, i))}\n`).join('');

describe('data folder layout and its migration', () => {
  let dir: string;
  const at = (...parts: string[]) => join(dir, 'emotion-iot', ...parts);
  const write = (text: string, ...parts: string[]) => {
    mkdirSync(join(at(...parts), '..'), { recursive: true });
    writeFileSync(at(...parts), text);
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'emotion-layout-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a fresh data folder at the current layout', () => {
    assert.deepEqual(prepareDataLayout(dir), []);
    assert.deepEqual(readdirSync(at()), ['layout.json']);
    assert.deepEqual(prepareDataLayout(dir), [], 'once per process');
  });

  it('redoes a migration a crash interrupted, from the old folders, without doubling anything', async () => {
    write(lines('Ann Lee', 30) + lines('Ann_Lee', 20), 'records.before-migration', 'ann_lee', RECORDS_FILE);
    write(lines('Ann Lee', 7), 'records', 'ann lee-', RECORDS_FILE); // half of the first try
    write(JSON.stringify({ version: 2, migrating: true }), 'layout.json');
    prepareDataLayout(dir);
    const store = new RecordStore(dir);
    assert.equal((await store.read('Ann Lee')).length, 30);
    assert.equal((await store.read('Ann_Lee')).length, 20);
    assert.equal(existsSync(at('records.before-migration')), false);
    assert.deepEqual(JSON.parse(readFileSync(at('layout.json'), 'utf8')), { version: 2 });
  });

  it('leaves data already in this layout as it is', async () => {
    const store = new RecordStore(dir);
    await store.append([record('Zoë', 0), record('ZOË', 1), record('Ann Lee', 2)]);
    write(JSON.stringify(testModel('Zoë')), 'models', 'zo-ija.json');
    const before = readFileSync(join(participantRecordsDir(dir, 'Zoë'), RECORDS_FILE), 'utf8');
    assert.deepEqual(prepareDataLayout(dir), [], 'no layout.json yet: everything is filed again, to the same places, without a word');
    assert.equal(readFileSync(join(participantRecordsDir(dir, 'zoë'), RECORDS_FILE), 'utf8'), before);
    assert.equal(JSON.parse(readFileSync(modelPath(dir, 'Zoë'), 'utf8')).participant, 'Zoë');
    assert.deepEqual(await store.participants(), ['Ann Lee', 'Zoë']);
  });

  it('keeps the newer of two models that are now one person, and the older aside', () => {
    write(JSON.stringify(testModel('ipek', { trainedAt: '2026-11-01T00:00:00.000Z' })), 'models', 'ipek.json');
    write(JSON.stringify(testModel('İpek', { trainedAt: '2026-11-20T00:00:00.000Z' })), 'models', 'i_pek~5be2b5a3.json');
    write('{"format"', 'models', 'broken.json');
    const notes = prepareDataLayout(dir);
    assert.equal(JSON.parse(readFileSync(modelPath(dir, 'IPEK'), 'utf8')).trainedAt, '2026-11-20T00:00:00.000Z');
    const aside = readdirSync(at('set-aside', 'models'));
    assert.equal(aside.filter((f) => f.startsWith('ipek-~')).length, 1, aside.join());
    assert.equal(JSON.parse(readFileSync(at('set-aside', 'models', aside.find((f) => f.startsWith('ipek-~'))!), 'utf8')).trainedAt, '2026-11-01T00:00:00.000Z');
    assert.ok(notes.some((n) => /two models for "(ipek|İpek)": the newer is used, the older kept in/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /the model file models\/broken\.json names no participant this version accepts: kept in/.test(n)));
  });

  it('removes temporary files a kill during a save left behind, at every start', () => {
    write(JSON.stringify({ version: 2 }), 'layout.json');
    write('{"format":"emotion-iot-mo', 'models', 'ana-.json.4242.1764000000000.tmp');
    write('[{"timest', 'history', 'ana-.json.4242.tmp');
    write(JSON.stringify(testModel('Ana')), 'models', 'ana-.json');
    const notes = prepareDataLayout(dir);
    assert.deepEqual(readdirSync(at('models')), ['ana-.json']);
    assert.deepEqual(readdirSync(at('history')), []);
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.match(notes[0], /removed 1 unfinished temporary file\(s\) in \S+models: ana-\.json\.4242\.1764000000000\.tmp/);
  });
});
