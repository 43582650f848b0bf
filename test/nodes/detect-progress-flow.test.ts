// The Detect page's progress bar (flows/inference.json) in the Node-RED runtime: the shipped "start detection",
// emotion-infer, suggestions, "collection progress", the Catch node and "error for the tab", wired as shipped;
// every other node they send to (dashboard widgets, history) is a helper node. The bar runs for the window
// emotion-infer really collects, which for a model of window features is the model's own, not the tab's
// DETECT_WINDOW_S.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper, withTempUserDir } from '../support/node-red';
import { testModel, writeTestModel } from '../support/infer-model';
import { sleep, until } from '../support/probes';
import inferNode = require('../../nodes/emotion-infer/emotion-infer');

const core = (path: string) => require(`@node-red/nodes/core/${path}`) as NodeInitializer;
type FlowNode = { id: string; type: string; wires?: string[][]; [key: string]: unknown };
const shipped = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'inference.json'), 'utf8')) as FlowNode[];
const node = (id: string) => shipped.find((n) => n.id === id)!;
const LOADED = ['detect-start', 'detect-infer', 'detect-suggestions', 'detect-progress', 'detect-catch', 'detect-error-text'];
const TAB = 'emotion-iot-detect-tab';

/** The loaded nodes as shipped, the tab's DETECT_WINDOW_S 0.2 s, and a helper for each node they send to. */
function detectFlow(): FlowNode[] {
  const loaded = LOADED.map(node);
  const targets = [...new Set(loaded.flatMap((n) => (n.wires ?? []).flat()))].filter((id) => !LOADED.includes(id));
  return [
    { ...node(TAB), env: [{ name: 'DETECT_WINDOW_S', value: '0.2', type: 'num' }] },
    ...loaded,
    ...targets.map((id) => ({ id, type: 'helper', z: TAB })),
  ];
}

describe("Detect's progress bar (flows/inference.json) follows the model's window", function () {
  this.timeout(10_000);
  const userDir = withTempUserDir('detect-progress-');
  before(() =>
    // window features named by the model, learned over 0.8 s
    writeTestModel(userDir(), testModel('wendy', {
      features: ['gsr', 'bpm', 'gsrSlope', 'scrCount'],
      standardisation: { mean: [5, 80, 0, 0], std: [2, 10, 0.01, 1] },
      weights: [[0, 0, 1, 1], [0, 0, 0, 0], [0, 0, -1, -1]],
      hyperparameters: { windowSeconds: 0.8 },
    })),
  );
  afterEach(() => helper.unload());

  /** Loads the flow; the bar's values per tab, with their time since `t0`. */
  async function load() {
    await helper.load([core('function/10-function'), core('function/15-change'), core('common/25-catch'), inferNode] as never, detectFlow() as never);
    const start = helper.getNode('detect-start');
    start.context().global.set('emotionIotSessions', { 'tab-a': { participant: 'wendy', at: Date.now() }, 'tab-b': { participant: 'wendy', at: Date.now() } });
    const t0 = Date.now();
    const bar: Record<string, { at: number; percent: number }[]> = { 'tab-a': [], 'tab-b': [] };
    const barNode = node('detect-progress').wires![0][0]; // the ui-progress widget, a helper here
    helper.getNode(barNode).on('input', (m: NodeMessage) => bar[(m as { _client: { socketId: string } })._client.socketId].push({ at: Date.now() - t0, percent: m.payload as number }));
    const shown: NodeMessage[] = []; // the answer widget: cleared at the start, then the answer
    helper.getNode(node('detect-suggestions').wires![0][0]).on('input', (m: NodeMessage) => shown.push(m));
    const records = async (seconds: number) => {
      for (let i = 0; i < seconds * 10; i++) {
        helper.getNode('detect-infer').receive({ payload: { gsr: 5 + 0.1 * (i % 8), bpm: 80, timestamp: Date.now() } } as NodeMessage);
        await sleep(100);
      }
    };
    const answered = async () => {
      await until(() => shown.some((m) => typeof m.payload === 'string'), 5000, 'an answer on the page');
      return shown.find((m) => typeof m.payload === 'string')!;
    };
    return { start, t0, bar, records, answered, detecting: () => start.context().flow.get('detecting') as { socketId: string; until: number } | null };
  }

  it('a model of window features (0.8 s) keeps the bar running past DETECT_WINDOW_S (0.2 s), to 100 % at its answer, and Detect locked for its window', async () => {
    const { start, t0, bar, records, answered, detecting } = await load();
    start.receive({ payload: true, _client: { socketId: 'tab-a' } } as NodeMessage);
    await sleep(50);
    assert.ok(detecting()!.until >= t0 + 800 + 30_000, "locked until the model's window and its grace, not DETECT_WINDOW_S's");
    await records(0.9);
    const answer = await answered();
    await sleep(50);

    assert.equal(answer.payload, 'angry');
    const a = bar['tab-a'];
    assert.equal(a[0].percent, 0, 'the bar starts at 0 when the window opens');
    assert.ok(a.filter((b) => b.at < 600).every((b) => b.percent < 80), `still running at 0.6 s: ${JSON.stringify(a)}`);
    assert.ok(a.some((b) => b.at >= 300 && b.percent > 25 && b.percent < 75), `midway through the 0.8 s: ${JSON.stringify(a)}`);
    assert.equal(a.at(-1)!.percent, 100, 'full at the answer');
    assert.equal(detecting(), null, 'Detect is free again');
  });

  it("a start that reaches emotion-infer during a window: the first tab's bar goes to 0, the new tab's keeps running to its answer", async () => {
    const { start, bar, records } = await load();
    start.receive({ payload: true, _client: { socketId: 'tab-a' } } as NodeMessage);
    await sleep(200);
    helper.getNode('detect-infer').receive({ payload: 'start', topic: 'start', participant: 'wendy', _client: { socketId: 'tab-b' } } as NodeMessage);
    await records(1);
    await until(() => bar['tab-b'].at(-1)?.percent === 100, 3000, "tab B's answer");

    assert.equal(bar['tab-a'].at(-1)!.percent, 0, "tab A's detection was cancelled");
    const cancelledAt = bar['tab-a'].at(-1)!.at;
    const b = bar['tab-b'];
    assert.ok(b.some((v) => v.at > cancelledAt + 100 && v.percent > 0 && v.percent < 100), `tab B's bar runs on after A's cancellation: ${JSON.stringify(b)}`);
  });
});
