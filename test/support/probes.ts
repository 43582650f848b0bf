// What node tests watch for, written once: the next message at a node (or none within a time), every
// message it receives, the statuses it shows, and waiting for a condition. A node is named by its id in
// the flow the test helper loaded, or given as the node itself.
import type { Node, NodeMessage } from 'node-red';
import { helper } from './node-red';

export type Msg = NodeMessage & Record<string, unknown>;
export type Status = { fill?: string; shape?: string; text?: string };

const nodeOf = (target: string | Node): Node => (typeof target === 'string' ? (helper.getNode(target) as Node) : target);
const nameOf = (target: string | Node): string => (typeof target === 'string' ? target : target.id);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The next message the node receives (typed as the test declares it); rejects when none comes within `ms`. */
export function nextMsg<M extends object = Msg>(target: string | Node, ms = 15_000): Promise<M> {
  return new Promise((resolve, reject) => {
    const node = nodeOf(target);
    const take = (msg: M) => {
      clearTimeout(timer);
      resolve(msg);
    };
    const timer = setTimeout(() => {
      node.off('input', take);
      reject(new Error(`no message at ${nameOf(target)} within ${ms} ms`));
    }, ms);
    node.once('input', take);
  });
}

/** Resolves after `ms` when the node received nothing meanwhile; rejects at the first message. */
export function noMsg(target: string | Node, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const node = nodeOf(target);
    const fail = (msg: Msg) => {
      clearTimeout(timer);
      reject(new Error(`unexpected message at ${nameOf(target)}: ${JSON.stringify(msg.payload)}`));
    };
    const timer = setTimeout(() => {
      node.off('input', fail);
      resolve();
    }, ms);
    node.once('input', fail);
  });
}

/** Every message the node receives from now on. */
export function collect(target: string | Node): Msg[] {
  const got: Msg[] = [];
  nodeOf(target).on('input', (msg: Msg) => got.push(msg));
  return got;
}

/** Every status the node shows from now on (node.status is wrapped, so nothing is missed or late). */
export function watchStatus(target: string | Node): Status[] {
  const node = nodeOf(target) as Node & { status(s: Status): void };
  const statuses: Status[] = [];
  const original = node.status.bind(node);
  node.status = (s: Status) => {
    statuses.push(s);
    original(s);
  };
  return statuses;
}

/** Waits until `probe` gives a value; throws naming `what` after `ms`. */
export async function waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000, everyMs = 10): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits until `cond` holds (a loaded machine can take far longer than usual); throws after `ms`. */
export async function until(cond: () => boolean, ms = 15_000, what = 'a condition'): Promise<void> {
  await waitFor(what, () => (cond() ? true : undefined), ms);
}
