// A clone on its own must pass the suite: no test, bench, script or demo file may read outside the repository.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const FOLDERS = ['test', 'bench', 'scripts', 'demo', 'src', 'nodes'];
const CODE = /\.(ts|mjs|js|cjs|json)$/;
/** an issue tracker cited: "issue" after a parenthesis with a colon, # or number, or a link to issues/<number> (built in parts so this file does not match itself) */
const ISSUE = new RegExp('\\(' + 'issue[:# ][^)]*\\)|/' + 'issues/\\d+', 'gi');

function* files(dir: string, code = CODE): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full, code);
    else if (code.test(entry.name)) yield full;
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

  it('comments cite documents in the repository, not notes or an issue tracker a clone does not have', () => {
    const cited: string[] = [];
    const folders = [...FOLDERS, 'resources', 'cloud/lib', 'cloud/lambda', 'cloud/bin'].filter((f) => fs.existsSync(path.join(ROOT, f)));
    for (const folder of folders) {
      for (const file of files(path.join(ROOT, folder), /\.(ts|mjs|js|cjs|html|py)$/)) {
        const where = path.relative(ROOT, file);
        const text = fs.readFileSync(file, 'utf8');
        for (const [doc] of text.matchAll(/[\w./-]+\.md\b/g)) {
          if (!fs.existsSync(path.join(ROOT, doc)) && !fs.existsSync(path.join(path.dirname(file), doc))) cited.push(`${where}: ${doc}`);
        }
        for (const [issue] of text.matchAll(ISSUE)) cited.push(`${where}: ${issue}`);
      }
    }
    assert.deepEqual(cited, []);
  });
});
