// Errors of the pure core that a node can say in the runtime's language: the English message for logs and
// callers without a catalogue, and the key (and values) that name the text in the node's message catalogue
// (`<node>.errors.<key>`, filled with vars; nodes/lib/i18n.ts translateError).
export type ErrorVars = Record<string, string | number>;

/** An error that names its text for the catalogues. */
export type KeyedError = Error & { key: string; vars?: ErrorVars };

export function keyedError(key: string, message: string, vars?: ErrorVars): KeyedError {
  return Object.assign(new Error(message), { key, vars });
}
