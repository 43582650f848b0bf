// What `npm publish` would ship works on its own: `npm pack` in a clean checkout (a copy of the repository
// without dist/; prepack builds it) makes a tarball, `npm install <tarball>` puts it into a fresh Node-RED
// user dir, and a real Node-RED started there (with no path to this repository) registers every node type
// the editor files declare, with no load error, and serves the editor script their dialogs are built with.
// Optional dependencies (native I2C, the AWS IoT CRT) are left out: the nodes must load without them.
// npm may read the registry (CI has it) but prefers its cache, so a warm machine needs no network.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { editorTypes } from '../support/editor-definitions';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';

const run = promisify(execFile);
/** what a fresh clone does not have: git's own folder, installs and build, test and CI outputs */
const NOT_IN_A_CHECKOUT = new Set(['.git', 'node_modules', 'dist', 'test-artifacts', join('.ci', 'cache'), join('demo', 'userdir')]);
const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'name': string; 'node-red': { nodes: Record<string, string> } };

/** The types the editor files of the package's node sets register, i.e. what a user sees in the palette. */
function declaredTypes(): string[] {
  return editorTypes()
    .map((t) => t.type)
    .sort();
}

interface NodeSet {
  module: string;
  types: string[];
  enabled: boolean;
  loaded?: boolean;
  err?: string;
}

describe('the npm tarball in a fresh Node-RED user dir', function () {
  this.timeout(240_000);
  let work: string;
  let nr: NodeRedProcess | undefined;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'emotion-pack-'));
  });

  after(async () => {
    await nr?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs with npm install <tarball> and registers every node type', async () => {
    const checkout = join(work, 'checkout');
    cpSync(root, checkout, { recursive: true, filter: (from) => !NOT_IN_A_CHECKOUT.has(relative(root, from)) });
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout, maxBuffer: 64 << 20 });
    // prepack's build output shares stdout with npm's JSON report, which comes last
    const [report] = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[\n') + 1)) as { filename: string; files: { path: string }[] }[];
    const shipped = new Set(report.files.map((f) => f.path));
    const missing = Object.values(pkg['node-red'].nodes)
      .flatMap((js) => [js, js.replace(/\.js$/, '.html')])
      .filter((f) => !shipped.has(f));
    assert.deepEqual(missing, [], 'node files named in package.json but not in the tarball');

    const userDir = join(work, 'userdir');
    const settingsFile = join(work, 'settings.js');
    mkdirSync(userDir);
    writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    writeFileSync(
      settingsFile,
      `module.exports = ${JSON.stringify({
        uiPort: 0,
        uiHost: '127.0.0.1',
        flowFile: join(userDir, 'flows.json'),
        telemetry: { enabled: false, updateNotification: false },
        diagnostics: { enabled: false },
      })};\n`,
    );
    await run(
      'npm',
      ['install', join(work, report.filename), '--prefer-offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: userDir, maxBuffer: 64 << 20 },
    );

    nr = await startNodeRed({ userDir, settingsFile });
    const res = await fetch(`${nr.url}/nodes`, { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200);
    const sets = ((await res.json()) as NodeSet[]).filter((s) => s.module === pkg.name);
    const failed = sets.filter((s) => !s.enabled || s.loaded === false || s.err).map((s) => `${s.types.join(',')}: ${s.err}`);
    assert.deepEqual(failed, [], 'node sets that did not load');
    assert.deepEqual(sets.flatMap((s) => s.types).sort(), declaredTypes());
    // every editor file loads the shared editor script from the package's resources/, which Node-RED serves
    const editorScript = await fetch(`${nr.url}/resources/${pkg.name}/editor.js`);
    assert.equal(editorScript.status, 200, 'resources/editor.js is served');
    assert.match(await editorScript.text(), /window\.emotionIot = \{/);
  });
});
