// Small helpers every node wrapper uses, so each node file stays a table of contents and every node
// reports failures the same way: red status with a short reason, and done(err) so a Catch node sees it.
import type { Node, NodeMessageInFlow, NodeMessage } from 'node-red';
import { prepareDataLayout } from '../../src/record/data-layout';
import { setPlausibleRanges } from '../../src/record/plausible';

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;
export type InputHandler = (msg: NodeMessageInFlow, send: Send) => void | Promise<void>;

export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === 'string') return new Error(e);
  try {
    return new Error(JSON.stringify(e));
  } catch {
    return new Error(String(e));
  }
}

/** Status texts stay short (the editor shows ~20 characters under a node). */
export function shortReason(err: Error, max = 32): string {
  const text = err.message.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const status = {
  ok: (node: Node, text: string) => node.status({ fill: 'green', shape: 'dot', text }),
  busy: (node: Node, text: string) => node.status({ fill: 'blue', shape: 'dot', text }),
  warn: (node: Node, text: string) => node.status({ fill: 'yellow', shape: 'ring', text }),
  idle: (node: Node, text: string) => node.status({ fill: 'grey', shape: 'ring', text }),
  /** an error's own short `status` text (e.g. a native addon that did not load) wins over its cut message */
  error: (node: Node, err: Error | string) =>
    node.status({ fill: 'red', shape: 'ring', text: typeof err === 'string' ? err : ((err as { status?: string }).status ?? shortReason(err)) }),
  clear: (node: Node) => node.status({}),
};

/**
 * Registers an input handler that never throws into the runtime and never leaves a promise
 * rejection unhandled: a failure turns the status red and ends the message with done(err).
 */
export function onInput(node: Node, handler: InputHandler): void {
  node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
    let result: void | Promise<void>;
    try {
      result = handler(msg, send);
    } catch (e) {
      fail(node, done, e);
      return;
    }
    if (result && typeof result.then === 'function') {
      result.then(() => done(), (e: unknown) => fail(node, done, e));
    } else {
      done();
    }
  });
}

/** An error with `keepStatus: true` (a msg ended because another replaced it) leaves the status as it is. */
function fail(node: Node, done: Done, e: unknown): void {
  const err = toError(e);
  if ((err as { keepStatus?: boolean }).keepStatus !== true) status.error(node, err);
  done(err);
}

/** Reads a number from node config (always strings from the editor), with a clear error. */
export function configNumber(value: unknown, name: string, opts: { min?: number; max?: number; fallback?: number } = {}): number {
  const raw = value === '' || value === undefined || value === null ? opts.fallback : Number(value);
  if (raw === undefined || !Number.isFinite(raw)) throw new Error(`${name} must be a number`);
  if (opts.min !== undefined && raw < opts.min) throw new Error(`${name} must be at least ${opts.min}`);
  if (opts.max !== undefined && raw > opts.max) throw new Error(`${name} must be at most ${opts.max}`);
  return raw;
}

/** The Node-RED user directory, where the embedded default keeps records and models. */
export function userDir(RED: { settings: { userDir?: string } }): string {
  return RED.settings.userDir || process.cwd();
}

/**
 * The user directory, with its data folder ready for this version (migrated from an older layout, left-
 * over temporary files removed: once per process; what was done is logged as a warning by the first
 * node to ask). Undefined when the folder cannot be made ready: the node then says why on every input.
 */
export function dataDir(RED: { settings: { userDir?: string } }, node: Node): string | undefined {
  const dir = userDir(RED);
  return readSettingsOrFail(node, () => {
    for (const note of prepareDataLayout(dir)) node.warn(`emotion-iot: ${note}`);
    return dir;
  });
}

/**
 * Reads a node's settings. When they are invalid the node says why once (red status, the log) and
 * answers every input with that error, so a Catch node sees it too; the caller then stops setting up.
 */
export function readSettingsOrFail<T>(node: Node, read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    const err = toError(e);
    status.error(node, err);
    node.error(`${node.type}: ${err.message}`);
    onInput(node, () => {
      throw err;
    });
    return undefined;
  }
}

/**
 * Applies settings.js `emotionIot.ranges` (plausible GSR and BPM for an unusual sensor) for every node
 * of this package. A bad setting is logged and the defaults stay.
 */
export function usePlausibleRanges(RED: { settings: unknown; log: { warn(msg: string): void } }): void {
  const ranges = (RED.settings as { emotionIot?: { ranges?: Parameters<typeof setPlausibleRanges>[0] } }).emotionIot?.ranges;
  try {
    setPlausibleRanges(ranges);
  } catch (e) {
    RED.log.warn(`emotion-iot: ${toError(e).message}; using the default ranges`);
  }
}
