// Guards what the editor shows a user: every node in package.json has its runtime source, an editor
// file registering the same type, a dialog with a field for each setting whose texts are all in the
// English and German catalogues, and full help in locales/en-US. Node-RED ignores the locale help when
// the editor file carries a help block of its own, so that is refused here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { editorFiles, editorTypes } from '../support/editor-definitions';

const root = join(__dirname, '..', '..');
const types = editorTypes();

/** A translator over one node set's catalogue that fails on a key the catalogue lacks. */
function catalogue(folder: string, name: string, lang: string): (key: string) => string {
  const messages = JSON.parse(readFileSync(join(folder, 'locales', lang, `${name}.json`), 'utf8')) as Record<string, unknown>;
  return (key) => {
    const text = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], messages);
    assert.equal(typeof text, 'string', `${lang}/${name}.json has "${key}"`);
    return text as string;
  };
}

describe('editor files of every node', () => {
  for (const { set, file } of editorFiles()) {
    const folder = join(root, dirname(file));
    const name = basename(file, '.html');
    const registered = types.find((t) => t.set === set);

    it(`${set}: source, editor registration and full help are in place`, () => {
      assert.ok(existsSync(join(folder, `${name}.ts`)), `${name}.ts exists`);
      assert.equal(registered?.type, set, 'the editor registers the same type');
      assert.doesNotMatch(readFileSync(join(root, file), 'utf8'), /data-help-name/, 'no inline help: it would hide the locale help');
      const help = readFileSync(join(folder, 'locales', 'en-US', `${name}.html`), 'utf8');
      assert.match(help, new RegExp(`data-help-name="${set}"`));
      assert.match(help, /<h3>(Inputs|Details|Outputs)<\/h3>/, 'help follows the Node-RED style guide');
    });

    it(`${set}: a German help with the English one's sections`, () => {
      const sections = (lang: string) => {
        const help = readFileSync(join(folder, 'locales', lang, `${name}.html`), 'utf8');
        assert.match(help, new RegExp(`data-help-name="${set}"`), lang);
        return [...help.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
      };
      // the headings of Node-RED's own German helps; a node's own headings only as many
      const standard: Record<string, string> = { Inputs: 'Eingangsdaten', Outputs: 'Ausgangsdaten', Details: 'Details' };
      const [en, de] = [sections('en-US'), sections('de')];
      assert.equal(de.length, en.length, `sections ${de.join(', ')} for ${en.join(', ')}`);
      en.forEach((heading, i) => standard[heading] && assert.equal(de[i], standard[heading]));
    });

    it(`${set}: the dialog has a field for every setting, its texts in English and German`, () => {
      const { definition, template } = registered!;
      const prefix = definition.category === 'config' ? 'node-config-input-' : 'node-input-';
      // `outputs` follows a checkbox (oneditsave); `version` is the settings' shape, not a setting
      const settings = [...Object.keys(definition.defaults), ...Object.keys(definition.credentials ?? {})].filter((p) => p !== 'outputs' && p !== 'version');
      assert.deepEqual(settings.filter((p) => !template.includes(`id="${prefix}${p}"`)), [], 'settings without a field');
      const keys = [...template.matchAll(/data-i18n="(?:\[\w+\])?([^"]+)"/g)].map((m) => m[1]).filter((k) => !k.startsWith('node-red:'));
      assert.ok(keys.length > 0);
      for (const lang of ['en-US', 'de']) {
        const _ = catalogue(folder, name, lang);
        for (const key of keys) _(key);
        // the palette and node labels too, as the editor calls them
        const node = { _, ...Object.fromEntries(Object.entries(definition.defaults).map(([p, d]) => [p, d.value])) };
        for (const fn of ['paletteLabel', 'label', 'inputLabels', 'outputLabels']) {
          const f = definition[fn];
          if (typeof f === 'function') assert.equal(typeof f.call(fn === 'paletteLabel' ? { _ } : node, 0), 'string', fn);
        }
      }
    });
  }
});
