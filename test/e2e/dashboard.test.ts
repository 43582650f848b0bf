// The `npm start` setup end to end: the same settings (demo/settings.js), the same prepared user dir
// (shipped flows + seeded demo participant) and this package from dist/ (npm test builds first), on a
// random loopback port in a temp dir, clicked through in headless Chromium. The detection window is
// shortened to 2 s through the Detect tab's DETECT_WINDOW_S variable, the one place the flow reads it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { prepareDemoUserDir } from '../../src/demo/demo-user-dir';
import { DEMO_PARTICIPANT } from '../../src/demo/seed';
import type { FlowNode } from '../../src/demo/combine-flows';
import { modelPath } from '../../src/record/paths';
import { RecordStore } from '../../src/record/record-store';
import { launchChromium, startNodeRed, withDetectWindow, type NodeRedProcess } from '../support/node-red-process';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test-artifacts');
const LABELS = /^(angry|happy|sad|uncertain)$/;

/** Waits until the "Recorded per mood" table shows `count` records for happy. */
function happyCountShows(page: Page, count: number) {
  return page.waitForFunction((n) => {
    const row = Array.from(document.querySelectorAll('tr')).find((tr) => tr.querySelector('td')?.textContent?.trim() === 'happy');
    return row?.querySelector('td[data-column-key="records"]')?.textContent?.trim() === String(n);
  }, count);
}

describe('dashboard in a real Node-RED and headless Chromium', function () {
  this.timeout(120_000);
  let userDir: string;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(join(root, 'dist', 'nodes', 'emotion-infer', 'emotion-infer.js')), 'run npm run build first (npm test does)');
    userDir = mkdtempSync(join(tmpdir(), 'emotion-e2e-'));
    await prepareDemoUserDir(userDir, { flowsDir: join(root, 'flows'), adjustFlows: withDetectWindow(2) });
    nr = await startNodeRed({ userDir });
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });

  afterEach(async () => {
    await page?.close();
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('runs both shipped flows with every node type installed', async () => {
    const res = await fetch(`${nr.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    assert.equal(res.status, 200);
    const { flows } = (await res.json()) as { flows: FlowNode[] };
    const tabs = flows.filter((n) => n.type === 'tab').map((n) => n.label);
    assert.deepEqual(tabs.sort(), ['Emotion detection', 'Emotion training']);
    assert.doesNotMatch(nr.log(), /Waiting for missing types|Missing node modules|unknown type/i);
    assert.match(nr.log(), /Started flows/);
  });

  it('answers "Detect your emotion" with a label, its confidence, a suggestion and a history row', async () => {
    await page.goto(`${nr.url}/dashboard/detect`);
    // The beat detector needs a few beats after start-up before records carry a BPM.
    await page.waitForFunction(() => Number(/Heart rate\s+40\s+160\s+(\d+)/.exec(document.body.innerText)?.[1]) >= 40, null, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    const label = page.locator('.emotion-label');
    await page.waitForFunction(
      (re) => new RegExp(re).test(document.querySelector('.emotion-label')?.textContent?.trim() ?? ''),
      LABELS.source,
      { timeout: 20_000 },
    );
    const answer = (await label.textContent())!.trim();
    assert.match(answer, LABELS);
    assert.match((await page.locator('.emotion-confidence').textContent())!, /\d+ % confident/);
    assert.match((await page.locator('.emotion-suggestion').textContent())!, /Music:.*Lighting:/s);
    await page.getByRole('cell', { name: answer, exact: true }).first().waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'detect.png'), fullPage: true });
  });

  it('records a mood on the Training page, shows the counts, trains and shows the accuracy', async () => {
    const store = new RecordStore(userDir);
    const before = (await store.counts(DEMO_PARTICIPANT)).counts.happy;
    const modelBefore = readFileSync(modelPath(userDir, DEMO_PARTICIPANT), 'utf8');

    await page.goto(`${nr.url}/dashboard/training`);
    // The page starts on the seeded demo participant and "happy" (its defaults).
    await happyCountShows(page, before);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText(/recording happy: [1-9]\d* records/).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText(/stopped: \d+ records/).waitFor();
    const after = (await store.counts(DEMO_PARTICIPANT)).counts.happy;
    assert.ok(after > before, `happy records ${before} -> ${after}`);
    await happyCountShows(page, after);

    await page.getByRole('button', { name: 'Train model' }).click();
    const accuracy = page.locator('.accuracy');
    await accuracy.waitFor({ timeout: 30_000 });
    const percent = Number(/([\d.]+) %/.exec((await accuracy.textContent())!)?.[1]);
    assert.ok(percent > 50 && percent <= 100, `accuracy ${percent} %`);
    assert.equal(await page.locator('table.confusion tr').count(), 4, 'header + one row per label');
    assert.notEqual(readFileSync(modelPath(userDir, DEMO_PARTICIPANT), 'utf8'), modelBefore, 'the model was saved again');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'training.png'), fullPage: true });
  });
});
