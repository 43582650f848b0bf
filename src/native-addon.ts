// Why a package with a native addon (i2c-bus, aws-crt) would not load, and the command that fixes it.
// npm 12 skips a dependency's install script unless the installing project's package.json allows it
// (`allowScripts`), so a maker's `npm install` in ~/.node-red can leave i2c-bus without its compiled
// addon: the package is there, `require` fails deep inside `bindings`. The user must read which of the
// few known causes it is, and the command for it, not the loader's stack.
import { dirname, sep } from 'node:path';

export type AddonProblem =
  /** the package is not installed at all (an optional dependency left out) */
  | 'missing'
  /** installed, but its install script never built or fetched the addon (npm 12's default) */
  | 'notBuilt'
  /** built for another Node.js (an upgrade since the install) */
  | 'otherNode'
  /** aws-crt ships binaries for 64-bit only; building it on 32-bit ARM is not practical */
  | 'no64bit';

export interface AddonError extends Error {
  /** the catalogue key of the message: `errors.<key>` in the node's catalogue */
  key: string;
  vars: { addon: string; dir: string; command: string; reason: string };
  problem: AddonProblem | 'other';
}

export interface AddonEnv {
  /** the project whose node_modules hold the addon when it cannot be resolved (the Node-RED user dir) */
  fallbackDir: string;
  arch?: string;
  /** resolves `<addon>/package.json`; default: this module's require */
  resolve?: (id: string) => string;
}

/** Which known problem a load failure is, from the errors Node, `bindings` and aws-crt throw. */
export function classifyAddonFailure(addon: string, pkg: string, error: unknown, arch: string = process.arch): AddonProblem | 'other' {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'MODULE_NOT_FOUND' && (message.includes(`'${pkg}'`) || message.includes(`'${addon}'`))) return 'missing';
  if (addon === 'aws-crt' && arch === 'arm') return 'no64bit';
  if (/NODE_MODULE_VERSION|compiled against a different Node\.js/.test(message)) return 'otherNode';
  // bindings (i2c-bus): "Could not locate the bindings file"; aws-crt: "AWS CRT binary not present"
  if (/Could not locate the bindings file|binary not present/.test(message)) return 'notBuilt';
  return 'other';
}

/**
 * The project to run npm in: the directory whose node_modules hold the addon (npm's `allowScripts`
 * lives in that project's package.json), else the fallback (the Node-RED user dir). A nested copy
 * (node_modules/<this package>/node_modules/<addon>) belongs to the outermost project too.
 */
export function projectDirOf(addon: string, env: AddonEnv): string {
  try {
    const manifest = (env.resolve ?? require.resolve)(`${addon}/package.json`);
    const marker = `${sep}node_modules${sep}`;
    const at = manifest.indexOf(marker);
    return at > 0 ? manifest.slice(0, at) : dirname(dirname(manifest));
  } catch {
    return env.fallbackDir;
  }
}

const COMMANDS: Record<AddonProblem | 'other', (addon: string, pkg: string) => string> = {
  missing: (_addon, pkg) => `npm install ${pkg}`,
  notBuilt: (addon) => `npm approve-scripts ${addon} && npm rebuild ${addon}`,
  otherNode: (addon) => `npm rebuild ${addon}`,
  no64bit: () => '',
  other: (addon) => `npm rebuild ${addon}`,
};

/**
 * An error that says which problem it is and the command that fixes it (`cd <dir> && ...`), with a
 * catalogue key (`addonMissing`, `addonNotBuilt`, `addonOtherNode`, `addonNo64bit`, `addonOther`) and
 * its English text. `addon` is the native package, `pkg` the one this product requires (they differ
 * for aws-crt, which aws-iot-device-sdk-v2 loads).
 */
export function addonError(addon: string, pkg: string, cause: unknown, env: AddonEnv): AddonError {
  const problem = classifyAddonFailure(addon, pkg, cause, env.arch);
  const dir = problem === 'missing' ? env.fallbackDir : projectDirOf(addon, env);
  const command = COMMANDS[problem](addon, pkg);
  const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
  const vars = { addon, dir, command, reason };
  const text: Record<AddonProblem | 'other', string> = {
    missing: `${pkg} is not installed: run \`cd ${dir} && ${command}\`, then restart Node-RED`,
    notBuilt:
      `${addon} is installed but its native addon was never built (npm 12 skips install scripts a project has not ` +
      `allowed): run \`cd ${dir} && ${command}\`, then restart Node-RED`,
    otherNode: `${addon} was built for another Node.js version: run \`cd ${dir} && ${command}\`, then restart Node-RED`,
    no64bit: `${addon} has native binaries for 64-bit systems only: use Raspberry Pi OS 64-bit`,
    other: `${addon} failed to load (${reason}): run \`cd ${dir} && ${command}\`, then restart Node-RED`,
  };
  const key = `addon${problem[0].toUpperCase()}${problem.slice(1)}`;
  return Object.assign(new Error(text[problem], { cause }), { key, vars, problem });
}

export function isAddonError(e: unknown): e is AddonError {
  return e instanceof Error && typeof (e as Partial<AddonError>).problem === 'string' && (e as AddonError).key?.startsWith('addon');
}
