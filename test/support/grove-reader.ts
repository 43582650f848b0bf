// Shared by the grove-* node tests: a flow around one reader (hat config, a catch node, a
// collecting sink), and swapping the real i2c-bus module for the fake bus.
import type { Node } from 'node-red';
import { helper } from './node-red';
import { FakeI2cBus, type FakeHatOptions } from './fake-i2c-bus';
import { replaceCachedModule } from './unbuilt-addon';
import type { Msg, Status } from './probes';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');

// Core nodes ship no type declarations: plain require.
const catchNode: unknown = require('@node-red/nodes/core/common/25-catch');
const RuntimeNode: { prototype: { status(s: Status): void } } = require('@node-red/runtime/lib/nodes/Node');

// Every status the watched nodes show, including those set in their constructors (a Status node in the
// flow would miss those).
const statusLog = new Map<string, Status[]>();
const originalStatus = RuntimeNode.prototype.status;
RuntimeNode.prototype.status = function (this: { id: string }, s: Status) {
  statusLog.get(this.id)?.push(s);
  originalStatus.call(this, s);
};

export type { Msg, Status } from './probes';

/** Loads reader `r` (of the given type, with props) on a hat config `hat`; what it sends, its caught errors and its statuses are collected. */
export async function loadReader(
  readerModule: unknown,
  type: string,
  props: Record<string, unknown>,
  hat: Record<string, unknown> = { mode: 'simulated', seed: '1', participant: 'Ana' },
) {
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'hat', type: 'emotion-grove-base-hat', ...hat },
    { id: 'r', type, z: 'tab', hat: 'hat', wires: [['out']], ...props },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: ['r'], wires: [['errors']] },
    { id: 'errors', type: 'helper', z: 'tab' },
  ];
  const out: Msg[] = [];
  const errors: Msg[] = [];
  const statuses: Status[] = [];
  statusLog.set('r', statuses);
  await helper.load([hatNode, readerModule, catchNode] as never, flow);
  helper.getNode('out').on('input', (m: Msg) => out.push(m));
  helper.getNode('errors').on('input', (m: Msg) => errors.push(m));
  const reader = helper.getNode('r') as Node;
  const last = (): Status | undefined => statuses[statuses.length - 1];
  return { reader, out, errors, statuses, last, hatNode: helper.getNode('hat') };
}

/** In a describe: each test gets a fresh fake hat (`options`) that `require('i2c-bus')` hands out. */
export function withFakeI2cBus(options?: FakeHatOptions): () => FakeI2cBus {
  let bus: FakeI2cBus;
  let restore: () => void;
  beforeEach(() => {
    bus = new FakeI2cBus(options);
    restore = useFakeI2cBus(bus);
  });
  afterEach(() => restore());
  return () => bus;
}

/** Makes `require('i2c-bus')` hand out the fake bus until the returned restore is called. */
export function useFakeI2cBus(bus: FakeI2cBus): () => void {
  return replaceCachedModule('i2c-bus', (module) => (module.exports = { openPromisified: (n: number) => bus.open(n) }));
}
