// aws-crt reports a TLS negotiation it gave up on only when its timeout ends (10-25 s), as "negotiation
// failed", while the status says "connecting". Node's own TLS handshake with the same certificate, key
// and CA fails at once and says why (the broker's certificate is not signed by that CA, is for another
// host, has expired), so a connect that stays pending is checked with it.
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import type { IotBrokerOptions, PemSource } from './iot-options';

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/** Undefined when the handshake succeeds (or cannot be tried); otherwise why it failed, for a user. */
export function probeTls(o: IotBrokerOptions, timeoutMs = 5000): Promise<Error | undefined> {
  let material: { cert: string; key: string; ca?: string };
  try {
    material = { cert: pem(o.cert)!, key: pem(o.key)!, ca: pem(o.ca) };
  } catch {
    return Promise.resolve(undefined); // a file problem is reported by the client itself
  }
  return new Promise((resolve) => {
    const socket = connect({
      host: o.host,
      port: o.port,
      servername: o.host,
      ...material,
      ...(o.port === 443 ? { ALPNProtocols: ['x-amzn-mqtt-ca'] } : {}),
      timeout: timeoutMs,
    });
    const finish = (result: Error | undefined) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => finish(undefined));
    socket.once('timeout', () => finish(undefined));
    socket.once('error', (e: NodeJS.ErrnoException) => finish(describe(e, o.host)));
  });
}

function pem(src: PemSource | undefined): string | undefined {
  if (src?.pem?.trim()) return src.pem;
  return src?.path?.trim() ? readFileSync(src.path.trim(), 'utf8') : undefined;
}

function describe(e: NodeJS.ErrnoException, host: string): Error {
  const code = e.code ?? '';
  let why: string;
  if (UNTRUSTED.has(code)) why = "the broker's certificate is not signed by the configured CA certificate";
  else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') why = `the broker's certificate is not for ${host}`;
  else if (code === 'CERT_HAS_EXPIRED') why = "the broker's certificate has expired";
  else if (/alert|handshake/i.test(e.message)) why = `the broker refused the device certificate (${e.message})`;
  else return Object.assign(new Error(e.message), { code });
  return Object.assign(new Error(`TLS handshake failed: ${why}`), { code: code || 'TLS' });
}
