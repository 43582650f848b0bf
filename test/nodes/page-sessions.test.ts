// The tab sessions of the dashboard pages (the function node of flows/training.json, inference.json and
// watch.json that keeps one session per browser tab) together in the Node-RED runtime, their outputs on
// helper nodes. Every page view reaches all three (each flow has its own ui-event node); what they send to
// the page's Participant field decides whether a name typed while the page loads survives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import { sleep, until } from '../support/probes';

const functionNode = require('@node-red/nodes/core/function/10-function') as NodeInitializer;
type FlowNode = { id: string; type: string; z?: string; func?: string; wires: string[][]; [key: string]: unknown };

const pages = [
  { file: 'training.json', page: 'Training' },
  { file: 'inference.json', page: 'Detect' },
  { file: 'watch.json', page: 'Watch' },
].map(({ file, page }) => {
  const shipped = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', file), 'utf8')) as FlowNode[];
  const session = shipped.find((n) => n.type === 'function' && n.func?.includes('$pageview'))!;
  const field = shipped.find((n) => n.type === 'ui-text-input')!;
  return { file, page, session, fieldOutput: session.wires.findIndex((targets) => targets.includes(field.id)) };
});

/** All three session functions on one tab, each output on a helper node `<session id>-out-<i>`. */
function sessionsFlow(): FlowNode[] {
  return [
    { id: 'pages-tab', type: 'tab', wires: [] },
    ...pages.flatMap(({ session }) => {
      const outputs = session.wires.map((_, i) => ({ id: `${session.id}-out-${i}`, type: 'helper', z: 'pages-tab', wires: [] }));
      return [{ ...session, z: 'pages-tab', wires: outputs.map((o) => [o.id]) }, ...outputs];
    }),
  ];
}

describe("the dashboard pages' tab sessions and their Participant fields", function () {
  this.timeout(10_000);
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  for (const { file, page, session, fieldOutput } of pages) {
    it(`${page}: leaves a fresh tab's field to what is typed, and gives a tab coming back its participant`, async () => {
      assert.ok(fieldOutput >= 0, `${file}: the session feeds the Participant field`);
      await helper.load([functionNode] as never, sessionsFlow());
      const toField: NodeMessage[] = [];
      helper.getNode(`${session.id}-out-${fieldOutput}`).on('input', (m: NodeMessage) => toField.push(m));
      const tab = { _client: { socketId: `fresh-${page}` } };
      const viewOf = (name: string) => {
        for (const p of pages) helper.getNode(p.session.id).receive({ topic: '$pageview', payload: { page: { name } }, ...tab });
      };

      // the page view of a fresh tab reaches the server after a name was typed (a slow Pi): nothing erases it
      viewOf(page);
      await sleep(100);
      assert.equal(toField.length, 0, 'a fresh tab is sent no participant');

      helper.getNode(session.id).receive({ topic: 'participant', payload: ' Zoë ', ...tab });
      viewOf(pages.find((p) => p.page !== page)!.page); // to another page of the dashboard,
      viewOf(page); // and back
      await until(() => toField.length === 1);
      assert.equal(toField[0].payload, 'Zoë');
      assert.deepEqual(toField[0]._client, tab._client, 'to that tab only');
    });
  }
});
