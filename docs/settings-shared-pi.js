/* global module, require, Buffer */
// Node-RED settings for a Raspberry Pi shared by tablets on the same network. The Training and Detect pages
// show people's names and emotions, and the editor can read every record: neither may be open to whoever
// joins the Wi-Fi. This file asks for a login on both, serves them over HTTPS only, and encrypts stored
// credentials with a secret of your own. See docs/shared-pi.md for the steps.
//
// Copy it to ~/.node-red/settings.js and give it its values through the environment (for the Node-RED
// service: `sudo systemctl edit nodered`, an [Service] block with Environment= lines). A value left unset
// stops Node-RED at start with a message naming it, instead of starting with an open door.
const fs = require('node:fs');
const crypto = require('node:crypto');
// bcryptjs ships with Node-RED: resolved from Node-RED's own folder (require.main is its red.js), since a
// globally installed Node-RED's modules are not visible from ~/.node-red
const bcrypt = require.main.require('bcryptjs');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`settings-shared-pi.js: set ${name} (see docs/shared-pi.md)`);
  return value;
}

/** A bcrypt hash, made with `node-red admin hash-pw` (the password itself never goes in a file). */
function bcryptHash(name) {
  const hash = required(name);
  if (!/^\$2[aby]\$\d\d\$/.test(hash)) throw new Error(`settings-shared-pi.js: ${name} must be a bcrypt hash (node-red admin hash-pw)`);
  return hash;
}

const editor = { user: required('EMOTION_IOT_EDITOR_USER'), hash: bcryptHash('EMOTION_IOT_EDITOR_HASH') };
const dashboard = { user: required('EMOTION_IOT_DASHBOARD_USER'), hash: bcryptHash('EMOTION_IOT_DASHBOARD_HASH') };
const credentialSecret = required('EMOTION_IOT_CREDENTIAL_SECRET');
if (credentialSecret.length < 16 || credentialSecret === 'emotion-iot-demo-not-secret') {
  throw new Error('settings-shared-pi.js: EMOTION_IOT_CREDENTIAL_SECRET must be your own, at least 16 characters (openssl rand -hex 32)');
}

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * The dashboard's live data travels over socket.io, which Dashboard 2.0 attaches to the server itself:
 * httpNodeAuth guards its pages but not that connection, so it checks the same login. A browser that
 * logged in to the page sends it along. It keeps Dashboard 2.0's own checks (no direct websocket, same
 * origin), which a custom middleware replaces.
 */
function dashboardLogin(socket, next) {
  const request = socket.request;
  if (request.url.includes('transport=websocket') || socket.handshake.xdomain !== false) return next(new Error('refused'));
  const [scheme, encoded] = String(request.headers.authorization || '').split(' ');
  const [user, ...password] = Buffer.from(encoded || '', 'base64').toString('utf8').split(':');
  if (scheme !== 'Basic' || !sameText(user, dashboard.user)) return next(new Error('login required'));
  bcrypt.compare(password.join(':'), dashboard.hash).then(
    (ok) => next(ok ? undefined : new Error('login required')),
    () => next(new Error('login required')),
  );
}

module.exports = {
  uiPort: Number(process.env.PORT || 1880),
  // every interface: the tablets reach the Pi over the network (HTTPS and a login below)
  uiHost: '0.0.0.0',
  https: {
    key: fs.readFileSync(required('EMOTION_IOT_TLS_KEY')),
    cert: fs.readFileSync(required('EMOTION_IOT_TLS_CERT')),
  },
  requireHttps: true,
  // the editor and its admin API (flows, credentials, records through debug): one login, full rights
  adminAuth: {
    type: 'credentials',
    users: [{ username: editor.user, password: editor.hash, permissions: '*' }],
    sessionExpiryTime: 8 * 3600,
  },
  // the dashboard pages (and any HTTP-in node): a second login, for the people using the tablets
  httpNodeAuth: { user: dashboard.user, pass: dashboard.hash },
  dashboard: { ioMiddleware: dashboardLogin },
  // encrypts flows_cred.json (AWS keys, device key): never the demo's published secret
  credentialSecret,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false },
  editorTheme: { projects: {} }, // off; `enabled: false` would print "Projects disabled" at every start
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
