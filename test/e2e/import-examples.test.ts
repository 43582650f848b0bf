// Every shipped example imported into the real Node-RED editor, one after another, the way a newcomer does
// it: Menu > Import > Examples > this package > the example > Import, and "Import copy" when the editor says
// some nodes already exist. Whatever the order, the workspace ends with one of each shared config node (one
// dashboard base and theme, one simulated hat, one MQTT broker, one AWS IoT broker, one AWS account), and
// the flows that share a config node point at the same one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, startNodeRed, type NodeRedProcess } from '../support/node-red-process';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test-artifacts'); // what a failing run saw, kept by .ci/run
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

interface FlowNode {
  id: string;
  type: string;
  x?: number;
  [field: string]: unknown;
}
const flowOf = (name: string): FlowNode[] => JSON.parse(readFileSync(join(root, 'examples', `${name}.json`), 'utf8'));
const isConfig = (n: FlowNode) => n.type !== 'tab' && n.type !== 'group' && n.type !== 'junction' && n.x === undefined;

/** Per type, how many config nodes the examples hold between them when each shared one counts once. */
function distinctConfigNodes(): Record<string, number> {
  const ids = new Map<string, string>();
  for (const name of examples) for (const n of flowOf(name).filter(isConfig)) ids.set(n.id, n.type);
  const counts: Record<string, number> = {};
  for (const type of ids.values()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

interface Workspace {
  configs: Record<string, number>;
  /** per config node type, the config node each flow node of that example uses (by the node's name) */
  brokerOf: Record<string, string>;
  invalid: string[];
}

function readWorkspace(page: Page): Promise<Workspace> {
  return page.evaluate(() => {
    const RED = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
    const configs: Record<string, number> = {};
    RED.nodes.eachConfig((n: { type: string }) => void (configs[n.type] = (configs[n.type] ?? 0) + 1));
    const brokerOf: Record<string, string> = {};
    const invalid: string[] = [];
    RED.nodes.eachNode((n: { type: string; name?: string; id: string; broker?: string; valid?: boolean; validationErrors?: string[] }) => {
      if (n.type.startsWith('mqtt ')) brokerOf[`${n.type} ${n.name || n.id}`] = n.broker ?? '';
      if (n.valid === false) invalid.push(`${n.type} ${n.name || n.id}: ${(n.validationErrors ?? []).join(', ')}`);
    });
    return { configs, brokerOf, invalid };
  });
}

describe('importing the examples one after another in the real editor', function () {
  this.timeout(180_000);
  let userDir: string;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'emotion-import-'));
    nr = await startNodeRed({ userDir }); // this package from dist/ and Dashboard 2.0, no flows
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' }); // tsx's keepNames in page.evaluate
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `import-examples-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}.png`) });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  async function freshEditor(): Promise<void> {
    await page.goto(nr.url);
    await page.waitForFunction(() => {
      const RED = (window as unknown as { RED?: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      return RED?.nodes?.getType('emotion-grove-base-hat') && RED.nodes.getType('ui-theme') && RED.workspaces.count() > 0;
    });
  }

  /** Clicks once no jQuery animation runs in the import dialog (the examples tree slides folders open). */
  async function clickWhenStill(target: Locator): Promise<void> {
    await target.waitFor();
    await page.waitForFunction(() => (window as unknown as { $: (s: string) => { length: number } }).$('#red-ui-clipboard-dialog-import-tabs-content :animated').length === 0);
    await target.click();
  }

  /**
   * Selects an example in the tree, which enables Import. Once, on a loaded CI run, a click on the example
   * left Import disabled (not reproduced here, with or without load): a user clicks again, and so does this,
   * up to three times, then says which example would not select.
   */
  async function selectExample(row: Locator, name: string): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await clickWhenStill(row);
      const enabled = await page.locator('#red-ui-clipboard-dialog-ok:enabled').waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (enabled) return;
    }
    throw new Error(`Import stayed disabled after clicking the example ${name} three times`);
  }

  /** Menu > Import > Examples > the package > `name` > Import; "Import copy" if the editor asks. Returns whether it asked. */
  async function importExample(name: string): Promise<boolean> {
    // the previous import's notification must be gone, or it would be taken for this one's
    await page.waitForFunction(() => document.querySelectorAll('.red-ui-notification').length === 0, null, { timeout: 15_000 });
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.getByRole('link', { name: 'Examples' }).click();
    const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await clickWhenStill(tree.getByText(pkg.name, { exact: true }));
    await selectExample(tree.getByText(name, { exact: true }), name);
    await page.click('#red-ui-clipboard-dialog-ok');
    // a notification fades out after its button is clicked: only the newest counts
    const copy = page.getByRole('button', { name: 'Import copy' }).last();
    const imported = page.locator('.red-ui-notification').filter({ hasText: 'Imported' }).last();
    await copy.or(imported).first().waitFor();
    const asked = await copy.isVisible();
    if (asked) {
      await copy.click();
      await imported.waitFor();
    }
    await page.waitForFunction(() => !Array.from(document.querySelectorAll('.red-ui-notification button')).some((b) => b.textContent?.trim() === 'Import copy'));
    // the imported nodes hang on the pointer until a click puts them down
    await page.mouse.click(800, 500);
    return asked;
  }

  const reported = ['sensors', 'training', 'inference', 'smart-light']; // the order of the report, then the rest
  const first = [...reported, ...examples.filter((e) => !reported.includes(e))];
  const orders: Record<string, string[]> = {
    [`${first.join(', ')} (the report's order first)`]: first,
    'the reverse': [...first].reverse(),
  };

  for (const [label, order] of Object.entries(orders)) {
    it(`${label}: one of each shared config node, every node valid`, async () => {
      assert.deepEqual([...order].sort(), examples, 'every example, once');
      await freshEditor();
      const asked: string[] = [];
      for (const name of order) if (await importExample(name)) asked.push(name);
      assert.ok(asked.length >= 3, `the editor offered "Import copy" for the examples that share config nodes (asked for: ${asked.join(', ')})`);
      const ws = await readWorkspace(page);
      assert.deepEqual(ws.configs, distinctConfigNodes(), 'config nodes per type');
      assert.deepEqual(ws.invalid, [], 'nodes the editor marks invalid');
      // the Detect flow's "answers to MQTT" and the smart-light tab talk to one broker
      const brokers = new Set(Object.values(ws.brokerOf));
      assert.equal(Object.keys(ws.brokerOf).length >= 3 && brokers.size, 1, JSON.stringify(ws.brokerOf));
    });
  }
});
