// One place that points node-red-node-test-helper at the real Node-RED runtime installed as a dev
// dependency, so every node test runs against the same runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import helper from 'node-red-node-test-helper';
import { messagesReady, withMessages } from './node-messages';

helper.init(require.resolve('node-red'));

// Every load gives our node modules their message catalogues, as an installed package has them.
const load = helper.load.bind(helper);
helper.load = (async (nodes: unknown, ...rest: unknown[]) => {
  await messagesReady;
  const modules = (Array.isArray(nodes) ? nodes : [nodes]).map(withMessages);
  return (load as (...args: unknown[]) => Promise<void>)(modules, ...rest);
}) as typeof helper.load;

export { helper };

/**
 * Gives the enclosing describe block a fresh Node-RED user directory and the helper's server, and
 * removes both after it. Returns a getter for the directory (it exists once the block's hooks ran).
 */
export function withTempUserDir(prefix: string): () => string {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    helper.settings({ userDir: dir });
    await helper.startServer();
  });
  after(async () => {
    helper.settings({}); // do not leave this block's (deleted) user dir to the next test file
    await helper.stopServer();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/**
 * The helper records every send/status/log call of every node with sinon spies (tests read them through
 * 'call:<method>' events); a live runtime has none. Replays of long recordings and benches turn them off
 * after loading, or the spies' history is what they measure.
 */
export function stopCallSpies(): void {
  (helper as unknown as { _sandbox: { restore(): void } })._sandbox.restore();
}
