import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeMessage } from 'node-red';
import type { ModelFile } from '../../src/model/model-file';
import { saveModel } from '../../src/model/model-store';
import { modelPath, participantRecordsDir } from '../../src/record/paths';
import { RecordStore } from '../../src/record/record-store';
import { RECOMMENDED_FEATURES } from '../../src/signal/window-features';
import { readChannel } from '../support/linear-learner-csv';
import { helper, withTempUserDir } from '../support/node-red';
import { enospc, wrapFileWrites } from '../support/faulty-disk';
import { nextMsg } from '../support/probes';
import recordStoreNode = require('../../nodes/record-store/record-store');

type Msg = NodeMessage & Record<string, unknown>;

const rec = (participant: string, mood: string, i: number) => ({
  participant, timestamp: 1_764_000_000_000 + i * 1000, gsr: 2.5, bpm: 70 + i, mood, session: `${mood}-1`,
});

describe('record-store node', () => {
  const userDir = withTempUserDir('emotion-record-store-');
  afterEach(async () => {
    await helper.unload();
    rmSync(join(userDir(), 'emotion-iot'), { recursive: true, force: true });
  });

  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'store', type: 'emotion-record-store', z: 'tab', labels: '', wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
  async function ask(msg: Record<string, unknown>, from = 'out'): Promise<Msg> {
    const answer = nextMsg<Msg>(helper.getNode(from));
    helper.getNode('store').receive(msg as NodeMessage);
    return answer;
  }
  const errorOf = async (msg: Record<string, unknown>) => String(((await ask(msg, 'caught')).error as { message: string }).message);

  it('appends a record or an array of them under the user directory and passes the msg on', async () => {
    await helper.load(recordStoreNode, flow);
    const one = await ask({ payload: rec('Ana', 'happy', 0), topic: 'record' });
    assert.equal(one.stored, 1);
    assert.deepEqual(one.payload, rec('Ana', 'happy', 0));
    assert.equal((await ask({ payload: [rec('Ana', 'sad', 1), rec('Bo', 'angry', 0)] })).stored, 2);
    assert.deepEqual((await new RecordStore(userDir()).read('Ana')).map((r) => r.mood), ['happy', 'sad']);
    assert.equal(statSync(join(participantRecordsDir(userDir(), 'Bo'), 'records.jsonl')).mode & 0o777, 0o600);
    const status = (helper.getNode('store') as unknown as { status: { lastCall: { args: [{ text: string }] } } }).status;
    assert.equal(status.lastCall.args[0].text, '3 stored');
  });

  it('rejects a bad record to the Catch node and keeps the good ones of the msg', async () => {
    await helper.load(recordStoreNode, flow);
    const message = await errorOf({ payload: [rec('Ana', 'happy', 0), { ...rec('Ana', 'happy', 1), bpm: 'fast' }] });
    assert.match(message, /1 of 2 records rejected \(first: \[1\]\): record\.bpm must be a finite number/);
    assert.match(await errorOf({ payload: 'hello' }), /a record must be an object/);
    assert.equal((await new RecordStore(userDir()).read('Ana')).length, 1);
    assert.match(await errorOf({ action: 'shred' }), /unknown msg.action "shred"/);
  });

  it('lists participants with counts per mood, and counts one participant', async () => {
    await helper.load(recordStoreNode, flow);
    await ask({ payload: [rec('Ana', 'happy', 0), rec('Ana', 'happy', 1), rec('Ana', 'sad', 2), rec('Bo', 'angry', 0)] });
    const plain = (list: unknown) => (list as Record<string, unknown>[]).map(({ protocol: _, ...counts }) => counts);
    const listed = (await ask({ action: 'list' })).payload;
    assert.deepEqual(plain(listed), [
      { participant: 'Ana', counts: { angry: 0, happy: 2, sad: 1 }, total: 3 },
      { participant: 'Bo', counts: { angry: 1, happy: 0, sad: 0 }, total: 1 },
    ]);
    const bo = (await ask({ topic: 'counts', payload: 'Bo' })).payload as { protocol: { moods: Record<string, { sessions: number }> } };
    assert.deepEqual(plain([bo]), [{ participant: 'Bo', counts: { angry: 1, happy: 0, sad: 0 }, total: 1 }]);
    assert.deepEqual(Object.keys(bo.protocol.moods), ['angry', 'happy', 'sad'], 'with the recording protocol: sessions, minutes, occasions');
    assert.match(await errorOf({ action: 'counts' }), /no participant/);
  });

  it("counts a session by the model's features: 45 s is a session for the published ones, too short for the recommended", async () => {
    await helper.load(recordStoreNode, flow);
    await ask({ payload: Array.from({ length: 45 }, (_, i) => rec('Ana', 'happy', i)) });
    type Protocol = { firstRowSeconds: number; moods: Record<string, { sessions: number }>; missing: { text: string }[] };
    const protocolOf = async (request: Record<string, unknown>) => ((await ask({ action: 'counts', participant: 'Ana', ...request })).payload as { protocol: Protocol }).protocol;
    const published = await protocolOf({});
    assert.equal(published.firstRowSeconds, 10);
    assert.equal(published.moods.happy.sessions, 1);
    assert.ok(published.missing.some((g) => g.text === 'record happy again (1 of 2 sessions)'), JSON.stringify(published.missing));
    const recommended = await protocolOf({ featureSet: 'recommended' });
    assert.equal(recommended.firstRowSeconds, 39, 'a whole 30-s window before the first row, then the 10-s warm-up');
    assert.equal(recommended.moods.happy.sessions, 0, 'the trainer would find no whole window of rows in it');
    assert.ok(recommended.missing.some((g) => g.text === 'record happy in two sessions (0 of 2 sessions)'), JSON.stringify(recommended.missing));
    const listed = (await ask({ action: 'list', featureSet: 'recommended' })).payload as { protocol: Protocol }[];
    assert.equal(listed[0].protocol.moods.happy.sessions, 0, 'list counts the same way');
    assert.match(await errorOf({ action: 'counts', participant: 'Ana', featureSet: 'hrv' }), /unknown msg\.featureSet "hrv"/);
  });

  it('exports a participant as CSV with a file name', async () => {
    await helper.load(recordStoreNode, flow);
    await ask({ payload: [rec('Ana Lopez', 'happy', 0)] });
    const out = await ask({ action: 'export', participant: 'Ana Lopez' });
    assert.equal(out.filename, 'Ana Lopez-records.csv');
    assert.equal(out.payload, 'participant,timestamp,time,gsr,bpm,mood,session,simulated,ibi_ms\r\nAna Lopez,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,happy,happy-1,false,\r\n');
  });

  it('exports a participant as the Linear Learner train and validation channels the cloud workflow writes', async () => {
    await helper.load(recordStoreNode, flow);
    const moods = ['angry', 'happy', 'sad'];
    // 40 s per mood in one session each: the first 10 s are warm-up, as in the local trainer
    await ask({ payload: moods.flatMap((mood, m) => Array.from({ length: 40 }, (_, i) => ({ ...rec('Ana Lopez', mood, m * 100 + i), gsr: m + i / 100, bpm: 80 + i }))) });
    await ask({ payload: rec('Bo', 'sad', 0) });
    const out = helper.getNode('out');
    const files: Msg[] = [];
    const both = new Promise<void>((resolve) => out.on('input', (m: Msg) => files.push(m) === 2 && resolve()));
    helper.getNode('store').receive({ action: 'export', format: 'linear-learner', participant: 'Ana Lopez' } as NodeMessage);
    await both;
    assert.deepEqual(files.map((f) => [f.channel, f.filename]), [['train', 'Ana Lopez-train.csv'], ['validation', 'Ana Lopez-validation.csv']]);
    const rows = files.map((f) => readChannel(String(f.payload), 2));
    assert.equal(rows[0].y.length + rows[1].y.length, 90, "Bo's record and the warm-up are not in it");
    assert.deepEqual(rows[1].y.slice().sort(), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], '20 % of each mood validates');
    assert.ok(rows.every((ch) => ch.x.every(([gsr, bpm], i) => Math.floor(gsr) === ch.y[i] && bpm >= 80)), 'label index matches the mood, gsr then bpm');
    assert.deepEqual((files[0].linearLearner as { labels: string[] }).labels, moods);
    // the recommended features: each row the 30-s window's six features, in the set's order (a minute a mood)
    await ask({ payload: moods.flatMap((mood, m) => Array.from({ length: 60 }, (_, i) => ({ ...rec('Cy', mood, m * 100 + i), gsr: m + 1 + i / 100, bpm: 80 + i }))) });
    const windowed: Msg[] = [];
    const again = new Promise<void>((resolve) => out.on('input', (m: Msg) => windowed.push(m) === 2 && resolve()));
    helper.getNode('store').receive({ action: 'export', format: 'linear-learner', participant: 'Cy', featureSet: 'recommended' } as NodeMessage);
    await again;
    assert.deepEqual((windowed[0].linearLearner as { features: string[] }).features, RECOMMENDED_FEATURES);
    assert.ok(readChannel(String(windowed[0].payload), RECOMMENDED_FEATURES.length).x.every((x) => x[RECOMMENDED_FEATURES.indexOf('gsrSlope')] > 0), 'each window\'s rising slope');
    assert.match(await errorOf({ action: 'export', format: 'linear-learner', participant: 'Ana Lopez', featureSet: 'hrv' }), /unknown msg\.featureSet "hrv": use "published" or "recommended"/);
    assert.match(await errorOf({ action: 'export', format: 'xlsx', participant: 'Ana Lopez' }), /unknown msg\.format "xlsx"/);
    assert.match(await errorOf({ action: 'export', format: 'linear-learner', participant: 'Bo' }), /too few usable rows for participant 'Bo': 'angry' 0, 'happy' 0, 'sad' 0/);
  });

  it('finishes writing every record it received before it closes (stop, redeploy)', async () => {
    await helper.load(recordStoreNode, flow);
    const store = helper.getNode('store');
    for (let i = 0; i < 20; i++) store.receive({ payload: [rec('Ana', 'happy', 2 * i), rec('Bo', 'sad', 2 * i + 1)] } as NodeMessage);
    await helper.unload(); // Node-RED exits once every close is done: what is not on disk by then is lost
    // read the files directly: RecordStore.read would queue behind the appends and hide the loss
    const lines = (p: string) => readFileSync(join(participantRecordsDir(userDir(), p), 'records.jsonl'), 'utf8').trim().split('\n').length;
    assert.equal(lines('Ana'), 20);
    assert.equal(lines('Bo'), 20);
  });

  it('deletes records and model only with msg.confirm === true', async () => {
    await helper.load(recordStoreNode, flow);
    await ask({ payload: [rec('Ana', 'happy', 0), rec('Ana', 'sad', 1)] });
    saveModel(userDir(), {
      format: 'emotion-iot-model', version: 1, participant: 'Ana', features: ['gsr'], labels: ['happy', 'sad'],
      standardisation: { mean: [0], std: [1] }, weights: [[1], [-1]], bias: [0, 0],
    } as unknown as ModelFile);
    assert.match(await errorOf({ action: 'delete', participant: 'Ana', confirm: 'yes' }), /msg.confirm = true/);
    assert.equal((await new RecordStore(userDir()).read('Ana')).length, 2);
    const out = await ask({ action: 'delete', participant: 'Ana', confirm: true });
    assert.deepEqual(out.payload, { participant: 'Ana', deleted: { records: 2, model: true, setAside: 0 } });
    assert.equal(existsSync(participantRecordsDir(userDir(), 'Ana')), false);
    assert.equal(existsSync(modelPath(userDir(), 'Ana')), false);
  });

  it('fails a msg whose records the disk could not take (Catch sees it, status red) and keeps what was stored before', async () => {
    await helper.load(recordStoreNode, flow);
    await ask({ payload: [rec('Ana', 'happy', 0)] });
    let calls = 0;
    const restore = await wrapFileWrites((_b, _o, length, write) => (++calls === 1 ? write(length - 5) : Promise.reject(enospc())));
    let message: string;
    try {
      message = await errorOf({ payload: [rec('Ana', 'sad', 1), rec('Ana', 'sad', 2)] });
    } finally {
      restore();
    }
    assert.match(message, /cannot store the records: the disk is full \(ENOSPC\)/);
    const status = (helper.getNode('store') as unknown as { status: { lastCall: { args: [{ fill: string; text: string }] } } }).status;
    assert.equal(status.lastCall.args[0].fill, 'red');
    assert.equal((await ask({ payload: rec('Ana', 'angry', 3) })).stored, 1, 'stores again once the disk takes writes');
    assert.deepEqual((await new RecordStore(userDir()).read('Ana')).map((r) => r.mood), ['happy', 'angry']);
  });

  it('refuses an absurd value naming the field and range, takes wider ranges from settings.js, and exports around an old absurd line', async () => {
    await helper.load(recordStoreNode, flow);
    assert.match(await errorOf({ payload: { ...rec('Ana', 'happy', 0), gsr: 150 } }), /record\.gsr 150 is outside the plausible range 0–100 µS/);
    await helper.unload();
    helper.settings({ userDir: userDir(), emotionIot: { ranges: { gsr: { max: 200 } } } } as Parameters<typeof helper.settings>[0]);
    try {
      await helper.load(recordStoreNode, flow);
      assert.equal((await ask({ payload: { ...rec('Ana', 'happy', 0), gsr: 150 } })).stored, 1);
    } finally {
      await helper.unload();
      helper.settings({ userDir: userDir() });
    }
    await helper.load(recordStoreNode, flow); // back to the default ranges: the stored 150 µS is now absurd
    await ask({ payload: rec('Ana', 'sad', 1) });
    const out = await ask({ action: 'export', participant: 'Ana' });
    assert.equal(String(out.payload).trim().split('\r\n').length, 2);
    assert.deepEqual((out.skipped as { line: number }[]).map((s) => s.line), [1]);
    const warn = (helper.getNode('store') as unknown as { warn: { lastCall: { args: [string] } } }).warn;
    assert.match(warn.lastCall.args[0], /export of "Ana": 1 stored line\(s\) left out of the CSV \(line 1: record\.gsr 150 is outside/);
  });

  it("remembers emotion-infer's answers per participant, answers the history, and deletes it with the rest", async () => {
    await helper.load(recordStoreNode, flow);
    const answer = (t: number, participant = 'Ana') => ({ action: 'remember', payload: 'happy', emotion: { participant, timestamp: t, confidence: 0.8, features: { gsr: 4, bpm: 70 } } });
    await ask(answer(1));
    const second = await ask(answer(2));
    assert.deepEqual((second.history as { timestamp: number }[]).map((e) => e.timestamp), [2, 1]);
    await ask(answer(3, 'Bo'));
    const ana = await ask({ action: 'history', participant: 'ana' });
    assert.deepEqual((ana.payload as { timestamp: number; emotion: string }[]).map((e) => [e.timestamp, e.emotion]), [[2, 'happy'], [1, 'happy']]);
    assert.match(await errorOf({ action: 'remember', payload: 'happy' }), /msg.emotion.participant is missing/);
    await ask({ payload: [rec('Ana', 'happy', 0)] });
    await ask({ action: 'delete', participant: 'Ana', confirm: true });
    assert.deepEqual((await ask({ action: 'history', participant: 'Ana' })).payload, []);
    assert.equal(((await ask({ action: 'history', participant: 'Bo' })).payload as unknown[]).length, 1);
  });
});
