// Node settings carry a `version`. A node loaded from a flow saved by an older version of this package
// upgrades its own settings before reading them (the runtime, every start) and in the editor (when the
// flow is loaded or imported: resources/editor.js applies the same steps, which the runtime hands it
// as a node setting), so a flow never needs editing by hand for a setting that was added.
// A flow without `version` was saved before versions existed (0.1.0 up to the first versioned release):
// each step fills only what is missing, so it serves all of them.
import type { Node, NodeAPI, NodeDef } from 'node-red';

export interface SettingsStep {
  /** the settings' version once this step has run */
  version: number;
  /** settings an older flow lacks, with the value that keeps how such a flow behaved */
  add: Readonly<Record<string, unknown>>;
}

/** Each type's steps, oldest first (git log of the type's .html says when each setting came). */
const STEPS: Readonly<Record<string, readonly SettingsStep[]>> = {
  // the Signal setting (pulse or ECG); before it, every input was an ear clip's pulse
  'emotion-pulse-bpm': [{ version: 1, add: { waveform: 'pulse' } }],
  // a blank endpoint asks the participant's own, named with the cloud stack's prefix
  // then 'Wait up to' (a serverless cold start): before it, a cold endpoint's first answer timed out
  // then 'Features' (the endpoint's feature set): before it, every endpoint was asked for mean GSR and BPM
  'emotion-infer': [
    { version: 1, add: { endpointPrefix: 'emotion' } },
    { version: 2, add: { waitSeconds: '90' } },
    { version: 3, add: { featureSet: 'published' } },
  ],
  // moods trained when recorded, and the cloud backend; before them, training was local only
  // then 'Features' and 'Window' (blank: the set's own); before them, every model was of the published set, 10 s
  'emotion-train': [
    { version: 1, add: { optionalLabels: '', backend: 'local', aws: '', stateMachineArn: '', endpointPrefix: 'emotion', pollSeconds: '15' } },
    { version: 2, add: { featureSet: 'published', windowSeconds: '' } },
  ],
};
// every other type: version 1 holds the settings it had in 0.1.0

/** The version a node of the type saves its settings with. */
export function settingsVersion(type: string): number {
  return STEPS[type]?.at(-1)?.version ?? 1;
}

/** A node's settings, brought to the type's current version (a copy; a newer version is left as it is). */
export function migrateSettings<D extends object>(type: string, def: D): D & { version: number } {
  const from = Number((def as { version?: unknown }).version) || 0;
  const current = settingsVersion(type);
  if (from >= current) return def as D & { version: number };
  // a copy with every property as it was: the runtime hands nodes hidden ones (_flow, _module, _path)
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as Record<string, unknown>;
  for (const step of STEPS[type] ?? []) {
    if (step.version <= from) continue;
    for (const [name, value] of Object.entries(step.add)) if (out[name] === undefined) out[name] = structuredClone(value);
  }
  out.version = current;
  return out as D & { version: number };
}

/**
 * The node setting that hands the editor a type's version and steps: its name (Node-RED wants it to start
 * with the type's camel-cased name) and value.
 */
export function migrationsSetting(type: string): { name: string; value: { version: number; steps: readonly SettingsStep[] } } {
  const camel = type.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase());
  return { name: `${camel}Migrations`, value: { version: settingsVersion(type), steps: STEPS[type] ?? [] } };
}

/**
 * Registers a node type whose settings migrate: the constructor gets them at the current version, and the
 * editor learns the steps (an exportable node setting, RED.settings.<type>Migrations). Every node of this
 * package registers through here.
 */
export function registerNodeType<N extends Node, D extends NodeDef>(
  RED: NodeAPI,
  type: string,
  constructor: (this: N, def: D) => void,
  opts: { credentials?: Record<string, { type: 'text' | 'password' }> } = {},
): void {
  function Migrating(this: N, def: D) {
    constructor.call(this, migrateSettings(type, def));
  }
  const { name, value } = migrationsSetting(type);
  const settings = { [name]: { value, exportable: true } };
  RED.nodes.registerType(type, Migrating, { ...opts, settings } as Parameters<NodeAPI['nodes']['registerType']>[2]);
}
