import assert from 'node:assert/strict';
import type { Node, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { useLanguage } from '../support/node-messages';
import sensorRecordNode = require('../../nodes/sensor-record/sensor-record');

type Msg = NodeMessage & Record<string, unknown>;
type Payload = Record<string, unknown>;

/** The msgs a helper node receives, awaited one at a time. */
function collect(node: Node) {
  const queue: Msg[] = [];
  const waiting: ((m: Msg) => void)[] = [];
  node.on('input', (msg: Msg) => {
    const w = waiting.shift();
    if (w) w(msg);
    else queue.push(msg);
  });
  return {
    next: () => new Promise<Msg>((resolve) => {
      const m = queue.shift();
      if (m) resolve(m);
      else waiting.push(resolve);
    }),
    all: () => queue,
  };
}

const flow = (config: Record<string, unknown>) => [
  { id: 'tab', type: 'tab' },
  { id: 'rec', type: 'emotion-sensor-record', z: 'tab', participant: 'Ana', mood: '', labels: '', session: '', tick: '0.2', maxAge: '3', duration: '', autoStart: true, wires: [['records'], ['state']], ...config },
  { id: 'records', type: 'helper', z: 'tab' },
  { id: 'state', type: 'helper', z: 'tab' },
  { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
  { id: 'caught', type: 'helper', z: 'tab' },
];

async function load(config: Record<string, unknown> = {}) {
  await helper.load(sensorRecordNode, flow(config)); // the helper loads the core catch node itself
  const rec = helper.getNode('rec');
  return {
    rec,
    records: collect(helper.getNode('records')),
    state: collect(helper.getNode('state')),
    caught: collect(helper.getNode('caught')),
    send: (msg: Msg) => rec.receive(msg),
  };
}

describe('sensor-record node', () => {
  afterEach(() => helper.unload());

  it('emits one rounded record per tick with the mean GSR of the tick', async () => {
    const t = await load({ mood: 'happy' });
    t.send({ topic: 'gsr', payload: 2.0001, simulated: true });
    t.send({ topic: 'gsr', payload: 3.0004, simulated: true });
    t.send({ topic: 'bpm', payload: 72.12345, simulated: true });
    const { payload } = await t.records.next();
    const p = payload as Payload;
    assert.deepEqual(Object.keys(p).sort(), ['bpm', 'gsr', 'mood', 'participant', 'session', 'simulated', 'timestamp']);
    assert.equal(p.gsr, 2.5);
    assert.equal(p.bpm, 72.123);
    assert.equal(p.participant, 'Ana');
    assert.equal(p.mood, 'happy');
    assert.equal(p.simulated, true);
    assert.match(p.session as string, /^happy-\d{8}T\d{9}Z$/);
    assert.ok(Math.abs((p.timestamp as number) - Date.now()) < 1000);
  });

  it('keeps the beat intervals pulse-bpm counted (msg.hr.newIbiMs) with the record of their tick', async () => {
    const t = await load();
    t.send({ topic: 'gsr', payload: 4 });
    t.send({ topic: 'bpm', payload: 75, hr: { bpm: 75, ibiMs: [790, 800, 810], newIbiMs: [800, 810] } });
    t.send({ topic: 'bpm', payload: 75, hr: { bpm: 75, ibiMs: [800, 810, 795.5], newIbiMs: [795.5] } });
    const first = (await t.records.next()).payload as Payload;
    assert.deepEqual(first.ibiMs, [800, 810, 795.5]);
    assert.deepEqual(((await t.records.next()).payload as Payload).ibiMs, []);
    t.send({ topic: 'bpm', payload: 75, hr: { newIbiMs: ['800'] } });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /beat intervals must be a list of ms/);
  });

  it('leaves mood out when none is set (inference)', async () => {
    const t = await load();
    t.send({ topic: 'gsr', payload: 4 });
    t.send({ topic: 'bpm', payload: 80 });
    const p = (await t.records.next()).payload as Payload;
    assert.equal('mood' in p, false);
    assert.equal('simulated' in p, false);
  });

  it('skips ticks without a valid BPM, counts them and shows why', async () => {
    const t = await load();
    t.send({ topic: 'gsr', payload: 4 });
    t.send({ topic: 'bpm', payload: null });
    const first = (await t.state.next()).payload as Payload;
    const second = (await t.state.next()).payload as Payload;
    assert.equal(first.skipped, 1);
    assert.equal(second.skipped, 2);
    assert.equal(second.records, 0);
    assert.equal(t.records.all().length, 0);
    const shown = (t.rec as unknown as { status: { lastCall: { args: [{ text: string; fill: string }] } } }).status.lastCall.args[0];
    assert.equal(shown.fill, 'yellow');
    assert.match(shown.text, /no BPM \(sensor contact lost\): \d+ skipped/);
  });

  it('records on a control start with mood, participant and duration from the msg, then stops', async () => {
    const t = await load({ autoStart: false, participant: '' });
    const started = t.state.next();
    t.send({ topic: 'control', payload: 'start', participant: 'Bo', mood: 'sad', duration: 0.4 });
    const s = (await started).payload as Payload;
    assert.equal(s.recording, true);
    assert.equal(s.durationSeconds, 0.4);
    t.send({ topic: 'gsr', payload: 1.5 });
    t.send({ topic: 'bpm', payload: 65 });
    const r = (await t.records.next()).payload as Payload;
    assert.equal(r.participant, 'Bo');
    assert.equal(r.mood, 'sad');
    assert.equal(r.session, s.session);
    let last = s;
    while (last.recording) last = (await t.state.next()).payload as Payload;
    assert.equal(last.progress, 1);
    assert.equal(last.records, 1 + t.records.all().length, 'the state counts every record sent');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(t.records.all().length, (last.records as number) - 1, 'a record arrived after the duration');
  });

  it('starts a new session when the mood changes during a recording, and stops on "stop"', async () => {
    const t = await load({ autoStart: false, mood: 'happy' });
    t.send({ topic: 'control', payload: 'start' });
    const first = ((await t.state.next()).payload as Payload).session as string;
    t.send({ topic: 'mood', payload: 'angry' });
    t.send({ topic: 'gsr', payload: 1.5 });
    t.send({ topic: 'bpm', payload: 65 });
    const r = (await t.records.next()).payload as Payload;
    assert.equal(r.mood, 'angry');
    assert.notEqual(r.session, first);
    assert.match(r.session as string, /^angry-/);
    t.send({ topic: 'control', payload: false });
    let s: Payload;
    do s = (await t.state.next()).payload as Payload;
    while (s.recording);
    const count = t.records.all().length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(t.records.all().length, count, 'a record arrived after stop');
  });

  it('sends bad msgs to a Catch node with a clear reason and keeps working', async () => {
    const t = await load({ autoStart: false });
    t.send({ topic: 'gsr', payload: 'abc' });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /payload for topic "gsr" must be a number or null/);
    t.send({ topic: 'mood', payload: 'bored' });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /mood "bored" is not one of the labels: angry, happy, sad/);
    t.send({ topic: 'control', payload: 'pause' });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /control payload must be "start" or "stop"/);
    t.send({ topic: 'weather', payload: 3 });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /unknown msg.topic "weather"/);
    t.send({ topic: 'control', payload: 'start', participant: '../etc' });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /invalid participant name/);
    t.send({ topic: 'control', payload: 'start', mood: 'sad' });
    assert.equal(((await t.state.next()).payload as Payload).mood, 'sad');
  });

  it('speaks the runtime language: why it skips and what a bad msg did wrong, in German when Node-RED runs with lang "de"', async () => {
    await useLanguage('de');
    try {
      const t = await load();
      t.send({ topic: 'gsr', payload: 4 });
      t.send({ topic: 'bpm', payload: null });
      await t.state.next();
      const shown = (t.rec as unknown as { status: { lastCall: { args: [{ text: string }] } } }).status.lastCall.args[0];
      assert.match(shown.text, /^kein BPM-Wert \(Sensorkontakt verloren\): \d+ übersprungen$/);
      t.send({ topic: 'weather', payload: 3 });
      assert.match(String(((await t.caught.next()).error as { message: string }).message), /unbekanntes msg.topic "weather": erlaubt sind gsr, bpm/);
    } finally {
      await useLanguage('en-US');
    }
  });

  it('reports a bad configuration in its status and on every msg', async () => {
    const t = await load({ mood: 'bored' });
    t.send({ topic: 'gsr', payload: 1 });
    assert.match(String(((await t.caught.next()).error as { message: string }).message), /mood "bored"/);
  });
});
