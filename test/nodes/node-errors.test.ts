// Every error a node makes from its catalogue (nodeError in nodes/lib/node-kit.ts) has its message and its
// short status in English and German, in every catalogue that holds its section (aws-iot-in and -out share
// `aws-iot.*`, the two Grove readers `reader.*`), so no status shows a bare key or a message cut short.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const nodesDir = join(__dirname, '..', '..', 'nodes');
const lookup = (messages: Record<string, unknown>, key: string) =>
  key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], messages);

const catalogues = readdirSync(nodesDir).flatMap((dir) =>
  ['en-US', 'de'].flatMap((lang) => {
    const folder = join(nodesDir, dir, 'locales', lang);
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ file: `${dir}/${lang}/${f}`, messages: JSON.parse(readFileSync(join(folder, f), 'utf8')) as Record<string, unknown> }));
  }),
);

/** The message keys each node source passes to nodeError (reader.ts's translator prefixes `reader.`). */
function errorKeys(): { source: string; key: string }[] {
  return readdirSync(nodesDir).flatMap((dir) =>
    readdirSync(join(nodesDir, dir))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const text = readFileSync(join(nodesDir, dir, f), 'utf8');
        const calls = text.split('\n').filter((line) => line.includes('nodeError(') && !line.includes('export function'));
        return calls.flatMap((line) =>
          [...line.matchAll(/'((?:[\w-]+\.)?errors?\.\w+)'/g)].map((m) => ({ source: `${dir}/${f}`, key: f === 'reader.ts' ? `reader.${m[1]}` : m[1] })),
        );
      }),
  );
}

/** The catalogue sections whose `errors.*` a node says through translateError or inCatalogue (errors of the pure core). */
function translatedSections(): string[] {
  return readdirSync(nodesDir).flatMap((dir) =>
    readdirSync(join(nodesDir, dir))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(nodesDir, dir, f), 'utf8').matchAll(/(?:translateError|inCatalogue)\([^,]+, '([\w-]+)'/g)].map((m) => m[1])),
  );
}

/** The keys the pure core gives its errors (keyedError, under whatever name a module imports it). */
function coreErrorKeys(dir = join(__dirname, '..', '..', 'src')): Set<string> {
  const keys = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) coreErrorKeys(path).forEach((k) => keys.add(k));
    if (!entry.name.endsWith('.ts')) continue;
    const text = readFileSync(path, 'utf8');
    const alias = /import \{[^}]*\bkeyedError(?: as (\w+))?[^}]*\} from/.exec(text);
    if (!alias) continue;
    for (const m of text.matchAll(new RegExp(`\\b${alias[1] ?? 'keyedError'}\\(\\s*'(\\w+)'`, 'g'))) keys.add(m[1]);
  }
  return keys;
}

describe("nodes' own errors: message and status in every catalogue", () => {
  const coreKeys = coreErrorKeys();

  it('finds the keys of the core\'s errors', () => {
    for (const key of ['featureSet', 'windowSeconds', 'eachWindowed', 'fallbackWindow', 'order']) assert.ok(coreKeys.has(key), key);
  });

  for (const section of new Set(translatedSections())) {
    it(`${section}: every error of the core it translates has its message and a status`, () => {
      const holders = catalogues.filter((c) => section in c.messages);
      assert.equal(holders.length, 2, 'English and German');
      const said = holders.flatMap(({ messages }) => Object.keys(lookup(messages, `${section}.errors`) as Record<string, string>)).filter((k) => coreKeys.has(k));
      assert.ok(said.length > 0, `${section} says errors of the core`);
      for (const { file, messages } of holders) {
        for (const key of said) {
          assert.equal(typeof lookup(messages, `${section}.errors.${key}`), 'string', `${file} has ${section}.errors.${key}`);
          const status = lookup(messages, `${section}.status.${key}`);
          assert.ok(typeof status === 'string' && status.length <= 32, `${file} has a short ${section}.status.${key}`);
        }
      }
    });
  }

  const keys = errorKeys();

  it('finds the errors the nodes make', () => {
    assert.ok(keys.length >= 30, `${keys.length} keys found`);
  });

  for (const { source, key } of keys) {
    it(`${source}: ${key}`, () => {
      const section = key.split('.')[0];
      const holders = catalogues.filter((c) => section in c.messages);
      assert.ok(holders.some((c) => c.file.includes('/de/')) && holders.some((c) => c.file.includes('/en-US/')), 'in English and German');
      const statusKey = key.replace(/(^|\.)errors?\.(?=[^.]+$)/, '$1status.');
      for (const { file, messages } of holders) {
        assert.equal(typeof lookup(messages, key), 'string', `${file} has ${key}`);
        const status = lookup(messages, statusKey);
        assert.equal(typeof status, 'string', `${file} has ${statusKey}`);
        assert.ok((status as string).length <= 32, `${file}: ${statusKey} fits under a node`);
      }
    });
  }
});
