// Guards what the editor shows a user: every node in package.json has its runtime source, an editor
// file registering the same type, and full help in locales/en-US. Node-RED ignores the locale help when
// the editor file carries a help block of its own, so that is refused here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };

describe('editor files of every node', () => {
  for (const [type, entry] of Object.entries(pkg['node-red'].nodes)) {
    const folder = join(root, dirname(entry).replace(/^dist\//, ''));
    const name = basename(entry, '.js');

    it(`${type}: source, editor registration and full help are in place`, () => {
      assert.ok(existsSync(join(folder, `${name}.ts`)), `${name}.ts exists`);
      const html = readFileSync(join(folder, `${name}.html`), 'utf8');
      assert.match(html, new RegExp(`RED\\.nodes\\.registerType\\(\\s*'${type}'`), 'the editor registers the same type');
      assert.doesNotMatch(html, /data-help-name/, 'no inline help: it would hide the locale help');
      const help = readFileSync(join(folder, 'locales', 'en-US', `${name}.html`), 'utf8');
      assert.match(help, new RegExp(`data-help-name="${type}"`));
      assert.match(help, /<h3>(Inputs|Details|Outputs)<\/h3>/, 'help follows the Node-RED style guide');
    });
  }
});
