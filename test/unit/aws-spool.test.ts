import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, SpoolFullError } from '../../src/aws/spool';

const rec = (i: number) => Buffer.from(`${JSON.stringify({ i, gsr: 1.234 })}\n`);
const ids = (entries: { data: Buffer }[]) => entries.map((e) => (JSON.parse(e.data.toString()) as { i: number }).i);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe('aws spool', () => {
  let dir: string;
  const spools: Spool[] = [];
  const openSpool = async (budgetBytes = 1024 * 1024, segmentBytes?: number) => {
    const spool = await Spool.open(dir, { budgetBytes, segmentBytes });
    spools.push(spool);
    return spool;
  };
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'spool-')), 'stream');
  });
  afterEach(async () => {
    await Promise.all(spools.splice(0).map((s) => s.close()));
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('reads appended records back in order, within record and byte limits', async () => {
    const spool = await openSpool(1024 * 1024, 200);
    const writes = range(0, 10).map((i) => spool.append([rec(i)]));
    assert.equal(spool.unread, 0, 'nothing is readable before it is on disk');
    await Promise.all(writes);
    for (let i = 10; i < 30; i += 5) await spool.append(range(i, i + 5).map(rec));
    assert.equal(spool.unread, 30);
    const first = await spool.read(10, 1e6);
    assert.deepEqual(ids(first), range(0, 10));
    assert.deepEqual(first.map((e) => e.seq), range(0, 10));
    const size = rec(10).length;
    const second = await spool.read(100, size * 3 + 1);
    assert.deepEqual(ids(second), [10, 11, 12]);
    assert.deepEqual(ids(await spool.read(100, 1e6)), range(13, 30), 'reads across segment files');
    const segments = readdirSync(dir).filter((n) => n.endsWith('.seg'));
    assert.ok(segments.length > 1, 'small segments roll over');
    assert.equal(statSync(join(dir, segments[0])).mode & 0o777, 0o600, 'records are personal: owner only');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(spool.unread, 0);
    assert.equal(spool.backlog, 30);
  });

  it('always returns one whole record even when it is larger than the byte limit', async () => {
    const spool = await openSpool();
    const big = Buffer.from(`${JSON.stringify({ blob: 'x'.repeat(5000) })}\n`);
    await spool.append([big, rec(1)]);
    const [entry] = await spool.read(10, 100);
    assert.deepEqual(entry.data, big);
    // A large record behind many small ones (the read size is estimated from the mean record).
    const huge = Buffer.from(`${JSON.stringify({ blob: 'y'.repeat(200_000) })}\n`);
    await spool.append([...range(2, 1000).map(rec), huge, rec(1000)]);
    assert.deepEqual(ids(await spool.read(999, 4 * 1024 * 1024)), range(1, 1000));
    assert.deepEqual((await spool.read(1, 10)).map((e) => e.data), [huge]);
    assert.deepEqual(ids(await spool.read(10, 1e6)), [1000]);
  });

  it('resumes after a restart at the first unacknowledged record, and deletes delivered segments', async () => {
    let spool = await openSpool(1024 * 1024, 300);
    await spool.append(range(0, 20).map(rec));
    await spool.read(12, 1e6);
    spool.ack(7);
    await spool.close();
    spool = await openSpool(1024 * 1024, 300);
    assert.equal(spool.backlog, 13);
    assert.deepEqual(ids(await spool.read(100, 1e6)), range(7, 20));
    await spool.append([rec(20)]);
    assert.deepEqual((await spool.read(100, 1e6)).map((e) => e.seq), [20], 'sequence numbers keep rising');
    spool.ack(21);
    await spool.close();
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.seg')), [], 'everything delivered: no segment left');
    spool = await openSpool();
    assert.equal(spool.backlog, 0);
    await spool.append([rec(21)]);
    assert.deepEqual((await spool.read(1, 1e6)).map((e) => e.seq), [21]);
  });

  it('drops a torn write at the end of the last segment', async () => {
    let spool = await openSpool();
    await spool.append([rec(0), rec(1)]);
    await spool.close();
    const [segment] = readdirSync(dir).filter((n) => n.endsWith('.seg'));
    appendFileSync(join(dir, segment), '{"i":2,"gs');
    spool = await openSpool();
    assert.equal(spool.backlog, 2);
    await spool.append([rec(3)]);
    assert.deepEqual(ids(await spool.read(10, 1e6)), [0, 1, 3]);
  });

  it('keeps new records when the newest segment was found empty after a crash (its first write never reached disk)', async () => {
    let spool = await openSpool();
    await spool.append(range(0, 3).map(rec));
    await spool.close();
    writeFileSync(join(dir, '0000000000000003.seg'), ''); // created by a rollover, then the power went
    spool = await openSpool();
    await spool.append([rec(3), rec(4)]);
    assert.deepEqual(ids(await spool.read(100, 1e6)), range(0, 5));
    spool.ack(3);
    await spool.close(); // waits for the ack, which deletes the delivered segments
    spool = await openSpool();
    assert.equal(spool.backlog, 2);
    assert.deepEqual(ids(await spool.read(100, 1e6)), [3, 4], 'the records after the ack are still on disk');
  });

  it('starts from zero when the ack file is unreadable (at-least-once: nothing is skipped)', async () => {
    let spool = await openSpool();
    await spool.append([rec(0), rec(1)]);
    await spool.read(1, 1e6);
    spool.ack(1);
    await spool.close();
    writeFileSync(join(dir, 'ack.json'), '{"next":');
    spool = await openSpool();
    assert.deepEqual(ids(await spool.read(10, 1e6)), [0, 1]);
  });

  it('refuses appends beyond the disk budget and accepts them again once records are delivered', async () => {
    const size = rec(0).length;
    const spool = await openSpool(size * 10, size * 4);
    for (const group of [range(0, 4), range(4, 8), range(8, 10)]) await spool.append(group.map(rec));
    await assert.rejects(spool.append([rec(10)]), SpoolFullError);
    assert.equal(spool.diskBytes, size * 10);
    await spool.read(8, 1e6);
    spool.ack(8);
    await spool.append([]); // no-op
    // Deleting delivered segments happens after the ack is on disk.
    for (let i = 0; i < 50 && spool.diskBytes > size * 8; i += 1) await new Promise((r) => setTimeout(r, 5));
    await spool.append([rec(10)]);
    assert.deepEqual(ids(await spool.read(10, 1e6)), [8, 9, 10]);
  });

  it('skips, when reopened in the same process, records delivered ahead of the ack, and only those', async () => {
    let spool = await openSpool();
    await spool.append(range(0, 5).map(rec));
    await spool.read(5, 1e6);
    spool.ack(1, [2, 4]); // 1 and 3 still owed
    await spool.close();
    spool = await openSpool();
    assert.deepEqual(ids(await spool.read(10, 1e6)), [1, 3]);
    await spool.close();
    rmSync(dir, { recursive: true, force: true }); // someone deletes the folder: numbering starts again
    spool = await openSpool();
    await spool.append(range(10, 15).map(rec));
    assert.deepEqual(ids(await spool.read(10, 1e6)), range(10, 15));
  });

  it('lets only one spool use a directory at a time', async () => {
    await openSpool();
    await assert.rejects(Spool.open(dir, { budgetBytes: 1000 }), /already in use/);
  });

  it('refuses to acknowledge records not yet read', async () => {
    const spool = await openSpool();
    await spool.append([rec(0)]);
    assert.throws(() => spool.ack(1), /not read/);
  });
});
