// `npm start`: the embedded default on one machine. Prepares demo/userdir (the shipped training,
// inference and watch flows, and on first start a seeded demo participant with a trained model), then runs the
// installed Node-RED with demo/settings.js and prints where the editor and the dashboard pages are.
// Ctrl-C stops Node-RED cleanly (it closes every node) and then this script.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const userDir = process.env.EMOTION_IOT_USER_DIR || join(root, 'demo', 'userdir');
const settingsFile = join(root, 'demo', 'settings.js');

// The demo's own code is TypeScript beside this script (demo/*.ts, not part of the built package): tsx
// runs it, as in the tests, in a short-lived process (demo/prepare.ts).
const prepared = JSON.parse(
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'demo', 'prepare.ts'), userDir, join(root, 'flows')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
if (prepared.wroteFlows) console.log(`Wrote the training, inference and watch flows to ${prepared.flowFile}`);
if (prepared.seeded) {
  const s = prepared.seeded;
  console.log(
    `Seeded participant "${s.participant}" with ${s.records} simulated records and trained a demo model ` +
      `(${s.balancedAccuracy === null ? 'not measurable' : `${(s.balancedAccuracy * 100).toFixed(1)} %`} on held-out windows: ${s.verdict})`,
  );
}

// V8 flags for the runtime: a 1 MiB young generation keeps Node-RED with both flows near 100 MiB of RSS
// instead of ~135 MiB (bench/README.md), at the cost of more, shorter scavenges.
const nodeFlags = require(join(root, 'demo', 'node-flags.json'));
const child = spawn(process.execPath, [...nodeFlags, require.resolve('node-red/red.js'), '--settings', settingsFile, '--userDir', userDir], {
  cwd: root,
  env: { ...process.env, EMOTION_IOT_USER_DIR: userDir },
  stdio: ['inherit', 'pipe', 'inherit'],
});

// Dashboard 2.0 logs "Disconnected <socket id> due to transport close" for every browser tab that closes
// or reloads: nothing a user can act on, so it is left out here (the runtime itself still logs it).
const TAB_CLOSED = /\] Disconnected \S+ due to /;
const port = process.env.EMOTION_IOT_PORT ?? '1880';
let url;
let announced = false;
let portInUse = false;
createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
  if (TAB_CLOSED.test(line)) return;
  console.log(line);
  url = /Server now running at (http:\/\/[^/\s]+)\//.exec(line)?.[1] ?? url;
  portInUse ||= /Error: port in use/.test(line);
  if (!announced && url && line.includes('Started flows')) {
    announced = true;
    console.log(
      `\n  Editor:    ${url}/\n  Detect:    ${url}/dashboard/detect\n  Training:  ${url}/dashboard/training\n  Watch:     ${url}/dashboard/watch\n` +
        '  Open them in a browser. The hat is simulated (docs/getting-started.md says how to use a real one). Ctrl-C stops.\n',
    );
  }
});

// A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on. Node-RED
// stops once however often it is asked.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (portInUse) {
    console.error(
      `\nPort ${port} is taken (often by another Node-RED, e.g. the Pi's own service). Start on another port:\n` +
        `  EMOTION_IOT_PORT=${Number(port) + 1} npm start\nor stop the other one (sudo systemctl stop nodered).`,
    );
  }
  process.exit(code ?? (signal ? 0 : 1));
});
