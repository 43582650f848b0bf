import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { fillDisk, withSmallDisk } from '../support/faulty-disk';
import { FirehosePeer } from '../support/firehose-peer';
import awsConfigNode = require('../../nodes/aws-config/aws-config');
import firehosePushNode = require('../../nodes/firehose-push/firehose-push');

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const creds = { aws: { accessKeyId: KEY_ID, secretAccessKey: SECRET } };
const rec = (i: number) => ({ participant: 'ada', timestamp: 1_764_000_000_000 + i, gsr: 3.142, bpm: 71.5, mood: 'happy', i });
const range = (n: number, from = 0) => Array.from({ length: n }, (_, k) => from + k);
const until = async (cond: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

type Spied = Node & {
  status: { args: Array<[{ text?: string; fill?: string }]> };
  error: { args: unknown[][] };
  warn: { args: unknown[][] };
};

describe('firehose-push node', () => {
  let dir: string;
  let peer: FirehosePeer;
  let received: NodeMessage[];

  before(() => helper.startServer());
  after(() => {
    helper.settings({}); // do not leave this file's (deleted) user dir to the next test file
    return helper.stopServer();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firehose-node-'));
    helper.settings({ userDir: dir });
    peer = await FirehosePeer.start();
  });
  afterEach(async () => {
    await helper.unload();
    await peer.peer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = async (push: Record<string, unknown> = {}, awsCreds: object = creds) => {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'aws', type: 'emotion-aws-config', region: 'us-east-1', endpoint: peer.endpoint, maxAttempts: '1' },
      {
        id: 'push',
        z: 'tab',
        type: 'emotion-firehose-push',
        aws: 'aws',
        stream: 'emotion-records',
        batchSize: '500',
        maxDelay: '20',
        spoolMb: '10',
        retryMax: '40',
        wires: [['out']],
        ...push,
      },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
    await helper.load([awsConfigNode, firehosePushNode], flow, awsCreds);
    received = [];
    helper.getNode('out').on('input', (msg: NodeMessage) => received.push(msg));
    return helper.getNode('push') as unknown as Spied;
  };
  const caught = () => {
    const errors: Array<NodeMessage & { error: { message: string } }> = [];
    helper.getNode('caught').on('input', (msg: NodeMessage) => errors.push(msg as (typeof errors)[number]));
    return errors;
  };
  const reports = () => received.map((m) => m.payload as { sent: number; retried: number; failed: number; spooled: number; lost: number; resent: number });
  const acceptedIds = () => peer.acceptedObjects<{ i: number }>().map((r) => r.i);

  it('sends single records and arrays to the stream, byte for byte, and reports each flush', async () => {
    const push = await load();
    push.receive({ payload: rec(0) });
    push.receive({ payload: [rec(1), rec(2)] });
    await until(() => peer.accepted.length === 3);
    assert.deepEqual(peer.accepted.map(String), [0, 1, 2].map((i) => `${JSON.stringify(rec(i))}\n`));
    assert.equal(peer.calls[0].stream, 'emotion-records');
    await until(() => reports().reduce((s, r) => s + r.sent, 0) === 3);
    assert.equal(received[0].topic, 'emotion-records');
    assert.deepEqual(reports().at(-1), { sent: reports().at(-1)!.sent, retried: 0, failed: 0, spooled: 0, lost: 0, resent: 0 });
    await until(() => /^sent 3$/.test(push.status.args.at(-1)?.[0].text ?? ''));
  });

  it('fails only the message with a bad record, and sends the rest', async () => {
    const push = await load();
    const errors = caught();
    const circular: Record<string, unknown> = { i: 99 };
    circular.self = circular;
    push.receive({ payload: [rec(0), circular] });
    push.receive({ payload: { i: 1, blob: 'x'.repeat(1_100_000) } });
    push.receive({ payload: 'not a record' });
    push.receive({ payload: { i: 98, big: 10n } });
    push.receive({ payload: rec(2) });
    await until(() => errors.length === 4 && peer.accepted.length === 1);
    assert.match(errors[0].error.message, /record 1 is not serialisable as JSON: it refers to itself \(a circular reference\)/);
    assert.match(errors[3].error.message, /record is not serialisable as JSON: it holds a BigInt, which JSON cannot carry/);
    assert.match(errors[1].error.message, /over Firehose's 1024000 byte limit/);
    assert.match(errors[2].error.message, /must be a JSON object, not a string/);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(acceptedIds(), [2], 'nothing of a failed message is sent');
  });

  it('resends only failed records on a partial failure', async () => {
    peer.failRecord = (data, _i, call) => call === 0 && JSON.parse(String(data)).i % 2 === 1;
    const push = await load();
    push.receive({ payload: range(6).map(rec) });
    await until(() => peer.accepted.length === 6);
    assert.deepEqual(peer.calls.map((c) => c.records.length), [6, 3]);
    assert.deepEqual(acceptedIds(), [0, 2, 4, 1, 3, 5]);
    await until(() => received.length === 1);
    assert.deepEqual(reports()[0], { sent: 6, retried: 3, failed: 0, spooled: 0, lost: 0, resent: 0 });
  });

  it('goes red during an outage without showing credentials, and catches up in order', async () => {
    // The peer's error echoes the Authorization header, which names the access key id.
    peer.peer.handler = (req) => ({
      status: 400,
      body: JSON.stringify({ __type: 'AccessDeniedException', message: `denied for ${req.headers.authorization}` }),
    });
    const push = await load();
    push.receive({ payload: range(5).map(rec) });
    await until(() => push.error.args.length > 0 && push.status.args.some(([s]) => s.fill === 'red'));
    const shown = JSON.stringify([push.error.args, push.status.args]);
    assert.match(shown, /denied for AWS4-HMAC-SHA256 Credential=\*\*\*/);
    assert.ok(!shown.includes(KEY_ID) && !shown.includes(SECRET));
    assert.match(push.status.args.at(-1)![0].text!, /^access denied: 5 spooled$/, 'the real cause, not "offline"');
    const fresh = await FirehosePeer.start();
    peer.peer.handler = fresh.peer.handler; // the service comes back
    await fresh.peer.stop();
    push.receive({ payload: range(5, 5).map(rec) });
    await until(() => fresh.accepted.length === 10);
    assert.deepEqual(fresh.acceptedObjects<{ i: number }>().map((r) => r.i), range(10));
  });

  it('shows a wrong stream name or missing permissions as such while spooling, and delivers everything once fixed', async () => {
    peer.streams.delete('emotion-records'); // not created yet, or a typo in the node
    const push = await load();
    push.receive({ payload: range(3).map(rec) });
    await until(() => push.status.args.some(([s]) => s.text === 'stream not found: 3 spooled' && s.fill === 'red'));
    assert.match(String(push.error.args[0][0]), /Firehose emotion-records under account 123456789012 not found\.; 3 records kept in the spool, retrying \(fix it/);
    peer.streams.add('emotion-records');
    peer.denyAccess = true; // the stream now exists, but the IAM policy lacks firehose:PutRecordBatch
    push.receive({ payload: range(2, 3).map(rec) });
    await until(() => push.status.args.some(([s]) => s.text === 'access denied: 5 spooled'));
    assert.match(String(push.error.args.at(-1)![0]), /not authorized to perform: firehose:PutRecordBatch/);
    assert.equal(peer.accepted.length, 0);
    peer.denyAccess = false;
    await until(() => peer.accepted.length === 5);
    assert.deepEqual(acceptedIds(), range(5));
    await until(() => /^sent 5$/.test(push.status.args.at(-1)?.[0].text ?? ''));
  });

  it('loses nothing and sends nothing twice when the peer is killed mid-stream', async () => {
    const push = await load({ batchSize: '50' });
    peer.peer.inject({ kind: 'delay', ms: 300 });
    for (const i of range(300)) push.receive({ payload: rec(i) });
    await until(() => peer.peer.requests.length > 0);
    await peer.peer.stop(); // the first call is in flight
    assert.equal(peer.accepted.length, 0);
    await new Promise((r) => setTimeout(r, 100));
    await peer.peer.restart();
    await until(() => peer.accepted.length >= 300);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(acceptedIds(), range(300));
    assert.ok(peer.calls.every((c) => c.records.length <= 50));
  });

  it('keeps the backlog across a Node-RED restart and delivers every record once, in order', async () => {
    let push = await load();
    for (const i of range(10)) push.receive({ payload: rec(i) });
    await until(() => peer.accepted.length === 10);
    await peer.peer.stop();
    for (const i of range(20, 10)) push.receive({ payload: rec(i) });
    await until(() => push.status.args.some(([s]) => /offline: 20 spooled/.test(s.text ?? '')));
    await helper.unload();
    const spoolDir = join(dir, 'emotion-iot', 'spool', 'emotion-records');
    assert.ok(readdirSync(spoolDir).some((n) => n.endsWith('.seg')), 'the backlog is on disk');
    await peer.peer.restart();
    push = await load();
    push.receive({ payload: rec(30) });
    await until(() => peer.accepted.length >= 31);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(acceptedIds(), range(31));
    await helper.unload();
    assert.ok(!readdirSync(spoolDir).some((n) => n.endsWith('.seg')), 'a drained spool leaves no segment');
  });

  /** A spool left on disk by an earlier run: segments of consecutive records, named by their first. */
  function leaveSpool(segments: Array<[first: number, count: number]>, ack: number) {
    const spoolDir = join(dir, 'emotion-iot', 'spool', 'emotion-records');
    mkdirSync(spoolDir, { recursive: true });
    for (const [first, count] of segments) {
      const lines = range(count, first).map((i) => `${JSON.stringify(rec(i))}\n`).join('');
      writeFileSync(join(spoolDir, `${String(first).padStart(16, '0')}.seg`), lines);
    }
    writeFileSync(join(spoolDir, 'ack.json'), JSON.stringify({ next: ack }));
  }

  it('says how many records a missing spool segment lost: log, status and msg.payload.lost', async () => {
    leaveSpool([[0, 350], [700, 350]], 0); // the segment of records 350-699 is gone
    const push = await load();
    await until(() => peer.accepted.length === 700);
    await until(() => reports().some((r) => r.lost === 350));
    assert.deepEqual(acceptedIds(), [...range(350), ...range(350, 700)]);
    const warnings = push.warn.args.map((a) => String(a[0]));
    assert.ok(warnings.some((w) => /records 350-699 \(350\) are missing/.test(w)), warnings.join('\n'));
    await until(() => /lost 350/.test(push.status.args.at(-1)![0].text ?? ''));
    assert.equal(push.status.args.at(-1)![0].fill, 'yellow');
  });

  it('sends the records again, and says so, when the delivery position is past the end of the spool', async () => {
    leaveSpool([[0, 1500]], 5000); // a damaged ack.json: which of the 1,500 were delivered is unknown
    const push = await load();
    await until(() => peer.accepted.length === 1500);
    assert.deepEqual(acceptedIds(), range(1500));
    await until(() => reports().some((r) => r.resent === 1500));
    assert.ok(push.warn.args.some((a) => /\(5000\) is past the end of the spool \(1500\): the 1500 records on disk are sent again/.test(String(a[0]))));
    assert.match(push.status.args.at(-1)![0].text ?? '', /resent 1500/);
  });

  it('warns near the disk budget and refuses records when it is full', async () => {
    await peer.peer.stop();
    const push = await load({ spoolMb: '1' });
    const errors = caught();
    const big = (i: number) => ({ i, blob: 'x'.repeat(200_000) });
    for (const i of range(4)) push.receive({ payload: big(i) });
    await until(() => push.status.args.some(([s]) => s.text === 'offline: 4 spooled'));
    assert.equal(push.warn.args.length, 0, '78 % used: no warning yet');
    push.receive({ payload: big(4) });
    await until(() => push.warn.args.length === 1);
    assert.match(String(push.warn.args[0][0]), /uses 976\.\d KiB of its 1 MiB budget/);
    assert.equal(push.status.args.at(-1)![0].text, 'spool 95% full');
    push.receive({ payload: big(5) });
    await until(() => errors.length === 1);
    assert.match(errors[0].error.message, /spool full: disk budget of 1 MiB reached/);
  });

  it('reports a missing aws-config or a bad stream name on every message', async () => {
    let push = await load({ stream: 'bad name!' });
    let errors = caught();
    push.receive({ payload: rec(0) });
    push.receive({ payload: rec(1) });
    await until(() => errors.length === 2);
    assert.match(errors[1].error.message, /delivery stream name/);
    assert.equal(push.status.args.at(-1)![0].fill, 'red');
    await helper.unload();
    push = await load({ stream: '..' });
    errors = caught();
    push.receive({ payload: rec(0) });
    await until(() => errors.length === 1);
    assert.match(errors[0].error.message, /delivery stream name/);
    await helper.unload();
    push = await load({ aws: '' });
    errors = caught();
    push.receive({ payload: rec(0) });
    await until(() => errors.length === 1);
    assert.match(errors[0].error.message, /no aws-config selected/);
    assert.ok(!existsSync(join(dir, 'emotion-iot', 'spool')), 'no spool without a working config');
  });

  it('lives on when its spool folder is deleted while running: the folder is recreated and records are delivered', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const push = await load();
      push.receive({ payload: rec(0) });
      await until(() => peer.accepted.length === 1);
      const spoolDir = join(dir, 'emotion-iot', 'spool', 'emotion-records');
      rmSync(spoolDir, { recursive: true, force: true });
      push.receive({ payload: rec(1) });
      push.receive({ payload: rec(2) });
      await until(() => peer.accepted.length === 3);
      await until(() => existsSync(join(spoolDir, 'ack.json')));
      assert.deepEqual(unhandled, []);
      assert.match(String(push.warn.args.map((a) => a[0])), /spool folder .* was removed while running: a new one is started/);
      assert.deepEqual(acceptedIds(), [0, 1, 2]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  describe('on a full disk (a 256 KiB tmpfs as the user directory)', () => {
    const disk = withSmallDisk('256k');
    beforeEach(() => helper.settings({ userDir: disk() }));

    it('turns red with the cause, refuses what it cannot store, keeps Node-RED running, and recovers when space returns', async () => {
      const push = await load();
      const errors = caught();
      push.receive({ payload: rec(0) });
      await until(() => peer.accepted.length === 1);
      const filler = await fillDisk(disk());
      push.receive({ payload: rec(1) }); // fits in the segment's last page; saving the ack needs a new one
      await until(() => peer.accepted.length === 2);
      await until(() => push.error.args.length > 0);
      assert.match(String(push.error.args[0][0]), /cannot save which records were delivered: the disk is full \(ENOSPC\)/);
      assert.equal(push.status.args.at(-1)![0].fill, 'red');
      push.receive({ payload: { i: 2, blob: 'x'.repeat(20_000) } });
      await until(() => errors.length === 1);
      assert.match(errors[0].error.message, /cannot write the spool: the disk is full \(ENOSPC\)/);
      unlinkSync(filler);
      push.receive({ payload: rec(3) });
      await until(() => peer.accepted.length === 3);
      await until(() => push.status.args.at(-1)![0].fill === 'green');
      assert.deepEqual(acceptedIds(), [0, 1, 3]);
    });
  });
});
