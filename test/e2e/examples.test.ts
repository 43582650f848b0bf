// The shipped example flows (examples/, copied from flows/ by the build) import cleanly: every node type
// exists (core, this package, or Dashboard 2.0), every wire and config reference points at a node in the
// same file, every non-config node of this package is shown in some example (Flow Library check N02),
// and the flows share their config nodes so that importing all of them gives one dashboard and one hat.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { combineFlows, type FlowNode } from '../../demo/combine-flows';
import { editorTypes } from '../support/editor-definitions';

const root = join(__dirname, '..', '..');
const coreDir = dirname(require.resolve('@node-red/nodes/package.json'));
const dashboardDir = dirname(require.resolve('@flowfuse/node-red-dashboard/package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };

interface TypeInfo {
  config: boolean;
  /** property name -> the config node type it references */
  refs: Map<string, string>;
}

/** Reads node types, their config category and their config-node properties from core and Dashboard editor .html files. */
function typesFrom(htmlFiles: string[]): Map<string, TypeInfo> {
  const types = new Map<string, TypeInfo>();
  for (const file of htmlFiles) {
    const html = readFileSync(file, 'utf8');
    // Each registerType call up to the next one is that type's definition.
    const parts = html.split(/RED\.nodes\.registerType\(\s*/).slice(1);
    for (const part of parts) {
      const type = /^['"]([^'"]+)['"]/.exec(part)?.[1];
      if (!type) continue;
      const refs = new Map<string, string>();
      for (const m of part.matchAll(/(\w+)\s*:\s*\{[^{}]*?\btype\s*:\s*['"]([\w-]+)['"]/g)) refs.set(m[1], m[2]);
      types.set(type, { config: /category\s*:\s*['"]config['"]/.test(part), refs });
    }
  }
  return types;
}

function htmlUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && !f.includes('locales'))
    .map((f) => join(dir, f));
}

const ours = new Map<string, TypeInfo>(
  editorTypes().map(({ type, definition }) => [
    type,
    {
      config: definition.category === 'config',
      refs: new Map(Object.entries(definition.defaults).flatMap(([prop, d]) => (d.type ? [[prop, d.type] as [string, string]] : []))),
    },
  ]),
);
const known = new Map([
  ...typesFrom(htmlUnder(join(coreDir, 'core'))),
  ...typesFrom(htmlUnder(join(dashboardDir, 'nodes'))),
  ...ours,
]);
for (const builtIn of ['tab', 'group', 'junction', 'subflow']) known.set(builtIn, { config: false, refs: new Map() });

const exampleFiles = existsSync(join(root, 'examples'))
  ? readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).sort()
  : [];
const examples = new Map(
  exampleFiles.map((f) => [f, JSON.parse(readFileSync(join(root, 'examples', f), 'utf8')) as FlowNode[]]),
);

describe('example flows', () => {
  it('ships the training and inference flows in examples/, identical to flows/', () => {
    const flowFiles = readdirSync(join(root, 'flows')).filter((f) => f.endsWith('.json')).sort();
    assert.ok(flowFiles.includes('training.json') && flowFiles.includes('inference.json'), `flows/: ${flowFiles.join(', ')}`);
    assert.deepEqual(exampleFiles, flowFiles, 'examples/ is refreshed from flows/ by npm run build');
    for (const f of flowFiles) {
      assert.equal(readFileSync(join(root, 'examples', f), 'utf8'), readFileSync(join(root, 'flows', f), 'utf8'), f);
    }
  });

  for (const [file, flow] of examples) {
    describe(file, () => {
      const ids = new Map(flow.map((n) => [n.id, n]));

      it('is a list of nodes with unique ids and known types', () => {
        assert.ok(Array.isArray(flow) && flow.length > 0);
        assert.equal(ids.size, flow.length, 'duplicate ids');
        const unknown = flow.filter((n) => !known.has(n.type)).map((n) => `${n.id}: ${n.type}`);
        assert.deepEqual(unknown, [], 'types that are neither core, this package, nor Dashboard 2.0');
      });

      it('wires, tabs, links and config references all resolve within the file', () => {
        const broken: string[] = [];
        for (const n of flow) {
          const info = known.get(n.type);
          if (n.z !== undefined && ids.get(n.z)?.type !== 'tab') broken.push(`${n.id}.z -> ${n.z}`);
          for (const target of (n.wires ?? []).flat()) if (!ids.has(target)) broken.push(`${n.id} wire -> ${target}`);
          for (const target of (n.links as string[] | undefined) ?? []) if (!ids.has(target)) broken.push(`${n.id} link -> ${target}`);
          for (const [prop, configType] of info?.refs ?? []) {
            const value = n[prop];
            if (value === undefined || value === '' || value === null) continue;
            if (ids.get(value as string)?.type !== configType) broken.push(`${n.id}.${prop} -> ${String(value)} (${configType})`);
          }
        }
        assert.deepEqual(broken, []);
      });

      it('has a comment node describing it', () => {
        assert.ok(flow.some((n) => n.type === 'comment' && String(n.info ?? '').length > 100));
      });

      it('says how to enable each node shipped disabled in its description, not in a name that outlives it', () => {
        const named = flow.filter((n) => /\benable\b/i.test(String(n.name ?? ''))).map((n) => `${n.id}: ${String(n.name)}`);
        assert.deepEqual(named, [], 'names that would still say "enable" once the node is enabled');
        const untold = flow.filter((n) => n.d === true && !/enable this node/i.test(String(n.info ?? ''))).map((n) => n.id);
        assert.deepEqual(untold, [], 'disabled nodes whose description does not say how to enable them');
      });
    });
  }

  it('uses every non-config node type of this package somewhere', () => {
    const declared = Object.keys(pkg['node-red'].nodes).filter((t) => !ours.get(t)?.config);
    const used = new Set([...examples.values()].flat().map((n) => n.type));
    assert.deepEqual(declared.filter((t) => !used.has(t)), []);
  });

  it('imports together with one ui-base, one theme and one hat', () => {
    const all = combineFlows([...examples.values()]);
    for (const type of ['ui-base', 'ui-theme', 'emotion-grove-base-hat']) {
      assert.equal(all.filter((n) => n.type === type).length, 1, type);
    }
    const paths = all.filter((n) => n.type === 'ui-page').map((n) => n.path);
    assert.equal(new Set(paths).size, paths.length, `page paths ${paths.join(', ')}`);
    assert.ok(paths.includes('/training') && paths.includes('/detect'));
  });

  // The pages' German comes from the catalogues (resources/page-texts.js applies it in the browser): every title
  // and label the shipped pages show must be there, or a German page shows it in English.
  for (const [file, node, page] of [['inference.json', 'emotion-infer', 'detect'], ['training.json', 'emotion-train', 'training']]) {
    it(`${file}: the German catalogue titles every group and labels every widget of the page`, () => {
      const catalogue = JSON.parse(readFileSync(join(root, 'nodes', node, 'locales', 'de', `${node}.json`), 'utf8'));
      const section = catalogue[`${page}-page`] as { groups: Record<string, string>; widgets: Record<string, Record<string, unknown>> };
      const flow = examples.get(file)!;
      const missing: string[] = [];
      for (const n of flow.filter((n) => n.type === 'ui-group')) if (!section.groups[n.id]) missing.push(`group ${n.id} "${String(n.name)}"`);
      for (const n of flow.filter((n) => (n.type.startsWith('ui-') && n.group !== undefined) || n.type === 'ui-notification')) {
        for (const prop of ['label', 'title', 'options', 'columns', 'dismissText']) {
          const value = n[prop];
          const shown = Array.isArray(value) ? value.length > 0 : typeof value === 'string' && /[a-z]{3}/i.test(value) && !/^(µS|BPM|GSR)$/.test(value);
          if (shown && n.type !== 'ui-template' && section.widgets[n.id]?.[prop] === undefined) missing.push(`${n.type} ${n.id}.${prop} "${JSON.stringify(value)}"`);
        }
      }
      assert.deepEqual(missing, []);
    });

    it(`${file}: every text the page's own templates and messages use is in the English and the German catalogue`, () => {
      const flow = examples.get(file)!;
      const code = flow.map((n) => String(n.format ?? '') + String(n.func ?? '')).join('\n');
      // t('key', ...) in a template, { key: 'name' } in a message for one
      const keys = new Set([...code.matchAll(/\bt\('([\w-]*\w)'[,)]/g), ...code.matchAll(/\{ key: '([\w-]+)'/g)].map((m) => m[1]));
      // mood(label): the moods of the page's dropdowns, and "uncertain" where it shows answers
      if (/mood\(/.test(code)) {
        const moods = flow.filter((n) => n.type === 'ui-dropdown').flatMap((n) => (n.options as { value: string }[]).map((o) => o.value));
        for (const label of [...moods, ...(/mood\(msg\.payload\)/.test(code) ? ['uncertain'] : [])]) keys.add(`mood-${label}`);
      }
      const texts = ['en-US', 'de'].map((lang) => {
        const catalogue = JSON.parse(readFileSync(join(root, 'nodes', node, 'locales', lang, `${node}.json`), 'utf8'));
        const text = (catalogue[`${page}-page`]?.text ?? {}) as Record<string, string>;
        assert.deepEqual([...keys].filter((k) => typeof text[k] !== 'string'), [], `${lang}: texts missing`);
        return text;
      });
      // and every English text has its German (keys made at run time, such as 'verdict-' + verdict, too)
      assert.deepEqual(Object.keys(texts[0]).filter((k) => typeof texts[1][k] !== 'string'), [], 'German texts missing');
    });
  }
});
