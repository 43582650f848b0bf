// Settings migrations (nodes/lib/migrations.ts) on what 0.1.0 users have: the flows 0.1.0 shipped, with
// their type names fixed by the README's sed command. Every setting a node's dialog has now was either
// saved by 0.1.0 or is added by a migration, with the value that keeps the old behaviour.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSettings, migrationsSetting, settingsVersion } from '../../nodes/lib/migrations';
import { editorHelper, editorTypes } from '../support/editor-definitions';
import { flows010, flows010Renamed, readmeTypeFix } from '../support/flows-0.1.0';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
const ourTypes = new Set(Object.keys(pkg['node-red'].nodes));
const editor = new Map(editorTypes().map((t) => [t.type, t.definition]));
const renamed = [...flows010Renamed().values()].flat();
/** Our nodes in the 0.1.0 flows, by type, as saved (without the editor's own fields). */
const saved = new Map<string, Record<string, unknown>[]>();
for (const { id: _id, type, x: _x, y: _y, z: _z, wires: _w, d: _d, ...settings } of renamed) {
  if (ourTypes.has(type)) saved.set(type, [...(saved.get(type) ?? []), settings]);
}

describe('node settings migrations', () => {
  it("the README's sed command gives every 0.1.0 node of this package its current type name", () => {
    const before = [...flows010().values()].flat();
    const oldNames = new Set(before.map((n) => n.type).filter((t) => ourTypes.has(`emotion-${t}`)));
    assert.ok(oldNames.has('aws-config') && oldNames.has('grove-gsr'), [...oldNames].join());
    assert.deepEqual(renamed.filter((n) => oldNames.has(n.type)), [], 'old type names left');
    assert.equal(renamed.length, before.length);
    // every type of this package that existed in 0.1.0 is in those flows (emotion-arousal came later)
    assert.deepEqual([...ourTypes].filter((t) => !saved.has(t)), ['emotion-arousal']);
    // the editor shows the same command when it opens a flow with those names
    assert.equal(editorHelper().oldTypesFix, readmeTypeFix());
  });

  for (const type of ourTypes) {
    it(`${type}: every setting of its dialog was saved by 0.1.0 or is added by a migration`, () => {
      const added = migrationsSetting(type).value.steps.flatMap((s) => Object.keys(s.add));
      const known = new Set([...(saved.get(type) ?? []).flatMap(Object.keys), ...added, 'version']);
      const defaults = Object.keys(editor.get(type)!.defaults);
      if (saved.has(type)) assert.deepEqual(defaults.filter((p) => !known.has(p)), [], 'settings an old flow lacks and no migration adds');
      assert.equal(editor.get(type)!.defaults.version.value, settingsVersion(type), 'the editor saves the runtime version');
    });
  }

  it('a 0.1.0 node keeps its settings and gains the added ones, at the current version', () => {
    for (const [type, nodes] of saved) {
      for (const settings of nodes) {
        const migrated = migrateSettings(type, settings);
        assert.equal(migrated.version, settingsVersion(type), type);
        for (const [p, v] of Object.entries(settings)) assert.deepEqual(migrated[p as keyof typeof migrated], v, `${type}.${p} kept`);
        for (const step of migrationsSetting(type).value.steps) {
          for (const [p, v] of Object.entries(step.add)) if (!(p in settings)) assert.deepEqual(migrated[p as keyof typeof migrated], v, `${type}.${p} added`);
        }
      }
    }
    const [train] = saved.get('emotion-train')!;
    assert.deepEqual(
      Object.keys(migrateSettings('emotion-train', train)).filter((p) => !(p in train)).sort(),
      ['aws', 'backend', 'endpointPrefix', 'featureSet', 'optionalLabels', 'pollSeconds', 'stateMachineArn', 'version', 'windowSeconds'],
    );
    assert.equal(migrateSettings('emotion-train', train).backend, 'local', 'a 0.1.0 training node trains locally, as it did');
    assert.equal(migrateSettings('emotion-train', train).featureSet, 'published', 'on the published features, as it did');
  });

  it('fills only what is missing, leaves current and newer settings alone, and does not touch its input', () => {
    const partial: Record<string, unknown> = { backend: 'cloud', pollSeconds: '5' };
    Object.defineProperty(partial, '_flow', { value: 'the flow', enumerable: false });
    const migrated = migrateSettings('emotion-train', partial);
    assert.equal(migrated._flow, 'the flow', 'the runtime\'s hidden properties stay');
    assert.equal(migrated.backend, 'cloud');
    assert.equal(migrated.pollSeconds, '5');
    assert.equal(migrated.endpointPrefix, 'emotion');
    assert.deepEqual(partial, { backend: 'cloud', pollSeconds: '5' });
    const current = { version: settingsVersion('emotion-pulse-bpm'), waveform: 'ecg' };
    assert.equal(migrateSettings('emotion-pulse-bpm', current), current);
    const newer = { version: 99 };
    assert.equal(migrateSettings('emotion-pulse-bpm', newer), newer);
    assert.deepEqual(migrateSettings('emotion-pulse-bpm', { version: 0 }), { version: 1, waveform: 'pulse' });
  });

  it('emotion-infer saved before "Wait up to" waits out a cold start, as a new node does', () => {
    const migrated = migrateSettings('emotion-infer', { version: 1, endpointPrefix: 'lab', timeoutMs: '5000' });
    assert.deepEqual(migrated, { version: 3, endpointPrefix: 'lab', timeoutMs: '5000', waitSeconds: '90', featureSet: 'published' });
    assert.equal(editor.get('emotion-infer')!.defaults.waitSeconds.value, '90', 'the same wait a new node starts with');
  });

  it('emotion-infer saved before "Features" asks its endpoint for the published mean GSR and BPM, as a new node does', () => {
    assert.deepEqual(migrateSettings('emotion-infer', { version: 2, backend: 'sagemaker', waitSeconds: '30' }), { version: 3, backend: 'sagemaker', waitSeconds: '30', featureSet: 'published' });
    assert.deepEqual(migrateSettings('emotion-infer', { version: 2, featureSet: 'recommended' }).featureSet, 'recommended', 'a set already there stays');
    assert.equal(editor.get('emotion-infer')!.defaults.featureSet.value, 'published', 'the set a new node starts with');
  });

  it('emotion-train saved before "Features" and "Window" trains the published set over its own 10 s, as a new node does', () => {
    assert.deepEqual(migrateSettings('emotion-train', { version: 1, backend: 'cloud', pollSeconds: '5' }), {
      version: 2,
      backend: 'cloud',
      pollSeconds: '5',
      featureSet: 'published',
      windowSeconds: '',
    });
    const defaults = editor.get('emotion-train')!.defaults;
    assert.equal(defaults.featureSet.value, 'published', 'the set a new node starts with');
    assert.equal(defaults.windowSeconds.value, '', "and the set's own window");
  });

  it('names the node setting that hands the editor the steps as Node-RED wants it', () => {
    assert.equal(migrationsSetting('emotion-pulse-bpm').name, 'emotionPulseBpmMigrations');
    assert.equal(migrationsSetting('emotion-train').name, 'emotionTrainMigrations');
  });
});
