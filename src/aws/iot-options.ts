// What a broker config node knows, turned into an aws-crt MQTT5 client configuration with mutual TLS.
import { accessSync, constants, readFileSync } from 'node:fs';
import type { IotSdk } from './iot-sdk';

/** A certificate, key or CA: a file path, or PEM text (from the credential store), which wins. */
export interface PemSource {
  path?: string;
  pem?: string;
}

export interface IotBrokerOptions {
  host: string;
  /** 8883 for MQTT with mTLS, or 443 (the SDK offers ALPN x-amzn-mqtt-ca). */
  port: number;
  clientId: string;
  cert: PemSource;
  key: PemSource;
  /** Omitted: the system trust store (which holds Amazon Root CA 1 on common systems). */
  ca?: PemSource;
  keepAliveSeconds: number;
  /** false: rejoin the broker's session (kept for sessionExpirySeconds) on every connect, the first included. */
  cleanSession: boolean;
  sessionExpirySeconds?: number;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  ackTimeoutSeconds?: number;
}

export const BROKER_DEFAULTS = {
  port: 8883,
  keepAliveSeconds: 1200,
  sessionExpirySeconds: 3600,
  minReconnectDelayMs: 1000,
  maxReconnectDelayMs: 30000,
  ackTimeoutSeconds: 60,
} as const;

/** Checks the file (or PEM text) is there, naming it in the error when it is not. */
function material(src: PemSource | undefined, what: string, required: boolean): { path?: string; pem?: string } | undefined {
  if (src?.pem?.trim()) {
    if (!src.pem.includes('-----BEGIN')) throw new Error(`${what} is not PEM text (no -----BEGIN line)`);
    return { pem: src.pem };
  }
  const path = src?.path?.trim();
  if (!path) {
    if (required) throw new Error(`${what} is not set: give a file path or paste the PEM`);
    return undefined;
  }
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${what} file ${code === 'ENOENT' ? 'not found' : 'not readable'}: ${path}`, { cause: e });
  }
  return { path };
}

export function buildMqttConfig(sdk: IotSdk, o: IotBrokerOptions) {
  if (!o.host?.trim()) throw new Error('endpoint host is not set');
  if (!o.clientId?.trim()) throw new Error('client id is not set');
  const cert = material(o.cert, 'device certificate', true)!;
  const key = material(o.key, 'private key', true)!;
  const ca = material(o.ca, 'CA certificate', false);
  const { iot, mqtt5 } = sdk;
  const Builder = iot.AwsIotMqtt5ClientConfigBuilder;
  const builder = cert.path && key.path
    ? Builder.newDirectMqttBuilderWithMtlsFromPath(o.host, cert.path, key.path)
    : Builder.newDirectMqttBuilderWithMtlsFromMemory(o.host, cert.pem ?? readFileSync(cert.path!, 'utf8'), key.pem ?? readFileSync(key.path!, 'utf8'));
  if (ca?.path) builder.withCertificateAuthorityFromPath(undefined, ca.path);
  else if (ca?.pem) builder.withCertificateAuthority(ca.pem);
  const rejoin = !o.cleanSession;
  return builder
    .withPort(o.port)
    .withConnectProperties({
      clientId: o.clientId,
      keepAliveIntervalSeconds: o.keepAliveSeconds,
      // The native layer rejects an explicit undefined here, so the key is left out for clean sessions.
      ...(rejoin ? { sessionExpiryIntervalSeconds: o.sessionExpirySeconds ?? BROKER_DEFAULTS.sessionExpirySeconds } : {}),
    })
    // RejoinAlways, not RejoinPostSuccess: the latter starts each new client (every redeploy and restart)
    // with a clean session, so what was published while Node-RED was down would be dropped.
    .withSessionBehavior(rejoin ? mqtt5.ClientSessionBehavior.RejoinAlways : mqtt5.ClientSessionBehavior.Clean)
    .withMinReconnectDelayMs(o.minReconnectDelayMs)
    .withMaxReconnectDelayMs(o.maxReconnectDelayMs)
    .withAckTimeoutSeconds(o.ackTimeoutSeconds ?? BROKER_DEFAULTS.ackTimeoutSeconds)
    .build();
}
