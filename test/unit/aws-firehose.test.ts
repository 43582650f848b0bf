import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { encodePayload, encodeRecord, MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_RECORD_BYTES } from '../../src/aws/firehose-records';
import { firehosePut, isRetryable, permanentCause } from '../../src/aws/firehose-put';
import { FirehoseSender, type DeliveryReport, type SenderOptions } from '../../src/aws/firehose-sender';
import { Spool } from '../../src/aws/spool';
import { FirehosePeer, MAX_REQUEST_BYTES, THROTTLED } from '../support/firehose-peer';
import { until } from '../support/probes';

const rec = (i: number) => ({ participant: 'p1', timestamp: 1_700_000_000_000 + i, gsr: 1.234, bpm: 72.5, i });
const range = (n: number, from = 0) => Array.from({ length: n }, (_, k) => from + k);

describe('aws firehose records', () => {
  it('encodes one JSON object per record, newline terminated', () => {
    assert.equal(encodeRecord({ gsr: 1.234, bpm: 72.5 }).toString(), '{"gsr":1.234,"bpm":72.5}\n');
    assert.deepEqual(encodePayload([{ a: 1 }, { b: 'x\ny' }]).map(String), ['{"a":1}\n', '{"b":"x\\ny"}\n']);
  });

  it('rejects what Firehose cannot take, naming the record', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => encodeRecord(circular), /record is not serialisable as JSON: it refers to itself \(a circular reference\)/);
    assert.throws(() => encodePayload([{ ok: 1 }, { n: 10n }]), /record 1 is not serialisable as JSON: it holds a BigInt, which JSON cannot carry \(convert it with Number\(\) or String\(\) first\)/);
    assert.throws(() => encodeRecord('text'), /must be a JSON object, not a string/);
    assert.throws(() => encodeRecord(null), /not null/);
    assert.throws(() => encodePayload([[1]]), /record 0 must be a JSON object, not an array/);
    assert.equal(encodeRecord({ s: 'x'.repeat(MAX_RECORD_BYTES - 9) }).length, MAX_RECORD_BYTES);
    assert.throws(() => encodeRecord({ s: 'x'.repeat(MAX_RECORD_BYTES - 8) }), /1024001 bytes, over Firehose's 1024000/);
  });

  it('retries throttling, 5xx and network failures soon, other client errors later', () => {
    assert.ok(isRetryable({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } }));
    assert.ok(isRetryable({ name: 'X', $metadata: { httpStatusCode: 500 } }));
    assert.ok(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    assert.ok(!isRetryable({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));
  });

  it('names the causes that will not pass by themselves', () => {
    assert.equal(permanentCause({ name: 'ResourceNotFoundException' }), 'stream not found');
    assert.equal(permanentCause({ name: 'AccessDeniedException' }), 'access denied');
    assert.equal(permanentCause({ name: 'UnrecognizedClientException' }), 'credentials rejected');
    assert.equal(permanentCause({ name: 'ServiceUnavailableException' }), undefined);
    assert.equal(permanentCause(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), undefined);
  });
});

