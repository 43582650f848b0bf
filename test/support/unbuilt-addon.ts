// Native addons as npm 12 leaves them when their install script is not allowed: the package files are
// there, the compiled part is not. Made from the installed packages, so requiring them throws the very
// error a maker's Pi would (bindings' "Could not locate the bindings file", aws-crt's "binary not present").
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface UnbuiltProject {
  /** the temporary project whose node_modules hold the copy */
  dir: string;
  /** require() resolved from that project */
  require(id: string): unknown;
  /** require.resolve() from that project */
  resolve(id: string): string;
  /** the error the copy throws when loaded */
  loadError(): Error;
  remove(): void;
}

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

function project(copy: (modules: string) => void, main: string): UnbuiltProject {
  const dir = mkdtempSync(join(tmpdir(), 'emotion-unbuilt-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  copy(modules);
  const resolve = (id: string) => require.resolve(id, { paths: [dir] });
  const load = (id: string): unknown => require(resolve(id));
  return {
    dir,
    require: load,
    resolve,
    loadError() {
      try {
        load(main);
      } catch (e) {
        return e as Error;
      }
      throw new Error(`${main} loaded: the copy is not unbuilt`);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** i2c-bus and its loader (bindings, file-uri-to-path) without i2c-bus's build/ folder. */
export function unbuiltI2cBus(): UnbuiltProject {
  return project((modules) => {
    cpSync(packageDir('i2c-bus'), join(modules, 'i2c-bus'), { recursive: true, filter: (from) => !from.includes(`${'i2c-bus'}/build`) });
    for (const dep of ['bindings', 'file-uri-to-path']) cpSync(packageDir(dep), join(modules, dep), { recursive: true });
  }, 'i2c-bus');
}

/** aws-crt's native loader (dist/native/binding.js) without the dist/bin folder of prebuilt binaries. */
export function unbuiltAwsCrt(): UnbuiltProject {
  return project((modules) => {
    const from = packageDir('aws-crt');
    const to = join(modules, 'aws-crt');
    mkdirSync(join(to, 'dist', 'native'), { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist', 'native', 'binding.js'), join(to, 'dist', 'native', 'binding.js'));
  }, 'aws-crt/dist/native/binding.js');
}

/**
 * Makes `require(name)` throw `error` (e.g. the loadError() of an unbuilt copy) until the returned restore
 * is called. Through the module cache, because Node remembers each module's earlier resolutions: a
 * redirected resolver would not reach a module that loaded `name` before.
 */
export function useUnloadableModule(name: string, error: Error): () => void {
  return replaceCachedModule(name, (broken) => Object.defineProperty(broken, 'exports', {
    get() {
      throw error;
    },
  }));
}

/** Puts a module of our making (`fill` sets its exports) in `require(name)`'s cache entry until the returned restore. */
export function replaceCachedModule(name: string, fill: (module: NodeJS.Module) => void): () => void {
  const id = require.resolve(name);
  const saved = require.cache[id];
  const module = { id, filename: id, loaded: true } as NodeJS.Module;
  fill(module);
  require.cache[id] = module;
  return () => {
    if (saved) require.cache[id] = saved;
    else delete require.cache[id];
  };
}
