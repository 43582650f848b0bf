// End-to-end detection latency and Node-RED memory, on the `npm start` setup (both shipped flows, the
// seeded demo model, Dashboard 2.0) from dist/: run `npm run build` first.
//
// Latency: the Detect page in headless Chromium presses "Detect your emotion" over and over; for each
// answer the page notes when the answer widget's socket.io message arrived. The window closed at
// emotion.timestamp − emotion.latencyMs (server clock, the same machine's), so
//   to the node's output     = emotion.latencyMs
//   to the dashboard widget  = arrival in the page − (emotion.timestamp − emotion.latencyMs)   (1 ms resolution)
// To make 1,000+ runs take minutes, not hours, the Detect tab's sensor-record ticks every 20 ms and the
// window is 0.1 s (each window averages ~5 records, as a 10 s window averages 10).
// Memory: the runtime's RSS after start-up, and again after the runs with the page connected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDemoUserDir } from '../demo/demo-user-dir';
import type { FlowNode } from '../demo/combine-flows';
import { launchChromium, startNodeRed, withDetectWindow } from '../test/support/node-red-process';

const RUNS = Number(process.env.RUNS ?? 1000);
const ANSWER_WIDGET = 'detect-answer';

function fastTicks(flows: FlowNode[]): FlowNode[] {
  return withDetectWindow(0.1)(flows).map((n) => (n.type === 'emotion-sensor-record' && n.id.startsWith('detect-') ? { ...n, tick: '0.02' } : n));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2).padStart(7);
  return `${name.padEnd(40)} p50 ${f(percentile(s, 50))} ms   p99 ${f(percentile(s, 99))} ms   max ${f(s[s.length - 1])} ms`;
}

async function main() {
  const userDir = mkdtempSync(join(tmpdir(), 'emotion-bench-'));
  const nr = await startNodeRed({ userDir: await prepared(userDir) });
  const browser = await launchChromium();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let start-up garbage settle
    const rssIdle = nr.rssBytes();
    const page = await browser.newPage();
    // Note each answer widget message as it arrives, before the dashboard handles it.
    await page.addInitScript((widget) => {
      const arrivals: { at: number; emotion: { timestamp: number; latencyMs: number } }[] = [];
      (window as unknown as { arrivals: typeof arrivals }).arrivals = arrivals;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (ev) => {
            const at = Date.now();
            if (typeof ev.data !== 'string' || !ev.data.includes(`"msg-input:${widget}"`)) return;
            const [, msg] = JSON.parse(ev.data.slice(ev.data.indexOf('['))) as [string, { emotion?: { timestamp: number; latencyMs: number } }];
            if (msg.emotion) arrivals.push({ at, emotion: msg.emotion });
          });
        }
      };
    }, ANSWER_WIDGET);
    await page.goto(`${nr.url}/dashboard/detect`);
    const button = page.getByRole('button', { name: 'Detect your emotion' });
    await button.waitFor();
    // The beat detector needs a few beats after start-up before records carry a BPM.
    await page.waitForFunction(() => Number(/Heart rate\s+40\s+160\s+(\d+)/.exec(document.body.innerText)?.[1]) >= 40, null, { timeout: 20_000 });
    // a fresh tab has no participant: the seeded demo one answers
    await page.getByLabel('Participant').fill('demo');
    await page.getByLabel('Participant').press('Enter');
    const arrivals = () => page.evaluate(() => (window as unknown as { arrivals: unknown[] }).arrivals.length);
    const started = Date.now();
    for (let i = 0; i < RUNS + 10; i++) {
      const before = await arrivals();
      await button.click();
      await page.waitForFunction((n) => (window as unknown as { arrivals: unknown[] }).arrivals.length > n, before, { polling: 5 }).catch(async (e: Error) => {
        const said = await page.locator('.page-message').allTextContents();
        throw new Error(`run ${i}: no answer (${said.join(' ') || 'no message on the page'})`, { cause: e });
      });
    }
    const seconds = (Date.now() - started) / 1000;
    const rssRunning = nr.rssBytes();
    const data = (await page.evaluate(() => (window as unknown as { arrivals: unknown[] }).arrivals)) as {
      at: number;
      emotion: { timestamp: number; latencyMs: number };
    }[];
    const runs = data.slice(10); // the first few warm the JIT and the model cache
    console.log(`infer-dashboard: ${runs.length} detections in ${seconds.toFixed(0)} s (window 0.1 s, records every 20 ms)`);
    console.log(summary('window closed -> emotion-infer output', runs.map((r) => r.emotion.latencyMs)));
    console.log(summary('window closed -> dashboard widget', runs.map((r) => r.at - (r.emotion.timestamp - r.emotion.latencyMs))));
    console.log(`Node-RED RSS, both flows running, idle:            ${(rssIdle / 2 ** 20).toFixed(1)} MiB`);
    console.log(`Node-RED RSS, after the runs, dashboard connected: ${(rssRunning / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    await browser.close();
    await nr.stop();
    rmSync(userDir, { recursive: true, force: true });
  }
}

async function prepared(userDir: string): Promise<string> {
  await prepareDemoUserDir(userDir, { flowsDir: join(__dirname, '..', 'flows'), adjustFlows: fastTicks });
  return userDir;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
