// The Detect page's progress bar (flows/inference.json) in the Node-RED runtime: the shipped "start detection",
// emotion-infer and "collection progress" nodes, the dashboard widgets replaced by helper nodes. The bar runs
// for the window emotion-infer really collects, which for a model of window features is the model's own,
// not the tab's DETECT_WINDOW_S.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper, withTempUserDir } from '../support/node-red';
import { testModel, writeTestModel } from '../support/infer-model';
import { nextMsg, sleep } from '../support/probes';
import inferNode = require('../../nodes/emotion-infer/emotion-infer');

const functionNode = require('@node-red/nodes/core/function/10-function') as NodeInitializer;
type FlowNode = { id: string; type: string; wires?: string[][]; [key: string]: unknown };
const shipped = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'inference.json'), 'utf8')) as FlowNode[];
const node = (id: string) => shipped.find((n) => n.id === id)!;

describe("Detect's progress bar (flows/inference.json) follows the model's window", function () {
  this.timeout(10_000);
  const userDir = withTempUserDir('detect-progress-');
  afterEach(() => helper.unload());

  it('a model of window features (0.8 s) keeps the bar running past DETECT_WINDOW_S (0.2 s), to 100 % at its answer', async () => {
    writeTestModel(userDir(), testModel('wendy', {
      features: ['gsr', 'bpm', 'gsrSlope', 'scrCount'],
      standardisation: { mean: [5, 80, 0, 0], std: [2, 10, 0.01, 1] },
      weights: [[0, 0, 1, 1], [0, 0, 0, 0], [0, 0, -1, -1]],
      hyperparameters: { windowSeconds: 0.8 },
    }));
    const tab = node('emotion-iot-detect-tab');
    const flow: FlowNode[] = [
      { ...tab, env: [{ name: 'DETECT_WINDOW_S', value: '0.2', type: 'num' }] },
      { ...node('detect-start'), wires: [['detect-infer'], ['page'], ['cleared']] },
      { ...node('detect-infer'), wires: [['answer', 'detect-progress'], ['detect-progress']] },
      { ...node('detect-progress'), wires: [['bar']] },
      ...['page', 'cleared', 'answer', 'bar'].map((id) => ({ id, type: 'helper', z: tab.id })),
    ];
    await helper.load([functionNode, inferNode] as never, flow as never);
    const start = helper.getNode('detect-start');
    start.context().global.set('emotionIotSessions', { 'tab-1': { participant: 'wendy', at: Date.now() } });
    const bar: { at: number; percent: number }[] = [];
    helper.getNode('bar').on('input', (m: NodeMessage) => bar.push({ at: Date.now() - t0, percent: m.payload as number }));
    const answered = nextMsg('answer', 5000);

    const t0 = Date.now();
    start.receive({ payload: true, _client: { socketId: 'tab-1' } } as NodeMessage);
    for (let i = 0; i < 8; i++) {
      helper.getNode('detect-infer').receive({ payload: { gsr: 5 + 0.1 * i, bpm: 80, timestamp: t0 + i * 100 } } as NodeMessage);
      await sleep(100);
    }
    const answer = await answered;
    await sleep(50);

    assert.equal(answer.payload, 'angry');
    assert.equal(bar[0].percent, 0, 'the bar starts at 0 when the window opens');
    const before = bar.filter((b) => b.at < 600);
    assert.ok(before.length >= 1 && before.every((b) => b.percent < 80), `still running at 0.6 s: ${JSON.stringify(bar)}`);
    assert.ok(bar.some((b) => b.at >= 300 && b.percent > 25 && b.percent < 75), `midway through the 0.8 s: ${JSON.stringify(bar)}`);
    assert.equal(bar.at(-1)!.percent, 100, 'full at the answer');
    assert.equal(start.context().flow.get('detecting'), null, 'Detect is free again');
  });
});
