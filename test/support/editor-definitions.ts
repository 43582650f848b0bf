// What each node's editor file gives Node-RED's editor, read by running it as the editor does (its scripts
// in order, resources/editor.js for the <script src> that loads it) against a small stand-in for the
// editor's RED: the registered definitions and the dialog templates. Tests read these instead of
// matching the .html text, which the shared editor helper no longer spells out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { migrationsSetting } from '../../nodes/lib/migrations';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'name': string; 'node-red': { nodes: Record<string, string> } };

export interface EditorDefault {
  value: unknown;
  type?: string;
  required?: boolean;
  validate?: (this: Record<string, unknown>, v: unknown) => boolean;
}

export interface EditorDefinition {
  category: string;
  color?: string;
  icon?: string;
  defaults: Record<string, EditorDefault>;
  credentials?: Record<string, { type: string }>;
  [field: string]: unknown;
}

export interface EditorType {
  type: string;
  /** the node set (package.json "node-red".nodes key) whose .html registers it */
  set: string;
  /** the .html file, relative to the repository */
  file: string;
  definition: EditorDefinition;
  /** the dialog template's HTML */
  template: string;
}

/** The .html of each node set of this package, relative to the repository. */
export function editorFiles(): Array<{ set: string; file: string }> {
  return Object.entries(pkg['node-red'].nodes).map(([set, js]) => ({ set, file: js.replace(/^dist\//, '').replace(/\.js$/, '.html') }));
}

/** Runs the package's editor files (or other .html files given with their paths) and returns every type they register. */
export function editorTypes(files = editorFiles()): EditorType[] {
  return run(files).types;
}

/** The shared editor helper (resources/editor.js) as the editor's pages have it: window.emotionIot. */
export function editorHelper(): Record<string, unknown> {
  return run([]).sandbox.emotionIot as Record<string, unknown>;
}

function run(files: Array<{ set: string; file: string }>) {
  const types: EditorType[] = [];
  const templates = new Map<string, string>();
  const resources = `resources/${pkg.name}/`;
  let current = { set: '', file: '' };
  const element = () => {
    const attributes: Record<string, string> = {};
    return {
      attributes,
      textContent: '',
      type: '',
      setAttribute: (name: string, value: string) => (attributes[name] = value),
    };
  };
  const container = {
    appendChild(el: ReturnType<typeof element>) {
      const name = el.attributes['data-template-name'];
      if (name) templates.set(name, el.textContent);
    },
  };
  // what the runtime exports to the editor: each type's settings migrations
  const settings = Object.fromEntries(Object.keys(pkg['node-red'].nodes).map((type) => Object.values(migrationsSetting(type))));
  const RED = {
    settings,
    events: { on: () => undefined },
    view: { importNodes: () => undefined },
    nodes: {
      registerType(type: string, definition: EditorDefinition) {
        types.push({ type, ...current, definition, template: '' });
      },
    },
    validators: {
      regex: (re: RegExp) => (v: unknown) => re.test(String(v)),
      number: (blankAllowed?: boolean) => (v: unknown) => (blankAllowed && (v === '' || v === undefined)) || !isNaN(Number(v)),
    },
  };
  const sandbox: Record<string, unknown> = { RED, document: { createElement: element, getElementById: () => container }, console };
  sandbox.window = sandbox;
  runInNewContext(readFileSync(join(root, 'resources', 'editor.js'), 'utf8'), sandbox, { filename: `${resources}editor.js` });
  for (const file of files) {
    current = file;
    const html = readFileSync(join(root, file.file), 'utf8');
    for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      if (src) {
        if (!src.startsWith(resources)) throw new Error(`${file.file}: ${src} is not one of this package's resources`);
        runInNewContext(readFileSync(join(root, 'resources', src.slice(resources.length)), 'utf8'), sandbox, { filename: src });
      } else if (!/type="text\/html"/.test(attributes)) {
        runInNewContext(body, sandbox, { filename: file.file });
      } else {
        const name = /data-template-name="([^"]+)"/.exec(attributes)?.[1];
        if (name) templates.set(name, body);
      }
    }
  }
  for (const t of types) t.template = templates.get(t.type) ?? '';
  return { types, sandbox };
}
