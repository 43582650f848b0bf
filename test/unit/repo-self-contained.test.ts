// A clone on its own must pass the suite: no test, bench, script or demo file may read outside the repository.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const FOLDERS = ['test', 'bench', 'scripts', 'demo', 'src', 'nodes'];
const CODE = /\.(ts|mjs|js|cjs|json)$/;

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (CODE.test(entry.name)) yield full;
  }
}

describe('the repository stands on its own', () => {
  it('no source file names a path outside the repository', () => {
    const offenders: string[] = [];
    for (const folder of FOLDERS) {
      for (const file of files(path.join(ROOT, folder))) {
        const text = fs.readFileSync(file, 'utf8');
        const depth = path.relative(ROOT, path.dirname(file)).split(path.sep).length;
        // one '../' more than the file is deep leaves the repository
        const escape = new RegExp(`(['"\`])(\\.\\./){${depth + 1},}`);
        if (escape.test(text) || /shared\/data/.test(text)) offenders.push(path.relative(ROOT, file));
      }
    }
    assert.deepEqual(offenders, []);
  });
});
