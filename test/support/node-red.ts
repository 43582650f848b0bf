// One place that points node-red-node-test-helper at the real Node-RED runtime installed as a dev
// dependency, so every node test runs against the same runtime.
import helper from 'node-red-node-test-helper';

helper.init(require.resolve('node-red'));

export { helper };
