/* global module, require, Buffer, URLSearchParams */
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

/**
 * Node-RED locks a user out of the editor for 10 minutes after 6 login attempts within 10 minutes,
 * counted per user name and from anywhere: anyone on the Wi-Fi could lock the editor user out with a
 * few wrong passwords. So the editor login is checked here first: a wrong password is answered here and
 * counted per address (after LOGIN_FAILURES wrong ones an address waits LOGIN_WINDOW_MS), and only a
 * right one reaches Node-RED, whose per-user count it then clears. Nobody's mistakes count against
 * another, and guessing stays as slow as bcrypt and this limit make it.
 */
const LOGIN_WINDOW_MS = 10 * 60 * 1000;
const LOGIN_FAILURES = 5;
/** addresses with recent failures: bounded, the oldest forgotten first */
const MAX_ADDRESSES = 10000;
const failures = new Map();

function recentFailures(address, now) {
  const times = (failures.get(address) || []).filter((t) => now - t < LOGIN_WINDOW_MS);
  if (times.length > 0) failures.set(address, times);
  else failures.delete(address);
  return times;
}

function countFailure(address, now) {
  const times = recentFailures(address, now);
  failures.delete(address); // re-inserted last: the Map's order is the order of the latest failure
  failures.set(address, [...times, now]);
  if (failures.size > MAX_ADDRESSES) failures.delete(failures.keys().next().value);
}

/** The request body as Node-RED's own parser would read it (JSON or a form), up to 16 KiB. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      text += chunk;
      if (text.length > 16384) reject(new Error('request too large'));
    });
    req.on('end', () => {
      try {
        const type = String(req.headers['content-type'] || '');
        resolve(type.includes('json') ? JSON.parse(text || '{}') : Object.fromEntries(new URLSearchParams(text)));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

function editorLoginGuard(req, res, next) {
  if (req.method !== 'POST' || req.path !== '/auth/token') return next();
  const address = req.socket.remoteAddress || 'unknown';
  const now = Date.now();
  const refuse = (status, error, description) => res.status(status).json({ error, error_description: description });
  if (recentFailures(address, now).length >= LOGIN_FAILURES) {
    return refuse(429, 'too_many_attempts', 'too many wrong logins from this address: wait 10 minutes and try again');
  }
  readBody(req)
    .then(async (body) => {
      req.body = body;
      req._body = true; // parsed: Node-RED's body parser leaves it as it is
      if (body.grant_type !== 'password') return next();
      const right = (await bcrypt.compare(String(body.password || ''), editor.hash)) && sameText(body.username, editor.user);
      if (right) return next();
      countFailure(address, now);
      refuse(403, 'invalid_grant', 'wrong user name or password');
    })
    .catch(() => res.headersSent || refuse(400, 'invalid_request', 'unreadable login request'));
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
  // the editor and its admin API (flows, credentials, records through debug): one login, full rights;
  // wrong logins are counted per address before Node-RED's per-user lock (editorLoginGuard)
  httpAdminMiddleware: editorLoginGuard,
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
