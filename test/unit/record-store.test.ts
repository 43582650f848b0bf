import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { participantRecordsDir } from '../../src/record/paths';
import type { SensorRecord } from '../../src/record/record';
import { RECORDS_FILE, RecordStore } from '../../src/record/record-store';
import { enospc, fillDisk, shortWrites, withSmallDisk, wrapFileWrites } from '../support/faulty-disk';

function rec(participant: string, mood: string | undefined, i: number): SensorRecord {
  const r: SensorRecord = { participant, timestamp: 1_764_000_000_000 + i * 1000, gsr: 2.5 + i / 1000, bpm: 70 + i, session: `${mood}-1` };
  if (mood) r.mood = mood;
  return r;
}

describe('record store', () => {
  let dir: string;
  let store: RecordStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emotion-store-'));
    store = new RecordStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back exactly what it appended, in order', async () => {
    const records = [rec('Ana', 'happy', 0), rec('Ana', 'sad', 1), { ...rec('Ana', 'angry', 2), simulated: true }];
    assert.deepEqual(await store.append(records.slice(0, 2)), { stored: 2, rejected: [] });
    await store.append(records.slice(2));
    assert.deepEqual(await store.read('Ana'), records);
  });

  it('keeps each participant in their own 0700 folder with a 0600 JSON Lines file', async () => {
    await store.append([rec('Ana', 'happy', 0), rec('Bo', 'sad', 0), rec('Ana', 'sad', 1)]);
    const folder = participantRecordsDir(dir, 'Ana');
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    assert.equal((await stat(join(folder, RECORDS_FILE))).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(join(dir, 'emotion-iot', 'records'))).sort(), ['ana-', 'bo-']);
    const lines = (await readFile(join(folder, RECORDS_FILE), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[1]), rec('Ana', 'sad', 1));
    assert.deepEqual(await store.participants(), ['Ana', 'Bo']);
  });

  it('stores the valid records of a batch and reports each bad one by index', async () => {
    const result = await store.append([rec('Ana', 'happy', 0), { ...rec('Ana', 'happy', 1), gsr: 'x' }, null, rec('Ana', 'happy', 2)]);
    assert.equal(result.stored, 2);
    assert.deepEqual(result.rejected.map((r) => r.index), [1, 2]);
    assert.match(result.rejected[0].reason, /gsr must be a finite number/);
    assert.equal((await store.read('Ana')).length, 2);
  });

  it('tolerates a torn last line and keeps later appends readable', async () => {
    await store.append([rec('Ana', 'happy', 0), rec('Ana', 'happy', 1)]);
    const file = join(participantRecordsDir(dir, 'Ana'), RECORDS_FILE);
    await appendFile(file, '{"participant":"Ana","timest');
    assert.equal((await store.read('Ana')).length, 2);
    await store.append([rec('Ana', 'sad', 2)]);
    const read = await store.read('Ana');
    assert.deepEqual(read.map((r) => r.mood), ['happy', 'happy', 'sad']);
  });

  it('counts records per mood, with every label present', async () => {
    await store.append([rec('Ana', 'happy', 0), rec('Ana', 'happy', 1), rec('Ana', 'sad', 2), rec('Ana', undefined, 3)]);
    const { protocol, ...ana } = await store.counts('ana');
    assert.deepEqual(ana, { participant: 'ana', counts: { angry: 0, happy: 2, sad: 1 }, total: 4 });
    assert.deepEqual(Object.keys(protocol.moods), ['angry', 'happy', 'sad'], 'and where the recording protocol stands (record-protocol.test.ts)');
    const { protocol: none, ...nobody } = await store.counts('nobody');
    assert.deepEqual(nobody, { participant: 'nobody', counts: { angry: 0, happy: 0, sad: 0 }, total: 0 });
    assert.equal(none.missing.length, 3 + 1, 'two sessions of each mood, and a rest session');
  });

  it('exports CSV with a header, ISO time and quoted text cells', async () => {
    await store.append([{ ...rec('Ana', 'happy', 0), session: 'film "Up", part 1' }, { ...rec('Ana', 'sad', 1), session: '=cmd()' }]);
    const lines = (await store.exportCsv('Ana')).csv.split('\r\n');
    assert.equal(lines[0], 'participant,timestamp,time,gsr,bpm,mood,session,simulated,ibi_ms');
    assert.equal(lines[1], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,happy,"film ""Up"", part 1",false,');
    assert.equal(lines[2], "Ana,1764000001000,2025-11-24T16:00:01.000Z,2.501,71,sad,'=cmd(),false,");
    assert.equal(lines[3], '');
  });

  it('deletes one participant entirely and leaves the others', async () => {
    await store.append([rec('Ana', 'happy', 0), rec('Ana', 'sad', 1), rec('Bo', 'sad', 0)]);
    assert.equal(await store.delete('ANA'), 2);
    assert.deepEqual(await store.read('Ana'), []);
    assert.deepEqual(await store.participants(), ['Bo']);
    assert.equal(await store.delete('Ana'), 0);
  });

  it('keeps every record when appends race each other', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append([rec('Ana', 'happy', i)])));
    const read = await store.read('Ana');
    assert.equal(read.length, 20);
    assert.deepEqual(new Set(read.map((r) => r.bpm)).size, 20);
  });

  it('rejects a participant name that could leave the data folder', async () => {
    await assert.rejects(store.read('../../etc'), /invalid participant name/);
    await assert.rejects(store.delete('..'), /invalid participant name/);
  });

  it('lists no participants in an empty user directory and ignores empty folders', async () => {
    assert.deepEqual(await store.participants(), []);
    await mkdir(participantRecordsDir(dir, 'Ana'), { recursive: true });
    await writeFile(join(dir, 'emotion-iot', 'records', 'stray.txt'), '');
    assert.deepEqual(await store.participants(), []);
  });

  describe('on a failing disk', () => {
    let restore: (() => void) | undefined;
    afterEach(() => {
      restore?.();
      restore = undefined;
    });
    const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ ...rec('Ana', 'happy', from + i), bpm: 70 + ((from + i) % 100) }));

    it('writes every byte when the disk takes a few bytes per write', async () => {
      restore = await wrapFileWrites(shortWrites(11));
      await store.append(many(20));
      await store.append(many(20, 20));
      restore();
      assert.deepEqual(await store.read('Ana'), many(40));
    });

    it('fails an append the disk cannot finish, cuts the file back, and keeps every record stored before', async () => {
      await store.append(many(5));
      let calls = 0;
      restore = await wrapFileWrites((_b, _o, length, write) => {
        calls += 1;
        if (calls === 1) return write(Math.floor(length / 3)); // a short count, no error
        throw enospc();
      });
      await assert.rejects(store.append(many(10, 5)), /cannot store the records: the disk is full \(ENOSPC\)/);
      restore();
      restore = undefined;
      await store.append(many(1, 15));
      assert.deepEqual(await store.read('Ana'), [...many(5), ...many(1, 15)]);
      const text = await readFile(join(participantRecordsDir(dir, 'Ana'), RECORDS_FILE), 'utf8');
      assert.equal(text.split('\n').length, 7, 'no torn line is left behind');
    });

    describe('on a real full disk (a 128 KiB tmpfs)', () => {
      const disk = withSmallDisk('128k');

      it('never reports a record stored that is not on disk', async () => {
        const full = new RecordStore(disk());
        await full.append(many(1));
        const acknowledged = many(1);
        await fillDisk(disk());
        for (let i = 1; i < 400; i += 20) {
          await full.append(many(20, i)).then(() => acknowledged.push(...many(20, i)), () => undefined);
        }
        assert.deepEqual(await full.read('Ana'), acknowledged);
        await assert.rejects(full.append(many(50, 1000)), /the disk is full \(ENOSPC\)/);
      });
    });
  });
});
