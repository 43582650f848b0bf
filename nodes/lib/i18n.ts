// Node texts from Node-RED's message catalogues (locales/<lang>/<node>.json beside the node's .js, namespace
// "<module>/<node set>"), in the runtime's language (settings.lang, else LC_ALL / LANG); a key missing in
// that language falls back to en-US. Node tests get the same catalogues (test/support/node-messages.ts).
import type { NodeAPI } from 'node-red';
import type { ErrorVars, KeyedError } from '../../src/keyed-error';
import { isAddonError } from '../../src/native-addon';

export type Vars = ErrorVars;
export type Translate = (key: string, vars?: Vars) => string;

export function translator(RED: Pick<NodeAPI, '_'>): Translate {
  return (key, vars) => RED._(key, vars);
}

/** An error of the pure core that names its text for the catalogues: `<node>.errors.<key>`, filled with vars. */
export function isKeyedError(e: unknown): e is KeyedError {
  return e instanceof Error && typeof (e as Partial<KeyedError>).key === 'string';
}

/**
 * The error in the runtime's language, with its short status `<node>.status.<key>` when the catalogue has one
 * (its English message stays for anything without a key).
 */
export function translateError(t: Translate, node: string, e: unknown): unknown {
  if (!isKeyedError(e)) return e;
  const statusKey = `${node}.status.${e.key}`;
  const status = t(statusKey, e.vars);
  return Object.assign(new Error(t(`${node}.errors.${e.key}`, e.vars)), { key: e.key, vars: e.vars }, status.endsWith(statusKey) ? {} : { status });
}

/** Runs a core function whose keyed errors are then said in the node's catalogue. */
export function inCatalogue<T>(t: Translate, node: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw translateError(t, node, e);
  }
}

/** An error that carries its own short status text (the node's status shows it instead of the cut message). */
export type ErrorWithStatus = Error & { status?: string };

/**
 * A native addon that would not load (src/native-addon.ts) in the runtime's language: the message with the
 * command that fixes it from `<node>.errors.<key>`, the status from `<node>.status.<key>`. Anything else
 * is returned unchanged.
 */
export function translateAddonError(t: Translate, node: string, e: unknown): unknown {
  if (!isAddonError(e)) return e;
  return Object.assign(new Error(t(`${node}.errors.${e.key}`, e.vars), { cause: e }), {
    key: e.key,
    vars: e.vars,
    status: t(`${node}.status.${e.key}`, e.vars),
  });
}
