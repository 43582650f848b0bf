// Each shipped flow opened in the real Node-RED editor (headless Chromium) as Import does it: no node may
// be invalid (the red triangle, and a deploy that asks for confirmation), no type unknown, and no two
// node rectangles on a tab may overlap (the editor sizes each node to its label, so a long name running
// over a neighbour counts). Positions and sizes are read from the editor's own model (RED.nodes) after
// each tab has been drawn.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { migrationsSetting, settingsVersion } from '../../nodes/lib/migrations';
import { participantName } from '../../src/record/participant';
import { flows010, flows010Renamed, readmeTypeFix } from '../support/flows-0.1.0';
import { launchChromium, startNodeRed, type NodeRedProcess } from '../support/node-red-process';

const root = join(__dirname, '..', '..');
const flowFiles = readdirSync(join(root, 'flows')).filter((f) => f.endsWith('.json')).sort();
interface Box {
  id: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface FlowEntry {
  id: string;
  type: string;
  label?: string;
  [field: string]: unknown;
}

interface EditorView {
  invalid: string[];
  unknown: string[];
  /** per tab label, the rectangles of its nodes */
  tabs: Record<string, Box[]>;
}

/** Imports a flow into an emptied editor the way Menu > Import does, draws every tab, and reads what it shows. */
function openInEditor(page: Page, flow: FlowEntry[]): Promise<EditorView> {
  return page.evaluate(async (nodes) => {
    // The editor's globals (no types for them here).
    const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
    // Empty the editor of the previous flow (its config nodes share ids with this one's) and show an empty
    // tab, as in a fresh editor: nodes imported onto the active tab would be picked up for placing instead.
    RED.nodes.clear();
    RED.workspaces.add();
    RED.view.importNodes(nodes, { generateIds: false, addFlow: false });
    const ids = new Set(nodes.map((n) => n.id));
    const describe = (n: { id: string; type: string; name?: string }) => `${n.type} ${n.name || n.id}`;
    const invalid: string[] = [];
    const unknown: string[] = [];
    const check = (n: { id: string; type: string; valid?: boolean; validationErrors?: string[] }) => {
      if (!ids.has(n.id)) return;
      if (n.valid === false) invalid.push(`${describe(n)}: ${(n.validationErrors ?? []).join(', ')}`);
      if (!RED.nodes.getType(n.type) && !['tab', 'group', 'junction', 'subflow'].includes(n.type)) unknown.push(describe(n));
    };
    RED.nodes.eachNode(check);
    RED.nodes.eachConfig(check);
    const tabs: Record<string, Box[]> = {};
    for (const tab of nodes.filter((n) => n.type === 'tab')) {
      RED.workspaces.show(tab.id);
      RED.view.redraw(true);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
      tabs[tab.label ?? tab.id] = RED.nodes
        .filterNodes({ z: tab.id })
        .filter((n: { type: string }) => n.type !== 'group')
        .map((n: { id: string; type: string; name?: string; x: number; y: number; w: number; h: number }) => ({
          id: n.id,
          label: describe(n),
          x: n.x,
          y: n.y,
          w: n.w,
          h: n.h,
        }));
    }
    return { invalid, unknown, tabs };
  }, flow);
}

function overlaps(boxes: Box[]): string[] {
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const dx = Math.min(a.x + a.w / 2, b.x + b.w / 2) - Math.max(a.x - a.w / 2, b.x - b.w / 2);
      const dy = Math.min(a.y + a.h / 2, b.y + b.h / 2) - Math.max(a.y - a.h / 2, b.y - b.h / 2);
      if (dx > 0 && dy > 0) found.push(`${a.label} (${a.x},${a.y} ${a.w}x${a.h}) / ${b.label} (${b.x},${b.y} ${b.w}x${b.h})`);
    }
  }
  return found;
}

