// A throwaway mutual-TLS MQTT broker for the aws-iot tests: a fresh CA, a server certificate for
// localhost/127.0.0.1, client certificates (one per name asked for, plus one signed by a second,
// untrusted CA), and Debian's mosquitto on a random loopback port with require_certificate, so the
// real aws-iot-device-sdk-v2 client is exercised the way AWS IoT Core would exercise it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClientCert {
  cert: string;
  key: string;
}

export interface Broker {
  port: number;
  dir: string;
  caPath: string;
  /** Client certificates signed by the broker's CA, by common name. */
  clients: Record<string, ClientCert>;
  /** A client certificate signed by a CA the broker does not trust. */
  rogue: ClientCert;
  stop(): Promise<void>;
  /** Starts mosquitto again on the same port (after stop()). */
  restart(): Promise<void>;
  /** Stops the broker and deletes every file. */
  dispose(): Promise<void>;
  /** What mosquitto has logged since it last started (connects, disconnects, refusals). */
  log(): string;
}

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', `${name}.key`, '-out', `${name}.pem`]);
}

function makeLeaf(dir: string, ca: string, name: string, ext?: string): ClientCert {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  const extArgs = ext ? ['-extfile', ext] : [];
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-out', `${name}.pem`, ...extArgs]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

/** Creates the certificates and starts mosquitto; `clientNames` become certificate CNs (and MQTT usernames). */
export async function startBroker(clientNames: string[] = ['emotion-pi', 'side-sub']): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'emotion-iot-mqtt-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  makeLeaf(dir, 'ca', 'server', join(dir, 'server.ext'));
  const clients: Record<string, ClientCert> = {};
  for (const name of clientNames) clients[name] = makeLeaf(dir, 'ca', name);
  const rogue = makeLeaf(dir, 'rogue-ca', 'rogue');
  // mosquitto started as root drops to the `mosquitto` user, which must still read the files.
  chmodSync(dir, 0o755);
  for (const f of ['ca.pem', 'server.pem', 'server.key']) chmodSync(join(dir, f), 0o644);

  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    `cafile ${join(dir, 'ca.pem')}`,
    `certfile ${join(dir, 'server.pem')}`,
    `keyfile ${join(dir, 'server.key')}`,
    'require_certificate true',
    'use_identity_as_username true',
    'allow_anonymous false',
    'persistence false',
    'log_dest stderr',
    '',
  ].join('\n'));

  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => { output += d; });
    child.stderr?.on('data', (d) => { output += d; });
    await waitForPort(port, child, () => output);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    await once(c, 'exit');
  };
  // A test run that ends without dispose() (a failed before hook, process.exit) must not leave a broker behind.
  const killOnExit = () => child?.kill('SIGTERM');
  process.once('exit', killOnExit);
  await start();
  return {
    port,
    dir,
    caPath: join(dir, 'ca.pem'),
    clients,
    rogue,
    stop,
    restart: start,
    log: () => output,
    dispose: async () => {
      process.removeListener('exit', killOnExit);
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SideSubscriber {
  /** Lines mosquitto_sub printed: "<topic> <payload>". */
  lines: string[];
  /** Resolves once at least `count` lines arrived (rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** Runs mosquitto_sub with its own client certificate, as another consumer (an IoT rule) would. */
export async function sideSubscribe(broker: Broker, filter: string, who = 'side-sub'): Promise<SideSubscriber> {
  const { cert, key } = broker.clients[who];
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', 'localhost', '-p', String(broker.port), '--cafile', broker.caPath,
    '--cert', cert, '--key', key, '-i', who, '-q', '1', '-t', filter, '-v', '-d'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => { subscribed = resolve; });
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      if (/received SUBACK/.test(line)) subscribed();
      else if (!/^Client \S+ (sending|received) /i.test(line) && !line.startsWith('Subscribed') && line.trim()) lines.push(line);
    }
    for (const w of waiters) w();
  });
  const exited = once(child, 'exit');
  await Promise.race([ready, exited.then(() => { throw new Error('mosquitto_sub exited before subscribing'); })]);
  return {
    lines,
    waitFor: (count, timeoutMs = 5000) => new Promise((resolve, reject) => {
      const check = () => {
        if (lines.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(lines);
      };
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`mosquitto_sub saw ${lines.length}/${count}: ${lines.join(' | ')}`)); }, timeoutMs);
      waiters.add(check);
      check();
    }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
