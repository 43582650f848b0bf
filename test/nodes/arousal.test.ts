import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import type { Node, NodeMessage } from 'node-red';
import { helper, stopCallSpies } from '../support/node-red';
import { useLanguage } from '../support/node-messages';
import { replayPerson, scorePerson } from '../support/arousal-replay';
import { stressPredictIds, stressPredictPerson } from '../support/real-recordings';
import { formatDuration, type ArousalAlert, type ArousalReading } from '../../src/signal/arousal';
import arousalNode = require('../../nodes/arousal/arousal');

const catchNode: unknown = require('@node-red/nodes/core/common/25-catch');

type StateMsg = NodeMessage & { payload: string; arousal: ArousalReading };
type AlertMsg = NodeMessage & { payload: ArousalAlert & { text: string }; arousal: ArousalReading; emotion: { label: string; participant: string; timestamp: number; source: string } };
type Status = { fill?: string; shape?: string; text?: string };

const T0 = Date.UTC(2026, 0, 1);

async function load(props: Record<string, unknown> = {}) {
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'arousal', type: 'emotion-arousal', z: 'tab', wires: [['states'], ['alerts']], ...props },
    { id: 'states', type: 'helper', z: 'tab' },
    { id: 'alerts', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: ['arousal'], wires: [['errors']] },
    { id: 'errors', type: 'helper', z: 'tab' },
  ];
  await helper.load([arousalNode, catchNode] as never, flow);
  const states: StateMsg[] = [];
  const alerts: AlertMsg[] = [];
  const errors: (NodeMessage & { error: { message: string } })[] = [];
  const statuses: Status[] = [];
  const node = helper.getNode('arousal') as Node;
  helper.getNode('states').on('input', (m: NodeMessage) => states.push(m as StateMsg));
  helper.getNode('alerts').on('input', (m: NodeMessage) => alerts.push(m as AlertMsg));
  helper.getNode('errors').on('input', (m: NodeMessage) => errors.push(m as never));
  (node as unknown as EventEmitter).on('call:status', (call: { args: [Status] }) => statuses.push(call.args[0]));
  return { node, states, alerts, errors, statuses };
}

/** Lets the runtime deliver what the node sent (sends reach the next node asynchronously). */
const settle = () => new Promise((r) => setTimeout(r, 30));

/** One record a second: 5 µS, 7 µS from 400 s to 800 s and again from 900 s to 1200 s, with 1 % ripple. */
function twoRises(participant = 'Ana') {
  return Array.from({ length: 1200 }, (_, s) => ({
    participant,
    timestamp: T0 + s * 1000,
    gsr: ((s >= 400 && s < 800) || s >= 900 ? 7 : 5) * (1 + 0.005 * Math.sin(s * 1.7)),
    bpm: 70,
    session: 'watch',
  }));
}