describe('aws firehose sender against the loopback peer', () => {
  let dir: string;
  let peer: FirehosePeer;
  let client: FirehoseClient;
  let spool: Spool;
  let sender: FirehoseSender;
  let reports: DeliveryReport[];
  let failures: Error[];

  const start = async (options: Partial<SenderOptions> = {}, timeoutMs?: number) => {
    spool = await Spool.open(join(dir, 'spool'), { budgetBytes: 8 * 1024 * 1024 });
    reports = [];
    failures = [];
    sender = new FirehoseSender(
      spool,
      firehosePut(client, 'emotion-stream', timeoutMs),
      { maxDelayMs: 20, backoffBaseMs: 5, backoffMaxMs: 40, ...options },
      { report: (r) => reports.push(r), failure: (e) => failures.push(e) },
    );
    sender.start();
  };
  const stop = async () => {
    await sender.stop();
    await spool.close();
  };
  const push = async (records: object[]) => {
    await spool.append(encodePayload(records));
    sender.notify();
  };
  const acceptedIds = () => peer.acceptedObjects<{ i: number }>().map((r) => r.i);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firehose-'));
    peer = await FirehosePeer.start();
    client = new FirehoseClient({
      region: 'us-east-1',
      endpoint: peer.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
  });
  afterEach(async () => {
    await sender?.stop();
    await spool?.close();
    client.destroy();
    await peer.peer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers records byte for byte, in order, in batches within the limits', async () => {
    await start({ maxRecords: 500 });
    const records = range(1203).map(rec);
    await push(records.slice(0, 700));
    await push(records.slice(700));
    await until(() => peer.accepted.length === 1203);
    assert.deepEqual(
      peer.accepted.map(String),
      records.map((r) => `${JSON.stringify(r)}\n`),
    );
    assert.ok(peer.calls.every((c) => c.stream === 'emotion-stream' && c.records.length <= 500));
    assert.equal(peer.calls[0].records.length, 500, 'a full batch goes out at once');
    await until(() => spool.backlog === 0);
    assert.equal(reports.reduce((sum, r) => sum + r.sent, 0), 1203);
  });

  it('splits batches on bytes as well as records', async () => {
    await start({ maxBytes: 4000 });
    await push(range(10).map((i) => ({ i, pad: 'x'.repeat(900) })));
    await until(() => peer.accepted.length === 10);
    assert.ok(peer.calls.length >= 3);
    for (const call of peer.calls) assert.ok(call.records.reduce((s, r) => s + r.length, 0) <= 4000);
  });

  it('keeps each request as sent, base64 included, within 4 MiB', async () => {
    await start();
    const big = (i: number) => ({ i, blob: 'x'.repeat(900_000) }); // 3.6 MB of data: 4.8 MB once base64-encoded
    await push(range(4).map(big));
    await until(() => peer.accepted.length === 4);
    assert.deepEqual(failures, []);
    assert.deepEqual(acceptedIds(), range(4));
    assert.ok(peer.peer.requests.every((r) => r.body.length <= MAX_REQUEST_BYTES), 'no request over 4 MiB');
  });

  it('fills a full batch up to the byte budget in one request of at most 4 MiB, even with the longest stream name', async () => {
    const longest = 'x'.repeat(64);
    peer.streams.add(longest);
    spool = await Spool.open(join(dir, 'spool'), { budgetBytes: 8 * 1024 * 1024 });
    reports = [];
    failures = [];
    sender = new FirehoseSender(spool, firehosePut(client, longest), { maxDelayMs: 20 }, { report: (r) => reports.push(r), failure: (e) => failures.push(e) });
    sender.start();
    // 500 records whose lengths leave base64 the most padding (length = 1 mod 3), the budget used up
    const size = Math.floor(MAX_BATCH_BYTES / MAX_BATCH_RECORDS);
    assert.equal(size % 3, 1);
    await push(range(MAX_BATCH_RECORDS).map((i) => ({ i, pad: 'x'.repeat(size - 1 - JSON.stringify({ i, pad: '' }).length) })));
    await until(() => peer.accepted.length === MAX_BATCH_RECORDS);
    assert.equal(peer.calls.length, 1, 'one full batch');
    assert.ok(peer.calls[0].records.every((r) => r.length === size));
    const sent = peer.peer.requests[0].body.length;
    assert.ok(sent <= MAX_REQUEST_BYTES && sent > MAX_REQUEST_BYTES - 1024, `the request was ${sent} bytes`);
  });

  it('waits up to the max delay for a batch to fill', async () => {
    await start({ maxDelayMs: 150 });
    await push([rec(0)]);
    await new Promise((r) => setTimeout(r, 60));
    await push([rec(1)]);
    assert.equal(peer.calls.length, 0, 'nothing sent before the delay');
    await until(() => peer.accepted.length === 2);
    assert.equal(peer.calls.length, 1, 'both records in one call');
  });

  it('resends only the records that failed in a partial failure', async () => {
    peer.failRecord = (data, _i, call) => call === 0 && [1, 3].includes(JSON.parse(String(data)).i);
    await start();
    await push(range(5).map(rec));
    await until(() => peer.accepted.length === 5 && reports.length > 0);
    assert.deepEqual(peer.calls.map((c) => c.records.map((r) => JSON.parse(String(r)).i)), [[0, 1, 2, 3, 4], [1, 3]]);
    assert.deepEqual(acceptedIds(), [0, 2, 4, 1, 3]);
    assert.deepEqual(reports, [{ sent: 5, retried: 2, failed: 0, spooled: 0 }]);
  });

  it('retries throttling (503), a 500 and a dropped connection with back-off, then delivers once', async () => {
    peer.peer.inject(THROTTLED, { kind: 'status', status: 500, body: '{"__type":"InternalFailure"}' }, { kind: 'reset' });
    await start();
    await push(range(3).map(rec));
    await until(() => peer.accepted.length === 3 && reports.length > 0);
    assert.deepEqual(acceptedIds(), [0, 1, 2]);
    assert.deepEqual(peer.peer.requests.map((r) => r.fault), ['status', 'status', 'reset', undefined]);
    assert.deepEqual(reports, [{ sent: 3, retried: 9, failed: 0, spooled: 0 }]);
  });

  it('keeps records spooled through an outage, reports it, and delivers them in order when the peer returns', async () => {
    await start({ attempts: 2 });
    await push(range(50).map(rec));
    await until(() => peer.accepted.length === 50);
    await peer.peer.stop();
    await push(range(100, 50).map(rec));
    await until(() => failures.length >= 2);
    assert.ok(reports.some((r) => r.failed > 0 && r.spooled === 100));
    await push(range(50, 150).map(rec));
    await peer.peer.restart();
    await until(() => peer.accepted.length === 200);
    assert.deepEqual(acceptedIds(), range(200));
    await until(() => spool.backlog === 0);
  });

  it('loses nothing when the peer is killed mid-stream, and sends nothing twice', async () => {
    peer.peer.inject({ kind: 'delay', ms: 200 });
    await start({ maxRecords: 50 });
    const sending = push(range(400).map(rec));
    await new Promise((r) => setTimeout(r, 100));
    await peer.peer.stop(); // the first call is in flight
    await sending;
    await new Promise((r) => setTimeout(r, 50));
    await peer.peer.restart();
    await until(() => peer.accepted.length >= 400);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(acceptedIds(), range(400));
  });

  it('gives up on a call that hangs and sends the records again', async () => {
    peer.peer.inject({ kind: 'delay', ms: 5000 });
    await start({}, 150);
    await push(range(3).map(rec));
    await until(() => peer.accepted.length === 3 && reports.length > 0);
    assert.deepEqual(acceptedIds(), [0, 1, 2]);
    assert.deepEqual(peer.peer.requests.map((r) => r.fault), ['delay', undefined]);
    assert.equal(peer.calls.length, 1, 'the hung call never reached the handler');
    assert.deepEqual(reports, [{ sent: 3, retried: 3, failed: 0, spooled: 0 }]);
  });

  it('does not retry a permanent error within a flush, and keeps the records', async () => {
    peer.peer.inject({ kind: 'status', status: 400, body: '{"__type":"ResourceNotFoundException","message":"no stream"}' });
    await start({ backoffBaseMs: 200 });
    await push([rec(0)]);
    await until(() => failures.length === 1);
    assert.match(failures[0].message, /no stream/);
    assert.equal(peer.peer.requests.length, 1);
    assert.deepEqual(reports[0], { sent: 0, retried: 0, failed: 1, spooled: 1 });
    await until(() => peer.accepted.length === 1);
  });

  it('keeps running and reports it when the spool cannot be read', async () => {
    spool = await Spool.open(join(dir, 'spool'), { budgetBytes: 1024 * 1024 });
    await spool.append(encodePayload([rec(0)]));
    // A segment that cannot be read (a removed one is skipped with a warning, see aws-spool-faults).
    for (const name of readdirSync(join(dir, 'spool'))) {
      if (!name.endsWith('.seg')) continue;
      unlinkSync(join(dir, 'spool', name));
      mkdirSync(join(dir, 'spool', name));
    }
    failures = [];
    sender = new FirehoseSender(spool, firehosePut(client, 's'), { maxDelayMs: 0, backoffBaseMs: 5, backoffMaxMs: 20 }, {
      report: () => undefined,
      failure: (e) => failures.push(e),
    });
    sender.start();
    await until(() => failures.length >= 2);
    assert.match(failures[0].message, /cannot read the spool segment .*EISDIR/);
    await sender.stop();
  });

  it('does not resend, after a redeploy in the same process, records delivered behind one still owed', async () => {
    peer.failRecord = (data) => JSON.parse(String(data)).i === 1; // record 1 is throttled until the redeploy
    await start({ attempts: 2 });
    await push(range(5).map(rec));
    await until(() => failures.length >= 1);
    await stop(); // a redeploy: the node closes, a new one opens the same spool
    peer.failRecord = undefined;
    await start();
    await push([rec(5)]);
    await until(() => peer.accepted.length >= 6 && spool.backlog === 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(acceptedIds(), [0, 2, 3, 4, 1, 5]);
  });

  it('replays the backlog in order after a restart, at-least-once', async () => {
    await peer.peer.stop();
    await start({ attempts: 1 });
    await push(range(120).map(rec));
    await until(() => failures.length >= 1);
    await stop();
    await peer.peer.restart();
    await start();
    await until(() => peer.accepted.length === 120);
    assert.deepEqual(acceptedIds(), range(120));
  });
});
