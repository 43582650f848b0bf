// Starts a real Node-RED (the installed runtime's red.js) as a child process, by default with the demo
// settings (demo/settings.js: this package from dist/ plus Dashboard 2.0), in a given user dir, on a random
// loopback port, and waits until its flows have started. The e2e tests and bench/infer-dashboard.ts use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { FlowNode } from '../../demo/combine-flows';

const root = join(__dirname, '..', '..');
const redJs = require.resolve('node-red/red.js');
const demoSettings = join(root, 'demo', 'settings.js');
/** the V8 flags `npm start` runs Node-RED with, so tests and benches measure the same runtime */
const nodeFlags: string[] = JSON.parse(readFileSync(join(root, 'demo', 'node-flags.json'), 'utf8'));

export interface NodeRedProcess {
  /** e.g. http://127.0.0.1:40123 (https:// with settings that serve HTTPS; no trailing slash) */
  url: string;
  pid: number;
  /** everything the runtime printed so far */
  log(): string;
  /** resident set size of the runtime process, bytes (Linux) */
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  userDir: string;
  /** extra environment for the runtime */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** a settings file other than demo/settings.js (which loads this package from the repository) */
  settingsFile?: string;
  /** the log line that says the flows run, in the runtime's language (default English) */
  startedLog?: RegExp;
}

export async function startNodeRed(opts: StartOptions): Promise<NodeRedProcess> {
  const child = spawn(process.execPath, [...nodeFlags, redJs, '--settings', opts.settingsFile ?? demoSettings, '--userDir', opts.userDir], {
    cwd: root,
    env: { ...process.env, ...opts.env, EMOTION_IOT_USER_DIR: opts.userDir, EMOTION_IOT_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const proc: NodeRedProcess = {
    url: '',
    pid: child.pid ?? 0,
    log: () => output,
    rssBytes: () => rssOf(child.pid ?? 0),
    stop: () => stop(child),
  };
  try {
    // the only URL the runtime logs is its own, whatever the language of the line
    const origin = await waitFor(child, () => /(https?:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1], opts.timeoutMs);
    proc.url = origin;
    await waitFor(child, () => (opts.startedLog ?? /Started flows/).test(output) || undefined, opts.timeoutMs);
  } catch (e) {
    await proc.stop();
    throw new Error(`${(e as Error).message}\n--- Node-RED output ---\n${output}`, { cause: e });
  }
  return proc;
}

function waitFor<T>(child: ChildProcess, probe: () => T | undefined, timeoutMs = 30000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const value = probe();
      if (value !== undefined) {
        clearInterval(timer);
        resolve(value);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(timer);
        reject(new Error(`Node-RED exited (${child.exitCode ?? child.signalCode}) before it was ready`));
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`Node-RED not ready after ${timeoutMs} ms`));
      }
    }, 50);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}

function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** Sets the Detect tab's DETECT_WINDOW_S (emotion-infer's window, and start detection's lock until the window opens). */
export function withDetectWindow(seconds: number) {
  return (flows: FlowNode[]): FlowNode[] =>
    flows.map((n) =>
      n.type === 'tab' && Array.isArray(n.env) && n.env.some((e: { name: string }) => e.name === 'DETECT_WINDOW_S')
        ? { ...n, env: [{ name: 'DETECT_WINDOW_S', value: String(seconds), type: 'num' }] }
        : n,
    );
}

/** Debian's Chromium through playwright-core (Playwright's own browser download is not available). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Sets the shipped arousal watch node's settings (the Watch page's tests shorten its minutes to seconds). */
export function withArousalSettings(settings: Record<string, string>) {
  return (flows: FlowNode[]): FlowNode[] => flows.map((n) => (n.type === 'emotion-arousal' ? { ...n, ...settings } : n));
}
