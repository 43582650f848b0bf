// Guards what the editor shows a user: every node in package.json has its runtime source, an editor
// file registering the same type, a dialog with a field for each setting whose texts are all in the
// English and German catalogues, and full help in locales/en-US. Node-RED ignores the locale help when
// the editor file carries a help block of its own, so that is refused here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { needsWindows } from '../../src/model/window-rows';
import { FEATURE_SETS, WINDOW_CHOICES } from '../../src/signal/window-features';
import { editorFiles, editorHelper, editorTypes } from '../support/editor-definitions';

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
  it("the Features and Window choices are the runtime's, and each dialog offers every set", () => {
    const helper = editorHelper() as { featureSets: string[]; windowedFeatureSets: string[]; windowChoices: number[]; featureSet(v: unknown): boolean; featureWindow(v: unknown): boolean };
    const names = Object.keys(FEATURE_SETS) as (keyof typeof FEATURE_SETS)[];
    assert.deepEqual([...helper.featureSets], names);
    assert.deepEqual([...helper.windowedFeatureSets], names.filter((n) => needsWindows(FEATURE_SETS[n].features)));
    assert.deepEqual([...helper.windowChoices], [...WINDOW_CHOICES]);
    assert.deepEqual(['published', 'recommended', 'best', ''].map((v) => helper.featureSet(v)), [true, true, false, false]);
    assert.deepEqual(['', '10', '30', '60', '45', 'x'].map((v) => helper.featureWindow(v)), [true, true, true, true, false, false]);
    for (const type of ['emotion-train', 'emotion-infer']) {
      const { template } = types.find((t) => t.type === type)!;
      for (const name of names) assert.match(template, new RegExp(`<option value="${name}"`), `${type} offers ${name}`);
    }
    const train = types.find((t) => t.type === 'emotion-train')!.template;
    for (const w of ['', ...WINDOW_CHOICES.map(String)]) assert.match(train, new RegExp(`<option value="${w}"`), `emotion-train offers a window of "${w}"`);
    assert.match(train, /data-emotion-when="\{&quot;featureSet&quot;:\[&quot;recommended&quot;\]\}"/, 'the Window row only for a set of window features');
    const infer = types.find((t) => t.type === 'emotion-infer')!.template;
    assert.match(infer, /data-emotion-when="\{&quot;backend&quot;:&quot;sagemaker&quot;\}">\s*<label for="node-input-featureSet"/, 'Features only with the SageMaker backend');
  });

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

    const source = readFileSync(join(folder, `${name}.ts`), 'utf8');
    if (source.includes('configNumber(')) it(`${set}: a bad number setting is named and explained in English and German`, () => {
      // configNumber(t, value, 'field', ...) or a node's own wrapper around it: optional(def.x, 'field', ...)
      const fields = [...source.matchAll(/(?:configNumber\([^,()]+, [^,()]+|(?:optional|seconds)\(def\.\w+), '(\w+)'/g)].map((m) => m[1]);
      assert.ok(fields.length > 0, 'its number settings are found');
      for (const lang of ['en-US', 'de']) {
        const _ = catalogue(folder, name, lang);
        for (const rule of ['number', 'atLeast', 'atMost', 'status']) _(`setting.${rule}`);
        for (const field of fields) _(`setting.name.${field}`);
      }
    });
  }
});
