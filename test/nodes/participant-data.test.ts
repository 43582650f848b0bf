// Each person's data stays theirs, through the real record-store, emotion-train and emotion-infer nodes:
// one folder per person however the name is typed, nothing read, trained, answered or deleted for the
// wrong person, damaged files set aside instead of blocking answers, tampered models refused.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Node, NodeInitializer, NodeMessage } from 'node-red';
import { saveModel } from '../../src/model/model-store';
import { trainModel } from '../../src/model/train';
import { historyPath, participantRecordsDir } from '../../src/record/paths';
import type { SensorRecord } from '../../src/record/record';
import { RECORDS_FILE } from '../../src/record/record-store';
import { helper, withTempUserDir } from '../support/node-red';
import { testModel, writeTestModel } from '../support/infer-model';
import recordStoreNode = require('../../nodes/record-store/record-store');
import emotionTrainNode = require('../../nodes/emotion-train/emotion-train');
import emotionInferNode = require('../../nodes/emotion-infer/emotion-infer');
const catchNode = require('@node-red/nodes/core/common/25-catch') as NodeInitializer;

type Msg = NodeMessage & Record<string, unknown>;
type Spied = Node & { warn: { args: unknown[][] } };

/** 80 s of each mood, one record a second; `level` sets the person's skin conductance and heart rate. */
function recordings(participant: string, level: number, start = Date.now() - 3_600_000): SensorRecord[] {
  let seed = 11;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const centre: Record<string, [number, number]> = { angry: [6, 95], happy: [4, 80], sad: [2, 65] };
  return Object.entries(centre).flatMap(([mood, [gsr, bpm]], m) =>
    Array.from({ length: 80 }, (_, i) => ({
      participant,
      timestamp: start + (m * 80 + i) * 1000,
      gsr: Math.round((gsr * level + noise()) * 1000) / 1000,
      bpm: Math.round((bpm * level + 5 * noise()) * 1000) / 1000,
      mood,
      session: `${mood}-1`,
    })),
  );
}

