// The flows version 0.1.0 shipped (test/data/flows-0.1.0/, as they were in flows/), and the same flows
// after the README's one documented fix for their type names (its `sed` command, run as a user runs it):
// what a user who saved a flow with 0.1.0 has, before and after upgrading.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowNode } from '../../demo/combine-flows';

const root = join(__dirname, '..', '..');
const dir = join(root, 'test', 'data', 'flows-0.1.0');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** The README's command that renames 0.1.0 type names in ~/.node-red/flows.json. */
export function readmeTypeFix(): string {
  const command = /`(sed -E -i '[^`]*' ~\/\.node-red\/flows\.json)`/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
  if (!command) throw new Error('README.md names no sed command for 0.1.0 flows');
  return command;
}

/** Each 0.1.0 flow file as it shipped. */
export function flows010(): Map<string, FlowNode[]> {
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as FlowNode[]]));
}

/** Each 0.1.0 flow file after the README's sed command ran on it (the real sed, on a copy). */
export function flows010Renamed(): Map<string, FlowNode[]> {
  const work = mkdtempSync(join(tmpdir(), 'flows-0.1.0-'));
  try {
    const [, expression] = /^sed -E -i '(.*)' /.exec(readmeTypeFix())!;
    return new Map(
      files.map((f) => {
        const file = join(work, f);
        cpSync(join(dir, f), file);
        execFileSync('sed', ['-E', '-i', expression, file]);
        return [f, JSON.parse(readFileSync(file, 'utf8')) as FlowNode[]];
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
