/* global module, require, __dirname */
// Node-RED settings for the embedded default (`npm start`) and the end-to-end tests, which start the same
// runtime on a random port in a temporary user dir (EMOTION_IOT_USER_DIR, EMOTION_IOT_PORT=0).
// Everything binds to 127.0.0.1: the demo editor has no login, so it must not be reachable from the network.
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const userDir = path.resolve(process.env.EMOTION_IOT_USER_DIR || path.join(__dirname, 'userdir'));

module.exports = {
  uiPort: Number(process.env.EMOTION_IOT_PORT ?? 1880),
  uiHost: '127.0.0.1',
  userDir,
  // Absolute, because a relative flowFile is looked up in the cwd first.
  flowFile: path.join(userDir, 'flows.json'),
  // Fixed for the demo only, so flows_cred.json stays readable between runs. Change it for real use.
  credentialSecret: 'emotion-iot-demo-not-secret',
  // This package (its package.json `node-red` section points into dist/) and Dashboard 2.0 load as if
  // installed in the user dir.
  nodesDir: [root, path.join(root, 'node_modules', '@flowfuse', 'node-red-dashboard')],
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false },
  // Projects stay off. Node-RED warns "Projects disabled" at every start when `enabled` is false or
  // `projects` is missing, and says nothing when the object is there without `enabled`.
  editorTheme: { tours: false, projects: {} },
  logging: { console: { level: process.env.EMOTION_IOT_LOG_LEVEL || 'info', metrics: false, audit: false } },
};
