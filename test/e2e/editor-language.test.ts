// The editor in a second language: a browser whose editor language is German sees this package's palette
// labels and dialog labels in German (message catalogues in nodes/<name>/locales/<lang>/<name>.json).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startNodeRed, type NodeRedProcess } from '../support/node-red-process';

describe('the editor in German', function () {
  this.timeout(90_000);
  let userDir: string;
  let nr: NodeRedProcess;
  let browser: Browser;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'emotion-editor-lang-'));
    nr = await startNodeRed({ userDir });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  async function openEditor(lang: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem('editor-language', l), lang);
    const page = await context.newPage();
    await page.goto(nr.url + '/');
    await page.waitForSelector('.red-ui-palette-node', { timeout: 60_000 });
    return page;
  }

  const paletteLabel = (page: Page, type: string) =>
    page.locator(`.red-ui-palette-node[data-palette-type="${type}"] .red-ui-palette-label`).innerText().then((t) => t.replace(/\s+/g, ' ').trim());

  async function dialogLabels(page: Page, type: string): Promise<string[]> {
    await page.evaluate((t) => {
      const R = (window as unknown as { RED: any }).RED; // eslint-disable-line @typescript-eslint/no-explicit-any
      R.view.importNodes([{ id: 'lang-test', type: t, x: 200, y: 100, z: R.workspaces.active(), wires: [[]] }]);
      R.editor.edit(R.nodes.node('lang-test'));
    }, type);
    await page.waitForSelector('#node-input-channel');
    return page.locator('.red-ui-tray .form-row label').allInnerTexts();
  }

  it('shows palette labels and dialog labels in German', async () => {
    const page = await openEditor('de');
    assert.equal(await paletteLabel(page, 'grove-gsr'), 'Grove GSR');
    assert.equal(await paletteLabel(page, 'grove-ear-hr'), 'Grove Ohrclip');
    assert.equal(await paletteLabel(page, 'aws-iot-in'), 'AWS IoT ein');
    const labels = (await dialogLabels(page, 'grove-gsr')).map((l) => l.trim());
    for (const label of ['Kanal', 'Alle', 'Referenz', 'Beim Deploy mit dem Messen beginnen']) {
      assert.ok(labels.includes(label), `"${label}" in ${JSON.stringify(labels)}`);
    }
    await page.context().close();
  });

  it('stays English for an English editor', async () => {
    const page = await openEditor('en-US');
    assert.equal(await paletteLabel(page, 'grove-gsr'), 'grove gsr');
    const labels = (await dialogLabels(page, 'grove-gsr')).map((l) => l.trim());
    assert.ok(labels.includes('Channel') && labels.includes('Start sampling on deploy'), JSON.stringify(labels));
    await page.context().close();
  });
});
