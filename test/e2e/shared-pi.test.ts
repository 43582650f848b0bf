// docs/settings-shared-pi.js, the settings for a Pi shared by tablets, on a real Node-RED: the editor's
// API, the dashboard pages and the dashboard's live connection refuse whoever has not logged in, and
// everything is served over HTTPS only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { prepareDemoUserDir } from '../../demo/demo-user-dir';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';

const root = join(__dirname, '..', '..');
// the bcrypt Node-RED ships with (no dependency of this package)
const bcrypt = createRequire(require.resolve('node-red'))('bcryptjs') as { hashSync(text: string, rounds: number): string };
const EDITOR = { user: 'teacher', password: 'correct horse battery' };
const DASHBOARD = { user: 'tablet', password: 'staple 4 tablets' };

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('settings for a Pi shared by tablets (docs/settings-shared-pi.js)', function () {
  this.timeout(90_000);
  let dir: string;
  let ca: Buffer;
  let nr: NodeRedProcess;

  /** An HTTPS request that trusts only the throwaway certificate. */
  function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${nr.url}${path}`, { method: opts.method ?? 'GET', headers: opts.headers, ca, localAddress: opts.from }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(opts.body);
    });
  }
  const basic = (u: { user: string; password: string }) => ({ authorization: `Basic ${Buffer.from(`${u.user}:${u.password}`).toString('base64')}` });

  /** Dashboard 2.0's socket.io handshake over long-polling: what the namespace answers to a connect. */
  async function socketConnect(headers: Record<string, string> = {}): Promise<string> {
    const base = '/dashboard/socket.io/?EIO=4&transport=polling';
    const open = await call(base, { headers });
    assert.equal(open.status, 200, open.body);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    await call(`${base}&sid=${sid}`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: '40' });
    return (await call(`${base}&sid=${sid}`, { headers })).body;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emotion-shared-pi-'));
    const userDir = join(dir, 'userdir');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
    ca = readFileSync(join(dir, 'cert.pem'));
    await prepareDemoUserDir(userDir, { flowsDir: join(root, 'flows') });
    // The documented file as is; only what a test run needs on top (a free loopback port, this checkout).
    const settings = join(dir, 'settings.js');
    writeFileSync(settings, `module.exports = {
  ...require(${JSON.stringify(join(root, 'docs', 'settings-shared-pi.js'))}),
  uiPort: 0,
  uiHost: '127.0.0.1',
  userDir: ${JSON.stringify(userDir)},
  flowFile: ${JSON.stringify(join(userDir, 'flows.json'))},
  nodesDir: ${JSON.stringify([root, join(root, 'node_modules', '@flowfuse', 'node-red-dashboard')])},
};\n`);
    nr = await startNodeRed({
      userDir,
      settingsFile: settings,
      env: {
        EMOTION_IOT_EDITOR_USER: EDITOR.user,
        EMOTION_IOT_EDITOR_HASH: bcrypt.hashSync(EDITOR.password, 8),
        EMOTION_IOT_DASHBOARD_USER: DASHBOARD.user,
        EMOTION_IOT_DASHBOARD_HASH: bcrypt.hashSync(DASHBOARD.password, 8),
        EMOTION_IOT_CREDENTIAL_SECRET: 'a-test-secret-of-32-characters!!',
        EMOTION_IOT_TLS_KEY: join(dir, 'key.pem'),
        EMOTION_IOT_TLS_CERT: join(dir, 'cert.pem'),
      },
      timeoutMs: 60_000,
    });
  });
  after(async () => {
    await nr?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS only', () => {
    assert.match(nr.url, /^https:\/\//);
  });

  it("refuses the editor's API without a login, and answers it with the editor login", async () => {
    assert.equal((await call('/flows')).status, 401);
    assert.equal((await call('/credentials/emotion-aws-config/x')).status, 401);
    const wrong = await call('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: EDITOR.user, password: 'guess' }),
    });
    assert.equal(wrong.status, 403, 'a wrong password gets no token');
    const token = await call('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: EDITOR.user, password: EDITOR.password }),
    });
    assert.equal(token.status, 200, token.body);
    const { access_token: accessToken } = JSON.parse(token.body) as { access_token: string };
    const flows = await call('/flows', { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(flows.status, 200);
    assert.ok(flows.body.includes('emotion-infer'), 'the shipped flows are running');
  });

  /** The editor's login (an OAuth password grant, as the editor's login form sends it), from a loopback address. */
  const login = (password: string, from: string, user = EDITOR.user) =>
    call('/auth/token', {
      method: 'POST',
      from,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: user, password }).toString(),
    });

  it('cannot be locked out of the editor by wrong logins from another address', async () => {
    const attacker = '127.0.0.2'; // another machine on the network: another source address
    const tries = [];
    for (let i = 0; i < 8; i++) tries.push((await login(`guess ${i}`, attacker)).status);
    assert.deepEqual(tries, [403, 403, 403, 403, 403, 429, 429, 429], 'five wrong logins, then that address waits');
    assert.equal((await login(EDITOR.password, attacker)).status, 429, 'even with the right password, from there');
    assert.equal((await login('typo', '127.0.0.1')).status, 403);
    const therapist = await login(EDITOR.password, '127.0.0.1');
    assert.equal(therapist.status, 200, `the editor user still gets in: ${therapist.body}`);
    assert.match(therapist.body, /"access_token"/);
  });

  it('refuses the dashboard pages and their live connection without the dashboard login', async () => {
    const page = await call('/dashboard/detect');
    assert.equal(page.status, 401);
    assert.match(String(page.headers['www-authenticate']), /^Basic/);
    assert.equal((await call('/dashboard/detect', { headers: basic({ ...DASHBOARD, password: 'guess' }) })).status, 401);
    assert.equal((await call('/dashboard/detect', { headers: basic(EDITOR) })).status, 401, 'the editor login is not the dashboard login');
    assert.match(await socketConnect(), /^44\{"message":"login required"\}/, 'no live data without a login');
  });

  it('serves the dashboard pages and their live connection with the dashboard login', async () => {
    const page = await call('/dashboard/detect', { headers: basic(DASHBOARD) });
    assert.equal(page.status, 200);
    assert.match(page.body, /<html/i);
    assert.match(await socketConnect(basic(DASHBOARD)), /^40\{"sid":/);
  });
});
