// Node type names are global in a Node-RED runtime: a second package registering the same type fails
// to load. Every type of this package carries its prefix, and none is a core type or one of the types
// known to be registered by other AWS / IoT packages.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { editorTypes } from '../support/editor-definitions';

const root = join(__dirname, '..', '..');

function registeredTypes(dir: string, ending: RegExp, call = /registerType\s*(?:<[^>]*>)?\(\s*['"]([^'"]+)['"]/g): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => ending.test(f) && !f.includes('locales'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(call)].map((m) => m[1]));
}

// every node registers through nodes/lib/migrations.ts, so its settings migrate
const runtime = registeredTypes(join(root, 'nodes'), /\.ts$/, /registerNodeType\(\s*RED,\s*'([^']+)'/g);
const editor = editorTypes().map((t) => t.type);
const ours = [...runtime, ...editor];
const core = registeredTypes(join(dirname(require.resolve('@node-red/nodes/package.json')), 'core'), /\.js$/);
/** registered by node-red-node-aws, node-red-contrib-aws-iot-hub and the AWS IoT device packages */
const OTHER_PACKAGES = ['aws-config', 'amazon s3 in', 'amazon s3', 'amazon s3 out', 'aws-iot-broker', 'aws-iot-in', 'aws-iot-out', 'aws-iot-device', 'aws-mqtt in', 'aws-mqtt out', 'aws-thing'];

describe('node type names', () => {
  it('every type of this package starts with "emotion-", in the runtime and in the editor alike', () => {
    assert.ok(ours.length >= 28, `found ${ours.length} registrations`);
    assert.deepEqual(ours.filter((t) => !t.startsWith('emotion-')), []);
    assert.deepEqual([...new Set(runtime)].sort(), [...new Set(editor)].sort());
    assert.deepEqual(registeredTypes(join(root, 'nodes'), /\.ts$/, /RED\.nodes\.registerType\(\s*'([^']+)'/g), [], 'registered without migrations');
  });

  it('no type collides with a core node or a type other packages are known to register', () => {
    assert.ok(core.includes('inject') && core.includes('mqtt-broker'), 'core types found');
    const taken = new Set([...core, ...OTHER_PACKAGES]);
    assert.deepEqual(ours.filter((t) => taken.has(t)), []);
  });
});
