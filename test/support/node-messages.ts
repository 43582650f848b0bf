// The node-red-node-test-helper hands node modules a RED whose _() returns the message key. This gives
// each of our node modules the real Node-RED i18n with its own message catalogue instead, as the
// registry does for an installed package, so tests see the texts users see (and can switch language).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeAPI } from 'node-red';

interface I18n {
  init(settings: { lang?: string }): void;
  registerMessageCatalog(namespace: string, dir: string, file: string): Promise<void>;
  _(key: string, subs?: Record<string, unknown>): string;
  i: { changeLanguage(lang: string): Promise<unknown> };
}
const { i18n } = require('@node-red/util') as { i18n: I18n };

const NODES = join(__dirname, '../../nodes');

/** Our node modules (as the tests import them) and the namespace of each one's catalogue. */
const catalogued = new Map<unknown, string>();
const registrations: Array<Promise<void>> = [];
i18n.init({ lang: 'en-US' });
for (const dir of readdirSync(NODES)) {
  for (const file of readdirSync(join(NODES, dir)).filter((f) => f.endsWith('.ts'))) {
    const catalogue = file.replace(/\.ts$/, '.json');
    if (!existsSync(join(NODES, dir, 'locales', 'en-US', catalogue))) continue;
    const namespace = `test/${dir}`;
    catalogued.set(require(join(NODES, dir, file)), namespace);
    registrations.push(i18n.registerMessageCatalog(namespace, join(NODES, dir, 'locales'), catalogue));
  }
}
export const messagesReady = Promise.all(registrations);

/** The node module with RED._ resolving against its own catalogue (other modules pass through). */
export function withMessages(nodeModule: unknown): unknown {
  const namespace = catalogued.get(nodeModule);
  if (!namespace) return nodeModule;
  const _ = (key: string, subs?: Record<string, unknown>) => i18n._(key.includes(':') ? key : `${namespace}:${key}`, subs);
  return (RED: NodeAPI) => (nodeModule as (red: NodeAPI) => unknown)(new Proxy(RED, { get: (t, p) => (p === '_' ? _ : Reflect.get(t, p)) }));
}

/** Switches the runtime language, as settings.lang does for a Node-RED process. */
export function useLanguage(lang: string): Promise<unknown> {
  return i18n.i.changeLanguage(lang);
}
