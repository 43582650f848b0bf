// Node texts from Node-RED's message catalogues (locales/<lang>/<node>.json beside the node's .js, namespace
// "<module>/<node set>"), in the runtime's language (settings.lang, else LC_ALL / LANG). RED._ answers the
// key itself when no catalogue has it (node-red-node-test-helper loads none): then the English catalogue
// shipped beside the node answers, so a user never sees a bare key.
import type { NodeAPI } from 'node-red';

export type Vars = Record<string, string | number>;
export type Translate = (key: string, vars?: Vars) => string;

export function translator(RED: Pick<NodeAPI, '_'>, english: object): Translate {
  return (key, vars) => {
    const text = RED._(key, vars);
    if (text !== key) return text;
    const found = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], english);
    return typeof found === 'string' ? found.replace(/__(\w+)__/g, (m, v: string) => String(vars?.[v] ?? m)) : key;
  };
}

/** An error of the pure core that names its text for the catalogues: `<node>.errors.<key>`, filled with vars. */
export interface KeyedError extends Error {
  key: string;
  vars?: Vars;
}

export function isKeyedError(e: unknown): e is KeyedError {
  return e instanceof Error && typeof (e as Partial<KeyedError>).key === 'string';
}

/** The error in the runtime's language (its English message stays for anything without a key). */
export function translateError(t: Translate, node: string, e: unknown): unknown {
  if (!isKeyedError(e)) return e;
  return Object.assign(new Error(t(`${node}.errors.${e.key}`, e.vars)), { key: e.key, vars: e.vars });
}
