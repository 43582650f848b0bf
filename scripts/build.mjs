// Compiles src/ and nodes/ to dist/ with tsc, then puts each node's editor files (.html, locales/,
// icons/) beside its compiled .js, where the Node-RED registry looks for them, and refreshes examples/
// from flows/ so the editor's Import > Examples menu offers the shipped flows.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

const nodesDir = join(root, 'nodes');
for (const name of readdirSync(nodesDir)) {
  const from = join(nodesDir, name);
  const to = join(root, 'dist', 'nodes', name);
  for (const entry of readdirSync(from)) {
    if (entry.endsWith('.html') || entry === 'locales' || entry === 'icons') {
      mkdirSync(to, { recursive: true });
      cpSync(join(from, entry), join(to, entry), { recursive: true });
    }
  }
}

const flowsDir = join(root, 'flows');
if (existsSync(flowsDir)) {
  mkdirSync(join(root, 'examples'), { recursive: true });
  for (const file of readdirSync(flowsDir).filter((f) => f.endsWith('.json'))) {
    cpSync(join(flowsDir, file), join(root, 'examples', file));
  }
}
