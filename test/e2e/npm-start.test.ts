// What a newcomer sees from `npm start` (demo/start.mjs, run here after npm test's build, on a free port in
// a temp user dir): the addresses to open and no warnings they cannot act on ("Projects disabled",
// "Encrypted credentials not found", a "Disconnected" line per closed browser tab); Dashboard's "App is
// offline ready" box does not stay over the Detect page's Recent answers; a taken port is named with the
// command that starts on another one.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/node-red-process';

const root = join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(userDir: string, port: string): Started {
  const child = spawn(process.execPath, [join(root, 'demo', 'start.mjs')], {
    cwd: root,
    env: { ...process.env, EMOTION_IOT_USER_DIR: userDir, EMOTION_IOT_PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start, as a newcomer sees it', function () {
  this.timeout(120_000);
  let userDir: string;
  let started: Started | undefined;
  let browser: Browser | undefined;
  let blocker: Server | undefined;

  before(() => {
    userDir = mkdtempSync(join(tmpdir(), 'emotion-start-'));
  });

  after(async () => {
    await browser?.close();
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGINT');
      await started.exited;
    }
    blocker?.close();
    rmSync(userDir, { recursive: true, force: true });
  });

  it('prints the addresses, warns about nothing it need not, and logs no line per closed tab', async () => {
    started = npmStart(userDir, '0');
    const detect = await until('the Detect address', () => /Detect: +(http:\/\/\S+)/.exec(started!.output())?.[1]);
    assert.match(started.output(), /Editor: +http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.match(started.output(), /Training: +http:\/\/127\.0\.0\.1:\d+\/dashboard\/training/);
    assert.doesNotMatch(started.output(), /Projects disabled|Encrypted credentials not found|\[warn\]/);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(detect);
    const table = page.locator('table').last();
    await table.waitFor();
    // the service worker's first install says "App is offline ready" in a box at the bottom right
    const toast = page.locator('.pwa-toast');
    await toast.waitFor({ timeout: 30_000 });
    assert.match((await toast.textContent()) ?? '', /offline ready/);
    await toast.waitFor({ state: 'hidden', timeout: 10_000 });
    await table.scrollIntoViewIfNeeded();
    const box = (await table.boundingBox())!;
    const covered = await page.evaluate(
      ([x, y]) => !!document.elementFromPoint(x, y)?.closest('.pwa-toast'),
      [box.x + box.width - 10, box.y + box.height - 10],
    );
    assert.equal(covered, false, 'the toast no longer covers the Recent answers table');
    await page.close();
    await new Promise((r) => setTimeout(r, 1500)); // the runtime sees the socket close
    assert.doesNotMatch(started.output(), /Disconnected \S+ due to/);

    started.child.kill('SIGINT');
    assert.equal(await started.exited, 0, 'Ctrl-C stops Node-RED cleanly');
  });

  it('names a taken port and the command that starts on the next one', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    started = npmStart(userDir, String(port));
    assert.notEqual(await started.exited, 0);
    assert.ok(started.output().includes(`Port ${port} is taken`), started.output());
    assert.ok(started.output().includes(`EMOTION_IOT_PORT=${port + 1} npm start`), started.output());
  });
});
