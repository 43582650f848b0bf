import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUARANTINE_FILE, Spool, type SpoolEvents } from '../../src/aws/spool';
import { enospc, fillDisk, shortWrites, withSmallDisk, wrapFileWrites } from '../support/faulty-disk';

const rec = (i: number) => Buffer.from(`${JSON.stringify({ i, gsr: 1.234, participant: 'Ana' })}\n`);
const ids = (entries: { data: Buffer }[]) => entries.map((e) => (JSON.parse(e.data.toString()) as { i: number }).i);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
const segmentsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.seg'));

/** Records what the spool reports in the background, and any rejection nobody handled. */
function watch() {
  const seen = { warnings: [] as string[], failures: [] as Error[], recoveries: 0, unhandled: [] as unknown[] };
  const events: SpoolEvents = {
    warn: (m) => seen.warnings.push(m),
    failing: (e) => seen.failures.push(e),
    recovered: () => (seen.recoveries += 1),
  };
  const onUnhandled = (reason: unknown) => seen.unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  return { seen, events, stop: () => process.off('unhandledRejection', onUnhandled) };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

async function readAll(spool: Spool): Promise<number[]> {
  const out: number[] = [];
  for (let batch = await spool.read(500, 4e6); batch.length > 0; batch = await spool.read(500, 4e6)) out.push(...ids(batch));
  return out;
}

describe('aws spool on a failing disk', () => {
  let dir: string;
  let restore: (() => void) | undefined;
  let watcher: ReturnType<typeof watch>;
  const spools: Spool[] = [];
  const openSpool = async (at = dir, segmentBytes?: number) => {
    const spool = await Spool.open(at, { budgetBytes: 64 * 1024 * 1024, segmentBytes, events: watcher.events });
    spools.push(spool);
    return spool;
  };
  const reopen = async (spool: Spool) => {
    await spool.close();
    return openSpool(spool.dir);
  };
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'spool-faults-')), 'stream');
    watcher = watch();
  });
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await Promise.all(spools.splice(0).map((s) => s.close()));
    watcher.stop();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes every byte of an append when the disk takes a few bytes per write, so all acknowledged records read back after a restart', async () => {
    let spool = await openSpool();
    restore = await wrapFileWrites(shortWrites(7));
    for (let i = 0; i < 40; i += 10) await spool.append(range(i, i + 10).map(rec));
    restore();
    spool = await reopen(spool);
    assert.deepEqual(await readAll(spool), range(0, 40));
  });

  it('fails the whole append when the disk fills mid-write, cuts the segment back, and keeps what was acknowledged before', async () => {
    let spool = await openSpool();
    await spool.append(range(0, 3).map(rec));
    let calls = 0;
    restore = await wrapFileWrites((_b, _o, length, write) => {
      calls += 1;
      if (calls === 1) return write(Math.floor(length / 2)); // a short count, no error
      throw enospc();
    });
    await assert.rejects(spool.append(range(3, 7).map(rec)), /cannot write the spool: the disk is full \(ENOSPC\)/);
    restore();
    restore = undefined;
    await spool.append([rec(7)]); // space is back
    spool = await reopen(spool);
    assert.deepEqual(await readAll(spool), [0, 1, 2, 7]);
    for (const name of segmentsIn(dir)) assert.ok(!readFileSync(join(dir, name)).includes(0), 'no NUL bytes in a segment');
  });

  it('lives on when its folder is deleted while running: the delivery position is saved in a new folder and new records are durable there', async () => {
    let spool = await openSpool();
    await spool.append(range(0, 3).map(rec));
    assert.deepEqual(ids(await spool.read(10, 1e6)), [0, 1, 2]);
    rmSync(dir, { recursive: true, force: true });
    spool.ack(3);
    await settle();
    await spool.append(range(3, 6).map(rec));
    assert.deepEqual(ids(await spool.read(10, 1e6)), [3, 4, 5]);
    spool.ack(4);
    await settle();
    assert.deepEqual(watcher.seen.unhandled, []);
    assert.deepEqual(watcher.seen.failures, []);
    assert.match(watcher.seen.warnings.join('\n'), /was removed while running: a new one is started/);
    spool = await reopen(spool);
    assert.deepEqual(await readAll(spool), [4, 5], 'acknowledged records after the deletion survive a restart');
  });

  it('skips a segment deleted under it with a warning instead of failing every read', async () => {
    const spool = await openSpool(dir, 100);
    await spool.append(range(0, 4).map(rec));
    await spool.append(range(4, 8).map(rec)); // a second segment
    const [first] = segmentsIn(dir);
    unlinkSync(join(dir, first));
    assert.deepEqual(await readAll(spool), range(4, 8));
    assert.match(watcher.seen.warnings.join('\n'), /0000000000000000\.seg was removed while in use: 4 records not yet sent were in it/);
  });

  it('skips damaged bytes an older version left (a NUL-filled hole, a torn segment end) once, keeps them in the quarantine file, and accepts records again', async () => {
    // What a short write followed by a cut-back past the file's end left: holes of NUL bytes.
    let spool = await openSpool();
    await spool.close();
    const hole = Buffer.alloc(300, 0);
    writeFileSync(join(dir, '0000000000000000.seg'), Buffer.concat([rec(0), rec(1), hole]));
    writeFileSync(join(dir, '0000000000000002.seg'), Buffer.concat([rec(2), hole, rec(3), rec(4)]));
    spool = await openSpool();
    await spool.append([rec(5)]);
    assert.deepEqual(await readAll(spool), [0, 1, 2, 4, 5]);
    const kept = readFileSync(join(dir, QUARANTINE_FILE));
    assert.equal(kept.length, hole.length * 2 + rec(3).length, 'the skipped bytes are kept');
    assert.equal(watcher.seen.warnings.filter((w) => /skipped \d+ damaged bytes/.test(w)).length, 2);
    spool.ack(spool.readPosition);
    spool = await reopen(spool);
    assert.deepEqual(await readAll(spool), [], 'skipped once: nothing is dropped again after a restart');
  });

  it('keeps a torn tail found after a crash in the quarantine file and says so', async () => {
    let spool = await openSpool();
    await spool.append([rec(0)]);
    await spool.close();
    writeFileSync(join(dir, segmentsIn(dir)[0]), Buffer.concat([rec(0), Buffer.from('{"i":1,"gs')]));
    spool = await openSpool();
    assert.deepEqual(await readAll(spool), [0]);
    assert.equal(readFileSync(join(dir, QUARANTINE_FILE), 'utf8'), '{"i":1,"gs');
    assert.match(watcher.seen.warnings.join('\n'), /skipped 10 damaged bytes at the end of .*0000000000000000\.seg \(starting "\{\\"i\\":1,\\"gs"\); kept in/);
  });

  describe('on a real full disk (a 256 KiB tmpfs)', () => {
    const disk = withSmallDisk('256k');

    it('refuses appends with the cause, never acknowledges a record it did not write, reports a failed ack save without ending the process, and recovers when space returns', async () => {
      const at = join(disk(), 'stream');
      let spool = await openSpool(at);
      await spool.append(range(0, 10).map(rec));
      const acknowledged: number[] = range(0, 10);
      await fillDisk(disk());
      let refused: Error | undefined;
      // The segment's last page still has room: batches fill it (short writes), then the disk refuses.
      for (let i = 10; i < 4000 && !refused; i += 50) {
        await spool.append(range(i, i + 50).map(rec)).then(
          () => acknowledged.push(...range(i, i + 50)),
          (e: Error) => (refused = e),
        );
      }
      assert.match(String(refused?.message), /cannot write the spool: the disk is full \(ENOSPC\)/);
      const read = await readAll(spool);
      assert.deepEqual(read, acknowledged);
      await fillDisk(disk()); // cutting the failed append back freed a page
      spool.ack(spool.readPosition);
      await settle();
      assert.deepEqual(watcher.seen.unhandled, []);
      assert.match(String(watcher.seen.failures[0]?.message), /cannot save which records were delivered: the disk is full/);
      for (const name of readdirSync(disk())) if (name.startsWith('filler')) unlinkSync(join(disk(), name));
      await spool.append([rec(9000)]);
      spool.ack(spool.readPosition); // the next ack saves the position
      await settle();
      assert.equal(watcher.seen.recoveries, 1, 'saving works again once there is space');
      spool = await reopen(spool);
      assert.deepEqual(await readAll(spool), [9000], 'the acknowledged record is on disk, the delivered ones are not sent again');
    });

    it('keeps every acknowledged record readable after a restart when the disk filled up during appends', async () => {
      const at = join(disk(), 'stream2');
      let spool = await openSpool(at);
      await spool.append([rec(0)]);
      const acknowledged = [0];
      const filler = await fillDisk(disk());
      // The rest of the segment's page takes part of a batch: write(2) returns a short count.
      for (let i = 1; i < 2000; i += 25) {
        await spool.append(range(i, i + 25).map(rec)).then(() => acknowledged.push(...range(i, i + 25)), () => undefined);
      }
      unlinkSync(filler);
      spool = await reopen(spool);
      assert.deepEqual(await readAll(spool), acknowledged);
    });
  });
});