const flow = [
  { id: 'tab', type: 'tab' },
  { id: 'store', type: 'emotion-record-store', z: 'tab', labels: '', wires: [['stored']] },
  { id: 'train', type: 'emotion-train', z: 'tab', participant: '', labels: '', wires: [['trained']] },
  { id: 'infer', type: 'emotion-infer', z: 'tab', mode: 'each', participant: '', labels: 'angry,happy,sad', backend: 'local', wires: [['answered']] },
  { id: 'stored', type: 'helper', z: 'tab' },
  { id: 'trained', type: 'helper', z: 'tab' },
  { id: 'answered', type: 'helper', z: 'tab' },
  { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
  { id: 'caught', type: 'helper', z: 'tab' },
];
const load = () => helper.load([recordStoreNode, emotionTrainNode, emotionInferNode, catchNode], flow);

/** Sends msg to a node; resolves with what comes out of `from` (or, on an error, the Catch node's msg). */
function ask(to: 'store' | 'train' | 'infer', msg: Record<string, unknown>): Promise<Msg> {
  const out = { store: 'stored', train: 'trained', infer: 'answered' }[to];
  return new Promise((resolve) => {
    const done = (m: Msg) => {
      helper.getNode(out).off('input', done);
      helper.getNode('caught').off('input', done);
      resolve(m);
    };
    helper.getNode(out).on('input', done);
    helper.getNode('caught').on('input', done);
    helper.getNode(to).receive(msg as NodeMessage);
  });
}
const errorOf = (m: Msg) => String((m.error as { message?: string } | undefined)?.message ?? '');
const total = async (participant: string) => (await ask('store', { action: 'counts', participant })).payload as { total: number };
const detect = (participant: string, gsr = 4, bpm = 80) => ask('infer', { participant, payload: { gsr, bpm } });

describe("each person's data stays theirs (record-store, emotion-train, emotion-infer)", function () {
  this.timeout(60_000);
  const userDir = withTempUserDir('participant-data-');
  beforeEach(load);
  afterEach(async () => {
    await helper.unload();
    rmSync(join(userDir(), 'emotion-iot'), { recursive: true, force: true });
  });

  it('keeps "Ann Lee" and "Ann_Lee" apart: counts, training, answers, history and delete', async () => {
    await ask('store', { payload: [...recordings('Ann Lee', 1), ...recordings('Ann_Lee', 1.4)] });
    assert.equal((await total('Ann Lee')).total, 240);
    assert.equal((await total('Ann_Lee')).total, 240);
    for (const who of ['Ann_Lee', 'Ann Lee']) {
      const trained = await ask('train', { participant: who });
      assert.equal((trained.model as { participant: string }).participant, who, errorOf(trained));
    }
    const answer = await detect('Ann Lee');
    assert.match(String((answer.emotion as { model: string }).model), /^Ann Lee \(trained /, errorOf(answer));
    assert.match(String(((await detect('ann_lee')).emotion as { model: string }).model), /^Ann_Lee \(trained /);

    await ask('store', { ...answer, action: 'remember' });
    assert.equal(((await ask('store', { action: 'history', participant: 'Ann Lee' })).payload as unknown[]).length, 1);
    assert.deepEqual((await ask('store', { action: 'history', participant: 'Ann_Lee' })).payload, [], "not Ann Lee's answers");

    const deleted = await ask('store', { action: 'delete', participant: 'Ann_Lee', confirm: true });
    assert.deepEqual((deleted.payload as { deleted: unknown }).deleted, { records: 240, model: true, setAside: 0 });
    assert.equal((await total('Ann Lee')).total, 240, "Ann Lee's records stay");
    assert.match(String(((await detect('Ann Lee')).emotion as { model: string }).model), /^Ann Lee/, 'and her model');
    assert.match(errorOf(await detect('Ann_Lee')), /no model for participant "Ann_Lee"/);
  });

  it('is one person however the name is typed, and refuses invisible and mixed-script names', async () => {
    const one = (participant: string, i: number) => ({ ...recordings(participant, 1)[i], participant });
    await ask('store', { payload: [one('İpek', 0), one('ipek', 1), one('IPEK', 2), one('Straße', 3), one('STRASSE', 4), one('Ｆｉｏｎａ', 5), one('Fiona', 6)] });
    assert.equal((await total('ipek')).total, 3);
    assert.equal((await total('strasse')).total, 2);
    assert.equal((await total('FIONA')).total, 2);
    assert.equal(readdirSync(join(userDir(), 'emotion-iot', 'records')).length, 3, 'one folder each');
    for (const [name, why] of [
      ['Аnna', /invalid participant name "Аnna": it mixes scripts \("А" Cyrl, "n" Latn\)/],
      ['Anna\u034f', /invisible character \(U\+034F\)/],
      ['Anna\ufe0f', /invisible character \(U\+FE0F\)/],
      ['Anna\u180b', /invisible character \(U\+180B\)/],
      ['Anna\u3164', /invisible character \(U\+3164\)/],
      ['\u3164', /invisible character \(U\+3164\)/],
    ] as const) {
      assert.match(errorOf(await ask('store', { payload: one(name, 0) })), why, name);
      assert.match(errorOf(await detect(name)), why, name);
    }
    const listed = ((await ask('store', { action: 'list' })).payload as { participant: string; total: number }[]).map((p) => `${p.participant} ${p.total}`);
    assert.deepEqual(listed.sort(), ['Straße 2', 'İpek 3', 'Ｆｉｏｎａ 2'], 'by the name of their first record');
  });

  it("never reads, answers or deletes with someone else's records or model", async () => {
    await ask('store', { payload: recordings('Alice', 1).slice(0, 5) });
    const file = join(participantRecordsDir(userDir(), 'Alice'), RECORDS_FILE);
    appendFileSync(file, `${JSON.stringify(recordings('Bob', 1)[0])}\n`);
    assert.match(errorOf(await ask('store', { action: 'counts', participant: 'Alice' })), /the records of "Alice" \(.*\) hold a record of "Bob"/);
    assert.match(errorOf(await ask('store', { action: 'delete', participant: 'Alice', confirm: true })), /hold a record of "Bob"/);
    assert.ok(existsSync(file), 'nothing deleted');
    writeFileSync(writeTestModel(userDir(), testModel('Alice')), JSON.stringify(testModel('Bob')));
    assert.match(errorOf(await detect('Alice')), /model file for participant "Alice" .* is the model of "Bob": it never answers for someone else/);
  });

  it('moves a damaged answer history aside, names it in the log and msg.notice, and keeps answering', async () => {
    writeTestModel(userDir(), testModel('Cleo'));
    const path = historyPath(userDir(), 'Cleo');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '[{"timestamp": 17640000');
    const answer = await detect('Cleo');
    const remembered = await ask('store', { ...answer, action: 'remember' });
    assert.equal(errorOf(remembered), '');
    assert.equal((remembered.history as unknown[]).length, 1, 'a fresh history with this answer');
    assert.match(String(remembered.notice), /the answer history of "Cleo" was damaged \(not JSON.*\): moved to .*set-aside\/history\/cleo-~\S+\.json, a new one is started/);
    const kept = /moved to (\S+\.json)/.exec(String(remembered.notice))![1];
    assert.equal(readFileSync(kept, 'utf8'), '[{"timestamp": 17640000', 'kept as it was');
    assert.ok((helper.getNode('store') as Spied).warn.args.some((a) => String(a[0]) === remembered.notice), 'and in the log');
    assert.equal(((await ask('store', { action: 'history', participant: 'Cleo' })).payload as unknown[]).length, 1);
  });

  it('counts, exports and deletes what was stored while the clock was right, with the clock 2 days behind', async () => {
    await ask('store', { payload: recordings('Dora', 1)[0] });
    const ahead = recordings('Dora', 1, Date.now() + 2 * 86_400_000).slice(0, 100); // = a clock now 2 days back
    appendFileSync(join(participantRecordsDir(userDir(), 'Dora'), RECORDS_FILE), ahead.map((r) => `${JSON.stringify(r)}\n`).join(''));
    assert.equal((await total('Dora')).total, 101);
    const exported = await ask('store', { action: 'export', participant: 'Dora' });
    assert.equal(String(exported.payload).trim().split('\r\n').length, 102, 'header and 101 rows');
    assert.deepEqual(exported.skipped, []);
    assert.equal(((await ask('store', { action: 'delete', participant: 'Dora', confirm: true })).payload as { deleted: { records: number } }).deleted.records, 101);
    assert.match(errorOf(await ask('store', { payload: ahead[0] })), /outside the plausible window/, 'a new record from 2 days ahead is still refused');
  });

  it('refuses a tampered model at load with what is wrong', async () => {
    const classes = ['angry', 'happy', 'sad'].map((label) => ({ label, mean: [0, 0], cov: [[1, 0], [0, 1]], rows: 70 }));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ standardisation: { mean: [5, 80], std: [1e-300, 10] } }, /standardisation\.std\[0\] is 1e-300/],
      [{ familiarity: { classes, threshold: null } }, /familiarity\.threshold is null/],
      [{ familiarity: { classes, threshold: -1 } }, /familiarity\.threshold is -1/],
      [{ familiarity: { classes: classes.map((c) => ({ ...c, cov: null })), threshold: 2.8 } }, /not a finite number/],
      [{ familiarity: { classes: classes.map((c) => ({ ...c, cov: [['1', '0'], ['0', '1']] })), threshold: 2.8 } }, /not a finite number/],
    ];
    for (const [change, why] of cases) {
      writeTestModel(userDir(), { ...testModel('Eve'), ...change });
      assert.match(errorOf(await detect('Eve')), why, JSON.stringify(change));
    }
  });

  it('says how many stored lines training left out as no usable record', async () => {
    await ask('store', { payload: recordings('Finn', 1) });
    appendFileSync(join(participantRecordsDir(userDir(), 'Finn'), RECORDS_FILE), '{"participant":"Finn","timesta\n{"participant":"Finn","gsr":1e308}\nnot json\n');
    const trained = await ask('train', { participant: 'Finn' });
    assert.equal((trained.model as { rows: { droppedInvalid: number } }).rows.droppedInvalid, 3, errorOf(trained));
    const warned = (helper.getNode('train') as Spied).warn.args.map((a) => String(a[0]));
    assert.ok(warned.some((w) => /training "Finn": 3 stored line\(s\) were no usable record and were left out \(line 241: not a complete JSON record\)/.test(w)), warned.join('\n'));
  });

  it('keeps one model in memory per person, however many spellings of the name arrive', async function () {
    this.timeout(180_000);
    saveModel(userDir(), trainModel(recordings('Maximiliana Rosenberg', 1), { participant: 'Maximiliana Rosenberg' }));
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await detect('Maximiliana Rosenberg');
    (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
    gc();
    const before = process.memoryUsage().heapUsed;
    const letters = [...'maximiliana rosenberg'];
    // the test helper's spies keep every call of send and status: forgotten, so the heap shows the nodes'
    const forgetCalls = () => (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
    for (let i = 0; i < 3000; i++) {
      if (i % 500 === 0) forgetCalls();
      const name = letters.map((c, j) => ((i >> j % 14) & 1 ? c.toUpperCase() : c)).join('');
      const answer = await detect(name);
      assert.equal(errorOf(answer), '');
    }
    forgetCalls();
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // 0.1.0 kept a parsed model per spelling (+45 MiB for 10,000); the runtime's own share here is ~4 MiB
    assert.ok(grown < 8, `the heap grew ${grown.toFixed(1)} MiB over 3,000 spellings of one name`);
  });
});

describe('a 0.1.0 data folder on the first start of this version', function () {
  this.timeout(60_000);
  const userDir = withTempUserDir('participant-migration-');
  const old = (...parts: string[]) => join(userDir(), 'emotion-iot', ...parts);
  const lines = (records: unknown[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
  const answer = (participant: string, i: number) => ({ timestamp: 1_764_000_000_000 + i, participant, emotion: 'happy', confidence: 0.8, gsr: 4, bpm: 80 });
  let warnings: string[] = [];

  before(async () => {
    // 0.1.0 named folders lower case with spaces as underscores: Ann Lee and Ann_Lee shared "ann_lee",
    // the last one trained owned the model, and both answered into one history
    const ann = recordings('Ann Lee', 1);
    const ann_ = recordings('Ann_Lee', 1.4);
    mkdirSync(old('records', 'ann_lee'), { recursive: true });
    writeFileSync(old('records', 'ann_lee', RECORDS_FILE), lines(ann.flatMap((r, i) => [r, ann_[i]])) + '{"participant":"Ann L');
    mkdirSync(old('records', 'ipek'), { recursive: true }); // and İpek got a folder of her own
    writeFileSync(old('records', 'ipek', RECORDS_FILE), lines(recordings('ipek', 1).slice(0, 3)));
    mkdirSync(old('records', 'i_pek~5be2b5a3'), { recursive: true });
    writeFileSync(old('records', 'i_pek~5be2b5a3', RECORDS_FILE), lines(recordings('İpek', 1).slice(3, 5)));
    mkdirSync(old('records', 'anna~0c6f6d2b'), { recursive: true }); // a name this version refuses
    writeFileSync(old('records', 'anna~0c6f6d2b', RECORDS_FILE), lines(recordings('Аnna', 1).slice(0, 4)));
    mkdirSync(old('models'), { recursive: true });
    writeFileSync(old('models', 'ann_lee.json'), JSON.stringify(testModel('Ann_Lee')));
    writeFileSync(old('models', 'ann_lee.json.4242.1764000000000.tmp'), '{"format":"emotion-iot-mo'); // killed while saving
    mkdirSync(old('history'), { recursive: true });
    writeFileSync(old('history', 'ann_lee.json'), JSON.stringify([answer('Ann_Lee', 4), answer('Ann Lee', 3), answer('Ann_Lee', 2), answer('Ann Lee', 1)]));
    await load();
    warnings = (helper.getNode('store') as Spied).warn.args.map((a) => String(a[0]));
  });
  after(() => helper.unload());

  it("files each record, model and answer under its own participant, told apart by each record's participant field", async () => {
    assert.equal((await total('Ann Lee')).total, 240);
    assert.equal((await total('Ann_Lee')).total, 240);
    const own = await ask('store', { action: 'export', participant: 'Ann Lee' });
    assert.ok(!String(own.payload).includes('Ann_Lee'), "none of Ann_Lee's records");
    assert.match(String(((await detect('Ann_Lee')).emotion as { model: string }).model), /^Ann_Lee/, 'the model was trained for Ann_Lee');
    assert.match(errorOf(await detect('Ann Lee')), /no model for participant "Ann Lee"/, 'and never answers for Ann Lee');
    const history = async (participant: string) => ((await ask('store', { action: 'history', participant })).payload as { participant: string; timestamp: number }[]);
    assert.deepEqual((await history('Ann Lee')).map((e) => [e.participant, e.timestamp]), [['Ann Lee', answer('', 3).timestamp], ['Ann Lee', answer('', 1).timestamp]]);
    assert.deepEqual((await history('Ann_Lee')).map((e) => e.participant), ['Ann_Lee', 'Ann_Lee']);
    assert.equal((await total('IPEK')).total, 5, "İpek's two folders are one");
  });

  it('keeps what no accepted name owns aside, removes unfinished temporary files, and says so in the log', () => {
    const said = (re: RegExp) => assert.ok(warnings.some((w) => re.test(w)), `${re}\n${warnings.join('\n')}`);
    said(/migrated to layout 2: 485 records, 1 models, 2 answer histories moved to their participant's name/);
    said(/the records of "Ann Lee" \(240\), "Ann_Lee" \(240\) shared the folder records\/ann_lee: each person now has their own/);
    said(/1 record lines in records\/ann_lee name no participant this version accepts: kept in \S+set-aside\/records\/ann_lee~\S+\.jsonl/);
    said(/4 record lines in records\/anna~0c6f6d2b name no participant this version accepts: kept in \S+set-aside\/records\/anna~0c6f6d2b~\S+\.jsonl/);
    said(/removed 1 unfinished temporary file\(s\) in \S+models\.before-migration: ann_lee\.json\.4242\.1764000000000\.tmp/);
    assert.deepEqual(readdirSync(old()).sort(), ['history', 'layout.json', 'models', 'records', 'set-aside']);
    assert.deepEqual(readdirSync(old('models')), ['ann_lee-.json']);
    assert.deepEqual(JSON.parse(readFileSync(old('layout.json'), 'utf8')), { version: 2 });
  });
});

describe('temporary files a kill during a save left behind, on the next start', function () {
  this.timeout(60_000);
  const userDir = withTempUserDir('participant-orphans-');
  const at = (...parts: string[]) => join(userDir(), 'emotion-iot', ...parts);
  after(() => helper.unload());

  it('are removed and logged, and the model saved before answers', async () => {
    mkdirSync(at('models'), { recursive: true });
    mkdirSync(at('history'), { recursive: true });
    writeFileSync(at('layout.json'), JSON.stringify({ version: 2 })); // nothing to migrate: an ordinary start
    writeTestModel(userDir(), testModel('Gil'));
    const model = readdirSync(at('models'))[0];
    writeFileSync(at('models', `${model}.4242.1764000000000.tmp`), '{"format":"emotion-iot-mo');
    writeFileSync(at('history', 'gil-.json.4242.tmp'), '[{"timest');
    await load();
    assert.deepEqual(readdirSync(at('models')), [model]);
    assert.deepEqual(readdirSync(at('history')), []);
    const warned = (['store', 'train', 'infer'] as const).flatMap((id) => (helper.getNode(id) as Spied).warn.args.map((a) => String(a[0])));
    assert.ok(warned.some((w) => /removed 1 unfinished temporary file\(s\) in \S+models: \S+\.4242\.1764000000000\.tmp/.test(w)), warned.join('\n'));
    assert.equal(errorOf(await detect('Gil')), '');
  });
});