describe('shipped flows in the real Node-RED editor', function () {
  this.timeout(120_000);
  let userDir: string;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'emotion-editor-'));
    nr = await startNodeRed({ userDir }); // the demo settings: this package from dist/ and Dashboard 2.0, no flows
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // tsx compiles the functions given to page.evaluate with esbuild's keepNames, which calls __name
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
    await page.goto(nr.url);
    await page.waitForFunction(() => {
      const RED = (window as unknown as { RED?: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      return RED?.nodes?.getType('emotion-pulse-bpm') && RED.nodes.getType('ui-button') && RED.workspaces.count() > 0;
    });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  const views = new Map<string, EditorView>();
  /** Each flow is imported once, into an editor emptied of the previous one; both checks read that view. */
  async function viewOf(file: string): Promise<EditorView> {
    if (!views.has(file)) {
      const flow = JSON.parse(readFileSync(join(root, 'flows', file), 'utf8')) as FlowEntry[];
      views.set(file, await openInEditor(page, flow));
    }
    return views.get(file)!;
  }

  for (const file of flowFiles) {
    it(`${file}: every node valid and of a known type`, async () => {
      const view = await viewOf(file);
      assert.deepEqual(view.unknown, [], 'node types the editor does not know');
      assert.deepEqual(view.invalid, [], 'nodes the editor marks invalid (red triangle)');
    });

    it(`${file}: no two nodes overlap`, async function () {
      const tabs = Object.entries((await viewOf(file)).tabs);
      assert.ok(tabs.length > 0 && tabs.every(([, boxes]) => boxes.length > 0 && boxes.every((b) => b.w > 0 && b.h > 0)), 'every tab drawn');
      const overlapping = tabs.flatMap(([tab, boxes]) => overlaps(boxes).map((o) => `${tab}: ${o}`));
      assert.deepEqual(overlapping, [], 'nodes that overlap');
    });
  }

  it('pulse-bpm: picking ECG clears the pulse default Min swing (blank: adaptive), and back; blank is valid', async () => {
    const bpm = { emit: 'interval', interval: '1', saturation: '4095', invert: false };
    const flow: FlowEntry[] = [
      { id: 'ecg-tab', type: 'tab', label: 'ecg' },
      { id: 'bpm-pulse', type: 'emotion-pulse-bpm', z: 'ecg-tab', ...bpm, name: 'ear clip', waveform: 'pulse', minAmplitude: '20', x: 200, y: 100, wires: [[]] },
      { id: 'bpm-ecg', type: 'emotion-pulse-bpm', z: 'ecg-tab', ...bpm, name: 'ecg', waveform: 'ecg', minAmplitude: '', x: 200, y: 200, wires: [[]] },
    ];
    const { invalid, unknown } = await openInEditor(page, flow);
    assert.deepEqual([...invalid, ...unknown], []);
    await page.evaluate(() => {
      const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      RED.editor.edit(RED.nodes.node('bpm-pulse'));
    });
    const swing = page.locator('#node-input-minAmplitude');
    await swing.waitFor();
    await page.selectOption('#node-input-waveform', 'ecg');
    assert.equal(await swing.inputValue(), '');
    assert.equal(await swing.getAttribute('placeholder'), 'adaptive');
    await page.selectOption('#node-input-waveform', 'pulse');
    assert.equal(await swing.inputValue(), '20');
    await page.evaluate(() => (window as unknown as { RED: { tray: { close(): void } } }).RED.tray.close());
  });

  it('says how to carry over a flow saved with 0.1.0 type names, which Node-RED alone only calls unknown', async () => {
    await openInEditor(page, flows010().get('aws.json')!);
    const notice = page.locator('.red-ui-notification', { hasText: 'emotion-iot 0.1.0' });
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    assert.ok(text.includes(readmeTypeFix()), 'the README command');
    assert.match(text, /aws-config, firehose-push, grove-base-hat, grove-ear-hr, grove-gsr, pulse-bpm, sensor-record, sns-notify/);
    await notice.getByRole('button', { name: 'Close' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it("brings the settings of a 0.1.0 flow's nodes to today's, as the runtime does (nodes/lib/migrations.ts)", async () => {
    const flow = [...flows010Renamed().values()].flat().filter((n, i, all) => all.findIndex((m) => m.id === n.id) === i);
    const { invalid } = await openInEditor(page, flow);
    const nodes = await page.evaluate(() => {
      const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      const found: Record<string, unknown>[] = [];
      const keep = (n: { type: string; _def: { defaults: Record<string, unknown> } }) => {
        if (n.type.startsWith('emotion-')) found.push(Object.fromEntries(['id', 'type', ...Object.keys(n._def.defaults)].map((p) => [p, (n as unknown as Record<string, unknown>)[p]])));
      };
      RED.nodes.eachNode(keep);
      RED.nodes.eachConfig(keep);
      return found;
    });
    assert.equal(nodes.length, flow.filter((n) => n.type.startsWith('emotion-')).length);
    for (const node of nodes) {
      const saved = flow.find((n) => n.id === node.id)!;
      assert.equal(node.version, settingsVersion(node.type as string), `${node.type} ${node.id}: version`);
      for (const step of migrationsSetting(node.type as string).value.steps) {
        for (const [p, v] of Object.entries(step.add)) assert.deepEqual(node[p], p in saved ? saved[p] : v, `${node.type} ${node.id}.${p}`);
      }
    }
    // nothing a migration added makes a node invalid (some 0.1.0 nodes lack other settings: they were written by hand)
    const added = new Set(nodes.flatMap((n) => migrationsSetting(n.type as string).value.steps.flatMap((s) => Object.keys(s.add))));
    assert.deepEqual(invalid.filter((line) => line.split(': ')[1].split(', ').some((p) => added.has(p))), []);
  });

  it('takes the participant names the runtime takes (any script, NFC), and refuses what it refuses', async () => {
    // the editor's checks come from one shared script (resources/editor.js): a node using it must load it
    const names = { ok: ['', 'Ana', 'Zoë', 'José María', '李雷', 'ana.b-c_d'], bad: ['../x', 'Zoë/../x', 'a..b', 'CON', 'nul.txt', 'Ana.', '-x'] };
    for (const name of names.ok.slice(1)) assert.doesNotThrow(() => participantName(name), name);
    for (const name of names.bad) assert.throws(() => participantName(name), /invalid participant name/, name);
    const flow: FlowEntry[] = [{ id: 'names', type: 'tab', label: 'names' }];
    for (const [kind, list] of Object.entries(names)) {
      for (const [i, participant] of list.entries()) {
        for (const type of ['emotion-train', 'emotion-sensor-record', 'emotion-infer']) {
          flow.push({ id: `${kind}-${type}-${i}`, type, z: 'names', name: `${kind} ${JSON.stringify(participant)}`, participant, x: 200 + 300 * i, y: 100 });
        }
      }
    }
    const { invalid, unknown } = await openInEditor(page, flow);
    assert.deepEqual(unknown, []);
    // the nodes carry only a participant, so other fields may be invalid too: only the participant counts here
    const refused = (type: string) =>
      invalid.filter((line) => line.startsWith(`${type} `) && line.split(': ')[1].split(', ').includes('participant')).map((line) => line.split(': ')[0].slice(type.length + 1));
    for (const type of ['emotion-train', 'emotion-sensor-record', 'emotion-infer']) {
      assert.deepEqual(refused(type), names.bad.map((n) => `bad ${JSON.stringify(n)}`), type);
    }
  });
});
