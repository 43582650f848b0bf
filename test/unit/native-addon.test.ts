import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonError, classifyAddonFailure } from '../../src/native-addon';
import { loadI2cBus } from '../../src/hat/i2c-hat';
import { loadIotSdk } from '../../src/aws/iot-sdk';
import { unbuiltAwsCrt, unbuiltI2cBus, type UnbuiltProject } from '../support/unbuilt-addon';

describe('native addons that would not load', () => {
  describe('i2c-bus installed with its install script skipped (npm 12 without allowScripts)', () => {
    let unbuilt: UnbuiltProject;
    before(() => (unbuilt = unbuiltI2cBus()));
    after(() => unbuilt.remove());

    it('is told apart from every other failure, and the fix is approve-scripts + rebuild in the project that holds it', () => {
      const cause = unbuilt.loadError();
      assert.match(cause.message, /Could not locate the bindings file/, 'the real error of an unbuilt i2c-bus');
      const err = addonError('i2c-bus', 'i2c-bus', cause, { fallbackDir: '/home/pi/.node-red', resolve: unbuilt.resolve });
      assert.equal(err.problem, 'notBuilt');
      assert.equal(err.key, 'addonNotBuilt');
      assert.equal(err.vars.dir, unbuilt.dir);
      assert.equal(
        err.message,
        'i2c-bus is installed but its native addon was never built (npm 12 skips install scripts a project has not allowed): ' +
          `run \`cd ${unbuilt.dir} && npm approve-scripts i2c-bus && npm rebuild i2c-bus\`, then restart Node-RED`,
      );
      assert.equal(err.cause, cause);
    });

    it('loadI2cBus throws that error at once, before any bus is opened', () => {
      assert.throws(
        () => loadI2cBus({ fallbackDir: '/unused', load: unbuilt.require, resolve: unbuilt.resolve }),
        (e: Error & { problem?: string }) => e.problem === 'notBuilt' && e.message.includes(`cd ${unbuilt.dir} && npm approve-scripts i2c-bus`),
      );
    });
  });

  it('an absent package is told to install it in the Node-RED user dir', () => {
    const empty = mkdtempSync(join(tmpdir(), 'emotion-empty-'));
    try {
      const resolve = (id: string) => require.resolve(id, { paths: [empty] });
      let cause: unknown;
      try {
        resolve('i2c-bus');
      } catch (e) {
        cause = e;
      }
      const err = addonError('i2c-bus', 'i2c-bus', cause, { fallbackDir: '/home/pi/.node-red', resolve });
      assert.equal(err.problem, 'missing');
      assert.equal(err.message, 'i2c-bus is not installed: run `cd /home/pi/.node-red && npm install i2c-bus`, then restart Node-RED');
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('an addon built for another Node.js is told to rebuild, nothing else', () => {
    // Node's own text for an addon compiled for Node 20 and loaded by Node 22
    const cause = new Error(
      "The module '/home/pi/.node-red/node_modules/i2c-bus/build/Release/i2c.node'\nwas compiled against a different Node.js version using\n" +
        'NODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127.',
    );
    const err = addonError('i2c-bus', 'i2c-bus', cause, { fallbackDir: '/home/pi/.node-red', resolve: () => '/home/pi/.node-red/node_modules/i2c-bus/package.json' });
    assert.equal(err.problem, 'otherNode');
    assert.equal(err.message, 'i2c-bus was built for another Node.js version: run `cd /home/pi/.node-red && npm rebuild i2c-bus`, then restart Node-RED');
  });

  it('names the project above the first node_modules, also for a copy nested under this package', () => {
    const nested = '/home/pi/.node-red/node_modules/@emotion-iot/node-red-emotion-iot/node_modules/i2c-bus/package.json';
    const err = addonError('i2c-bus', 'i2c-bus', new Error('Could not locate the bindings file. Tried:'), { fallbackDir: '/x', resolve: () => nested });
    assert.equal(err.vars.dir, '/home/pi/.node-red');
  });

  it('keeps an unknown failure with its first line, and still says what to try', () => {
    const err = addonError('i2c-bus', 'i2c-bus', new Error('boom\nstack'), { fallbackDir: '/d', resolve: () => '/d/node_modules/i2c-bus/package.json' });
    assert.equal(err.problem, 'other');
    assert.equal(err.message, 'i2c-bus failed to load (boom): run `cd /d && npm rebuild i2c-bus`, then restart Node-RED');
  });

  describe('aws-crt without its binary', () => {
    let unbuilt: UnbuiltProject;
    before(() => (unbuilt = unbuiltAwsCrt()));
    after(() => unbuilt.remove());

    it('on 64-bit: approve-scripts + rebuild aws-crt, where the SDK is installed', () => {
      const cause = unbuilt.loadError();
      assert.match(cause.message, /AWS CRT binary not present/, 'the real error of aws-crt without dist/bin');
      const sdk = (id: string) => (id === 'aws-iot-device-sdk-v2' ? (() => { throw cause; })() : undefined);
      assert.throws(
        () => loadIotSdk({ require: sdk, arch: 'arm64', fallbackDir: '/unused' }),
        (e: Error & { problem?: string; vars?: { dir: string } }) => {
          assert.equal(e.problem, 'notBuilt');
          assert.match(e.message, /^aws-crt is installed but its native addon was never built .* && npm approve-scripts aws-crt && npm rebuild aws-crt`/);
          return true;
        },
      );
    });

    it('on 32-bit ARM: a 64-bit OS, since aws-crt ships no 32-bit binary', () => {
      const cause = unbuilt.loadError();
      assert.equal(classifyAddonFailure('aws-crt', 'aws-iot-device-sdk-v2', cause, 'arm'), 'no64bit');
      const err = addonError('aws-crt', 'aws-iot-device-sdk-v2', cause, { fallbackDir: '/d', arch: 'arm' });
      assert.equal(err.message, 'aws-crt has native binaries for 64-bit systems only: use Raspberry Pi OS 64-bit');
    });

    it('an SDK that is not installed is told to install the SDK, not aws-crt', () => {
      const missing = Object.assign(new Error("Cannot find module 'aws-iot-device-sdk-v2'"), { code: 'MODULE_NOT_FOUND' });
      assert.throws(
        () => loadIotSdk({ require: () => { throw missing; }, arch: 'x64', fallbackDir: '/home/pi/.node-red' }),
        /^Error: aws-iot-device-sdk-v2 is not installed: run `cd \/home\/pi\/.node-red && npm install aws-iot-device-sdk-v2`/,
      );
    });
  });
});