describe('emotion-arousal node', function () {
  afterEach(async () => {
    await useLanguage('en-US');
    await helper.unload();
  });

  it('sends a state per 10-s window on output 1 and one alert per rising episode on output 2, quiet for 10 min', async () => {
    const { node, states, alerts, errors } = await load({ alertWindows: '3' });
    for (const record of twoRises()) node.receive({ payload: record } as NodeMessage);
    await settle();
    assert.deepEqual(errors, []);
    assert.equal(states.length, 119, 'one reading every 10 s from 10 s to 1190 s');
    const first = states.find((m) => m.payload !== 'warming-up')!;
    assert.equal(first.topic, 'arousal/Ana/state');
    assert.deepEqual(Object.keys(first.arousal).sort(), ['historyHigh', 'historyLow', 'historyMean', 'historySeconds', 'participant', 'since', 'state', 'timestamp', 'windowMean', 'windowSeconds', 'z']);
    assert.equal(first.arousal.timestamp, T0 + 60_000);
    assert.ok(states.every((m) => ['rising', 'steady', 'falling', 'warming-up'].includes(m.payload) && m.payload === m.arousal.state));

    // episode 1 alerts at its third rising window; episode 2 starts within the quiet period and alerts when it ends
    assert.equal(alerts.length, 2);
    const [a, b] = alerts;
    const risingFrom = (i: number) => states.findIndex((m, j) => j >= i && m.payload === 'rising');
    const firstRise = risingFrom(0);
    assert.equal(a.payload.timestamp, states[firstRise + 2].arousal.timestamp);
    assert.equal(a.payload.text, 'arousal rising for 30 s');
    assert.equal(a.topic, 'arousal/Ana');
    assert.deepEqual(a.emotion, { label: 'arousal rising for 30 s', participant: 'Ana', timestamp: a.payload.timestamp, source: 'emotion-arousal' });
    assert.equal(a.arousal.state, 'rising');
    assert.equal(b.payload.timestamp, a.payload.timestamp + 600_000);
    assert.ok(b.payload.risingSeconds > 30, JSON.stringify(b.payload));
    assert.equal(b.payload.risingSeconds, (b.payload.timestamp - b.payload.since) / 1000);
    assert.equal(b.payload.text, `arousal rising for ${formatDuration(b.payload.risingSeconds)}`);
    const secondEpisode = states.filter((m) => m.arousal.timestamp > b.payload.since && m.arousal.timestamp <= b.payload.timestamp);
    assert.ok(secondEpisode.every((m) => m.payload === 'rising'), 'rising all the way from since to the alert');
  });

  it('shows the latest state in its status: waiting, warming up, then steady / rising with z, and an alert', async () => {
    const { node, statuses } = await load({ alertWindows: '2' });
    const records = twoRises();
    for (const record of records.slice(0, 50)) node.receive({ payload: record } as NodeMessage);
    await settle(); // the test helper reports status calls on the next tick
    assert.deepEqual(statuses.at(-1), { fill: 'grey', shape: 'ring', text: 'Ana: warming up' });
    for (const record of records.slice(50, 400)) node.receive({ payload: record } as NodeMessage);
    await settle();
    assert.match(String(statuses.at(-1)?.text), /^Ana: steady \(z -?\d/);
    assert.equal(statuses.at(-1)?.fill, 'green');
    for (const record of records.slice(400, 421)) node.receive({ payload: record } as NodeMessage);
    await settle();
    assert.deepEqual(statuses.at(-1), { fill: 'yellow', shape: 'ring', text: 'Ana: alert, rising for 20 s' });
    const before = statuses.length;
    node.receive({ payload: records[421] } as NodeMessage); // between windows nothing changes
    await settle();
    assert.equal(statuses.length, before);
  });

  it('ends bad records with an error a Catch node sees, turns red, and keeps going', async () => {
    const { node, states, errors, statuses } = await load({ participant: 'Ana' });
    const records = twoRises();
    for (const record of records.slice(0, 100)) node.receive({ payload: record } as NodeMessage);
    const bad = [
      'not a record',
      { ...records[100], gsr: 250 },
      { ...records[100], timestamp: T0 - 5000 },
      { ...records[100], participant: 'Bo' },
      { ...records[100], timestamp: 'today' },
    ];
    for (const payload of bad) node.receive({ payload } as NodeMessage);
    await settle();
    assert.deepEqual(
      errors.map((e) => e.error.message.replace(/\(got.*|\d{13}/g, '#')),
      [
        'Error: expected a record { participant, timestamp, gsr } in msg.payload',
        'Error: record.gsr 250 is outside the plausible range 0–100 µS (a loose electrode or a wiring fault?; for an unusual sensor set emotionIot.ranges in settings.js)',
        "Error: record at # is older than Ana's last (#): records must arrive in time order",
        'Error: record of Bo: this node watches Ana',
        'Error: record.timestamp must be a time in ms since the epoch',
      ],
    );
    assert.equal(statuses.at(-1)?.fill, 'red');
    const count = states.length;
    for (const record of records.slice(100, 200)) node.receive({ payload: record } as NodeMessage);
    await settle();
    assert.equal(states.length, count + 10);
    assert.equal(statuses.at(-1)?.fill, 'green', 'the next window repaints the status');
  });

  it('starts the warm-up again after a gap longer than the history, and says so', async () => {
    const { node, states, statuses } = await load({ historyMinutes: '2' });
    const records = twoRises().slice(0, 300);
    for (const record of records) node.receive({ payload: record } as NodeMessage);
    node.receive({ payload: { ...records[299], timestamp: records[299].timestamp + 200_000 } } as NodeMessage);
    await settle();
    assert.deepEqual(statuses.at(-1), { fill: 'yellow', shape: 'ring', text: 'Ana: 200 s gap, warming up again' });
    for (let s = 1; s <= 30; s++) node.receive({ payload: { ...records[299], timestamp: records[299].timestamp + 200_000 + s * 1000 } } as NodeMessage);
    await settle();
    const after = states.filter((m) => m.arousal.timestamp > records[299].timestamp);
    assert.ok(after.length >= 2 && after.every((m) => m.payload === 'warming-up'), after.map((m) => m.payload).join());
  });

  it('refuses settings it cannot honour: red status, and every record gets the error', async () => {
    const { node, errors, statuses } = await load({ windowSeconds: '30', everySeconds: '45' });
    node.receive({ payload: twoRises()[0] } as NodeMessage);
    await settle();
    assert.equal(statuses.at(-1)?.fill, 'red');
    assert.match(errors[0].error.message, /every \(s\) must be a whole number from 1 to 30/);
  });

  it('says it in German when the runtime is German', async () => {
    await useLanguage('de');
    const { node, alerts, statuses } = await load({ alertWindows: '6' });
    for (const record of twoRises().slice(0, 500)) node.receive({ payload: record } as NodeMessage);
    await settle();
    assert.equal(alerts[0].payload.text, 'Erregung steigt seit 1 min');
    assert.equal(alerts[0].emotion.label, 'Erregung steigt seit 1 min');
    assert.match(String(statuses.at(-1)?.text), /^Ana: (steigend|Alarm)/);
  });

  it('gives identical outputs for records sent at real time and the same records replayed 1000x faster', async function () {
    this.timeout(60_000);
    const settings = { windowSeconds: '2', everySeconds: '1', historyMinutes: '0.1', alertWindows: '2', quietMinutes: '1' };
    // real time: 5 records a second for 12 s, stamped with the clock as sensor-record stamps them; the
    // conductance steps up after 6 s and back after 9 s
    const live = await load(settings);
    const started = Date.now();
    const sent: Record<string, unknown>[] = [];
    while (Date.now() - started < 12_000) {
      const now = Date.now();
      const record = { participant: 'Ana', timestamp: now, gsr: now - started > 6000 && now - started < 9000 ? 6 : 5, bpm: 70, session: 's' };
      sent.push(record);
      live.node.receive({ payload: { ...record } } as NodeMessage);
      await new Promise((r) => setTimeout(r, 200));
    }
    await settle();
    const outputs = (run: { states: StateMsg[]; alerts: AlertMsg[] }) => ({
      states: run.states.map((m) => ({ topic: m.topic, payload: m.payload, arousal: m.arousal })),
      alerts: run.alerts.map((m) => ({ topic: m.topic, payload: m.payload, emotion: m.emotion })),
    });
    const realTime = outputs(live);
    await helper.unload();

    const replay = await load(settings);
    for (const [i, record] of sent.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, ((record.timestamp as number) - (sent[i - 1].timestamp as number)) / 1000));
      replay.node.receive({ payload: { ...record } } as NodeMessage);
    }
    await settle();
    assert.ok(realTime.states.length >= 10 && realTime.states.some((m) => m.payload === 'rising') && realTime.alerts.length === 1, JSON.stringify(realTime.states.map((m) => m.payload)));
    assert.deepEqual(outputs(replay), realTime);
  });

  it('on the real development recordings, tells the interview from the rests after it (mean balanced accuracy over people ≥ 75 %)', async function () {
    this.timeout(60_000);
    await load();
    stopCallSpies();
    const scores: number[] = [];
    for (const id of stressPredictIds()) {
      const person = stressPredictPerson(id);
      const { readings } = await replayPerson(person);
      assert.ok(readings.every((r) => r.participant === id));
      scores.push(scorePerson(person, readings).balanced);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    // 11 development people; the research recipe scored 81.3 % on them (optimistic: ~200 variants were tried)
    assert.ok(mean >= 0.75, `mean ${(mean * 100).toFixed(1)} %: ${scores.map((s) => (s * 100).toFixed(0)).join(' ')}`);
  });
});
