import { isDeepStrictEqual } from 'node:util';

/** One node of a Node-RED flow file, as exported (only the fields every node has). */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

/**
 * Joins flow files into one flow file. The shipped flows share their config nodes (the one ui-base, the
 * theme, the simulated hat) under the same ids so that importing both gives one of each; a flow file
 * must not hold an id twice, so shared nodes are kept once. The same id with different contents is an
 * error: one of the files has drifted and which one is right cannot be guessed.
 */
export function combineFlows(files: readonly (readonly FlowNode[])[]): FlowNode[] {
  const byId = new Map<string, FlowNode>();
  for (const file of files) {
    for (const node of file) {
      const seen = byId.get(node.id);
      if (!seen) byId.set(node.id, node);
      else if (!isDeepStrictEqual(seen, node)) {
        throw new Error(`node ${node.id} (${node.type}) differs between flow files`);
      }
    }
  }
  return [...byId.values()];
}
