// `npm run cloud:device -- <name>`: one Raspberry Pi on the AWS path. Creates the thing and an active
// certificate, writes the certificate and private key (mode 0600: AWS hands the key out only once),
// attaches the stack's device policy and the thing, and writes an aws-iot-broker config node with
// the account's ATS endpoint, ready for Import in Node-RED. No IAM access keys go to the Pi.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DescribeEndpointCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { BROKER_DEFAULTS } from '../../src/aws/iot-options';

export interface ProvisionOptions {
  thingName: string;
  /** the stack's device policy (output DevicePolicyName) */
  policyName: string;
  /** where the files go; created if missing */
  outDir: string;
  /** where the files will be on the Pi, for the broker setting (default: outDir) */
  deviceDir?: string;
}

export interface ProvisionResult {
  thingName: string;
  certificateArn: string;
  endpoint: string;
  certPath: string;
  keyPath: string;
  brokerPath: string;
}

/** Thing names: 1-128 letters, digits, colon, underscore, dash; also the MQTT client id. */
export function checkThingName(name: string): string {
  if (!/^[a-zA-Z0-9:_-]{1,128}$/.test(name)) throw new Error(`"${String(name).slice(0, 40)}" is not a thing name: use 1-128 letters, digits, : _ or -`);
  return name;
}

export function devicePaths(outDir: string, thingName: string) {
  return {
    certPath: join(outDir, `${thingName}.cert.pem`),
    keyPath: join(outDir, `${thingName}.private.key`),
    brokerPath: join(outDir, `${thingName}.aws-iot-broker.json`),
  };
}

export async function provisionDevice(client: IoTClient, opts: ProvisionOptions): Promise<ProvisionResult> {
  const thingName = checkThingName(opts.thingName);
  const outDir = resolve(opts.outDir);
  const paths = devicePaths(outDir, thingName);
  // Never overwrite a key: the old one may be the only copy of a working device's identity.
  const existing = Object.values(paths).filter((p) => existsSync(p));
  if (existing.length > 0) throw new Error(`${existing.join(', ')} already exist: move them away or pick another name`);

  // Without the type the legacy VeriSign endpoint comes back, which Amazon Root CA 1 does not sign.
  const { endpointAddress } = await client.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  if (!endpointAddress) throw new Error('DescribeEndpoint returned no iot:Data-ATS endpoint');
  await client.send(new CreateThingCommand({ thingName }));
  const cert = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  if (!cert.certificateArn || !cert.certificatePem || !cert.keyPair?.PrivateKey) throw new Error('CreateKeysAndCertificate returned no certificate or key');

  // Written before anything else can fail: this is the only time AWS IoT issues the private key.
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const secret = { mode: 0o600, flag: 'wx' }; // created here, never over an existing file
  writeFileSync(paths.certPath, cert.certificatePem, secret);
  writeFileSync(paths.keyPath, cert.keyPair.PrivateKey, secret);

  try {
    await client.send(new AttachPolicyCommand({ policyName: opts.policyName, target: cert.certificateArn }));
    await client.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));
  } catch (e) {
    throw new Error(
      `certificate ${cert.certificateArn} and its key are saved in ${outDir}, but attaching it failed: ${(e as Error).message}` +
        ` (is the stack deployed, with device policy "${opts.policyName}"?)`,
      { cause: e },
    );
  }

  const onDevice = opts.deviceDir ?? outDir;
  const broker = brokerSetting(thingName, endpointAddress, join(onDevice, `${thingName}.cert.pem`), join(onDevice, `${thingName}.private.key`));
  writeFileSync(paths.brokerPath, `${JSON.stringify([broker], null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { thingName, certificateArn: cert.certificateArn, endpoint: endpointAddress, ...paths };
}

/**
 * An aws-iot-broker config node as Node-RED imports it (Menu > Import). It has the id and name of the
 * shipped flows' broker, so the import offers to replace that placeholder with this device's settings.
 */
export function brokerSetting(thingName: string, host: string, certPath: string, keyPath: string): Record<string, unknown> {
  return {
    id: 'emotion-iot-aws-iot-broker',
    type: 'emotion-aws-iot-broker',
    name: 'AWS IoT Core',
    host,
    port: String(BROKER_DEFAULTS.port),
    // The device policy lets a certificate connect only with its thing's name as client id.
    clientId: thingName,
    certPath,
    keyPath,
    caPath: '',
    topicPrefix: 'iotsensors',
    keepAlive: String(BROKER_DEFAULTS.keepAliveSeconds),
    cleanSession: true,
    minReconnectDelay: String(BROKER_DEFAULTS.minReconnectDelayMs),
    maxReconnectDelay: String(BROKER_DEFAULTS.maxReconnectDelayMs),
    queueLimit: '1000',
  };
}
