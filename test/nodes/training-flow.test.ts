// The shipped training flow (flows/training.json) in the Node-RED runtime on its simulated hat, with the
// dashboard widgets and the (disabled) MQTT nodes swapped for helper nodes: the page's buttons are the
// helper nodes standing in for them.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { RecordStore } from '../../src/record/record-store';
import { recordMoods } from '../support/held-out-sessions';
import { helper, withTempUserDir } from '../support/node-red';
import { sleep, until } from '../support/probes';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');
import recordNode = require('../../nodes/sensor-record/sensor-record');
import storeNode = require('../../nodes/record-store/record-store');
import trainNode = require('../../nodes/emotion-train/emotion-train');

const core = (path: string) => require(`@node-red/nodes/core/${path}`) as NodeInitializer;
const coreNodes = ['common/20-inject', 'common/25-catch', 'common/25-status', 'common/90-comment', 'function/10-function', 'function/10-switch', 'function/15-change', 'function/89-delay'].map(core);

type FlowNode = { id: string; type: string; [key: string]: unknown };

const flow = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'training.json'), 'utf8')) as FlowNode[])
  .filter((n) => !['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'emotion-aws-iot-broker'].includes(n.type))
  .map((n) => (n.type.startsWith('ui-') || n.type.startsWith('emotion-aws-iot-') ? { id: n.id, type: 'helper', z: n.z, wires: n.wires } : n));

describe('training example flow (flows/training.json)', function () {
  this.timeout(30000);
  const userDir = withTempUserDir('emotion-training-flow-');
  afterEach(async () => {
    await helper.unload();
    rmSync(join(userDir(), 'emotion-iot'), { recursive: true, force: true }); // each test starts with an empty store
  });

  it('keeps the sensors (and the live charts) running when Stop ends a recording', async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, ...coreNodes] as never, flow);
    const gsr: NodeMessage[] = [];
    helper.getNode('training-sensor-record').on('input', (m: NodeMessage) => {
      if (m.topic === 'gsr') gsr.push(m);
    });
    const states: NodeMessage[] = [];
    helper.getNode('training-state').on('input', (m: NodeMessage) => states.push(m));
    await until(() => gsr.length >= 2);
    const tab = { _client: { socketId: 'tab-0' } };
    helper.getNode('training-participant').send({ topic: 'participant', payload: 'demo', ...tab });
    helper.getNode('training-start').send({ payload: 'start', topic: 'control', ...tab });
    await until(() => states.some((m) => (m.payload as { recording: boolean }).recording));
    helper.getNode('training-stop').send({ payload: 'stop', topic: 'control', ...tab });
    await sleep(300);
    const afterStop = gsr.length;
    await sleep(1000);
    assert.ok(gsr.length >= afterStop + 3, `GSR readings after Stop: ${gsr.length - afterStop}`);
  });

  it('records the chosen mood for the chosen duration into the store, counting while it records, for the tab that asked', async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, ...coreNodes] as never, flow);
    let bpm = false;
    helper.getNode('training-sensor-record').on('input', (m: NodeMessage) => {
      if (m.topic === 'bpm' && typeof m.payload === 'number') bpm = true;
    });
    const tables: NodeMessage[] = [];
    helper.getNode('training-counts-table').on('input', (m: NodeMessage) => tables.push(m));
    const messages: NodeMessage[] = [];
    helper.getNode('training-message').on('input', (m: NodeMessage) => messages.push(m));
    await until(() => bpm);
    const tab = { _client: { socketId: 'tab-1' } };
    helper.getNode('training-page-view').send({ topic: '$pageview', payload: { page: { name: 'Training' } }, ...tab });
    helper.getNode('training-participant').send({ topic: 'participant', payload: 'demo', ...tab });
    helper.getNode('training-mood').send({ topic: 'mood', payload: 'sad', ...tab });
    helper.getNode('training-duration').send({ topic: 'duration', payload: 7, ...tab });
    await sleep(50);
    helper.getNode('training-start').send({ payload: 'start', topic: 'control', ...tab });
    await sleep(300);
    helper.getNode('training-start').send({ payload: 'start', topic: 'control', ...tab }); // a second press is ignored
    // (page messages are { key, vars } of the page's texts, which the page shows in the tab's language)
    await until(() => messages.some((m) => isText(m, 'alreadyRecording') && (m.payload as PageText).vars?.participant === 'demo'));
    // counts refresh while recording (every 5 records), then once more at the end
    await until(() => tables.some((t) => rowsOf(t).sad === 5), 10000);
    const during = tables.length;
    await until(() => tables.length > during && rowsOf(tables.at(-1)!).sad > 5, 10000);
    const sad = rowsOf(tables.at(-1)!).sad;
    // one record per tick: the node's ticks are not aligned with the start, so 7 s make 7 or 8 records
    assert.ok(sad >= 6 && sad <= 8, `sad records: ${sad}`);
    assert.ok(tables.every((t) => (t._client as { socketId: string } | undefined)?.socketId === 'tab-1'), 'every table msg goes to that tab only');
    const stored = await new RecordStore(userDir()).read('demo');
    assert.equal(stored.length, sad);
    assert.ok(stored.every((r) => r.mood === 'sad' && r.simulated === true && r.participant === 'demo'));
    assert.equal(new Set(stored.map((r) => r.session)).size, 1, 'one session: the second Start made none');
  });

  it("counts down the warm-up the recording protocol gives for the model's features", async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, ...coreNodes] as never, flow);
    const lines: NodeMessage[] = [];
    helper.getNode('training-state-text').on('input', (m: NodeMessage) => Array.isArray(m.payload) && lines.push(m)); // not a tab's reset
    const protocols: number[] = [];
    helper.getNode('training-protocol').on('input', (m: NodeMessage) => m.payload && protocols.push((m.payload as { firstRowSeconds: number }).firstRowSeconds));
    const warmup = () => (lines.at(-1)?.payload as PageText[] | undefined)?.find((part) => part.key === 'stateWarmup')?.vars?.seconds;
    const tab = { _client: { socketId: 'tab-3' } };
    const record = async () => {
      lines.length = 0;
      helper.getNode('training-start').send({ payload: 'start', topic: 'control', ...tab });
      await until(() => typeof warmup() === 'number', 5000);
      const seconds = warmup() as number;
      const answered = protocols.length;
      helper.getNode('training-stop').send({ payload: 'stop', topic: 'control', ...tab });
      await until(() => protocols.length > answered); // the counts the flow asks for when a recording ends
      return seconds;
    };
    helper.getNode('training-participant').send({ topic: 'participant', payload: 'demo', ...tab });
    await until(() => protocols.length === 1);
    const published = await record();
    assert.equal(protocols.at(-1), 10, 'the flow asks counts for the published features (emotion-train\'s default)');
    assert.ok(published > 8 && published <= 10, `published features: ${published} s of warm-up left`);
    // counts for a recommended model: rows only from 39 s into a session
    helper.getNode('training-store').receive({ action: 'counts', participant: 'demo', featureSet: 'recommended' } as NodeMessage);
    await until(() => protocols.at(-1) === 39);
    await sleep(1000); // the page takes no Start within a second of the last
    const recommended = await record();
    assert.ok(recommended > 37 && recommended <= 39, `recommended features: ${recommended} s of warm-up left`);
  });

  it('records nothing without a participant and says so to that tab', async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, ...coreNodes] as never, flow);
    const messages: NodeMessage[] = [];
    helper.getNode('training-message').on('input', (m: NodeMessage) => messages.push(m));
    const tab = { _client: { socketId: 'tab-2' } };
    helper.getNode('training-page-view').send({ topic: '$pageview', payload: { page: { name: 'Training' } }, ...tab });
    helper.getNode('training-start').send({ payload: 'start', topic: 'control', ...tab });
    helper.getNode('training-train-button').send({ payload: 'train', topic: 'train', ...tab });
    await until(() => messages.filter((m) => isText(m, 'needParticipantRecord') || isText(m, 'needParticipantTrain')).length === 2);
    assert.ok(messages.every((m) => (m._client as { socketId: string }).socketId === 'tab-2'));
    await sleep(1500);
    assert.deepEqual(await new RecordStore(userDir()).participants(), []);
  });

  it('ends a training whose moods cannot be told apart: the next Train, on any tab, trains', async () => {
    // one session per mood: the trainer's honest verdict is that it cannot measure this (a yellow status)
    await new RecordStore(userDir()).append(recordMoods(1, 'demo', ['angry', 'happy', 'sad'], 60, Date.UTC(2026, 10, 1, 9)));
    await helper.load([hatNode, gsrNode, earNode, bpmNode, recordNode, storeNode, trainNode, ...coreNodes] as never, flow);
    const results: NodeMessage[] = [];
    helper.getNode('training-metrics').on('input', (m: NodeMessage) => results.push(m));
    const messages: NodeMessage[] = [];
    helper.getNode('training-message').on('input', (m: NodeMessage) => messages.push(m));
    const train = (socketId: string) => {
      const tab = { _client: { socketId } };
      helper.getNode('training-participant').send({ topic: 'participant', payload: 'demo', ...tab });
      helper.getNode('training-train-button').send({ payload: 'train', topic: 'train', ...tab });
    };
    // a training's result (topic train), not the saved model's card that choosing a participant shows
    const resultsFor = (socketId: string) => results.filter((m) => m.topic === 'train' && (m._client as { socketId: string }).socketId === socketId);

    train('tab-a');
    await until(() => resultsFor('tab-a').length === 1, 20_000);
    assert.equal((resultsFor('tab-a')[0].payload as { verdict: string }).verdict, 'not-measurable');
    train('tab-b');
    await until(() => resultsFor('tab-b').length === 1, 20_000, "tab B's training result");
    assert.ok(!messages.some((m) => isText(m, 'otherTabTraining') || isText(m, 'trainingRunning')), 'no tab was told a training still runs');
  });
});

interface PageText {
  key: string;
  vars?: Record<string, unknown>;
}

function isText(m: NodeMessage, key: string): boolean {
  return (m.payload as PageText | null)?.key === key;
}

function rowsOf(table: NodeMessage): Record<string, number> {
  return Object.fromEntries((table.payload as { mood: string; records: number }[]).map((r) => [r.mood, r.records]));
}
