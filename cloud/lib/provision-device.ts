// `npm run cloud:device -- <name> --participants ana,ben`: one Raspberry Pi on the AWS path. Creates the
// thing with the participants it may record and detect for (cloud/lib/participant-list.ts) and an active
// certificate, writes the certificate and private key (mode 0600: AWS hands the key out only once),
// attaches the stack's device policy and the thing, and writes an aws-iot-broker config node with the
// account's ATS endpoint, ready for Import in Node-RED. No IAM access keys go to the Pi. When a step
// fails, what was made is undone (a certificate is deactivated and deleted, the files removed): no
// active certificate is left behind without a device that uses it.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { BROKER_DEFAULTS } from '../../src/aws/iot-options';
import { PARTICIPANTS_ATTRIBUTE, participantsAttribute } from './participant-list';

export interface ProvisionOptions {
  thingName: string;
  /** the stack's device policy (output DevicePolicyName) */
  policyName: string;
  /** whom the device may record and detect for */
  participants: readonly string[];
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
  const participants = participantsAttribute(opts.participants);
  const outDir = resolve(opts.outDir);
  const paths = devicePaths(outDir, thingName);
  // Never overwrite a key: the old one may be the only copy of a working device's identity.
  const existing = Object.values(paths).filter((p) => existsSync(p));
  if (existing.length > 0) throw new Error(`${existing.join(', ')} already exist: move them away or pick another name`);

  // Without the type the legacy VeriSign endpoint comes back, which Amazon Root CA 1 does not sign.
  const { endpointAddress } = await client.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  if (!endpointAddress) throw new Error('DescribeEndpoint returned no iot:Data-ATS endpoint');
  try {
    await client.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { [PARTICIPANTS_ATTRIBUTE]: participants } } }));
  } catch (e) {
    if ((e as Error).name !== 'ResourceAlreadyExistsException') throw e;
    throw new Error(`thing "${thingName}" already exists with other settings: change its participants with --set-participants, or pick another name`, { cause: e });
  }
  const undo: { what: string; run: () => Promise<unknown> }[] = [{ what: `thing ${thingName}`, run: () => client.send(new DeleteThingCommand({ thingName })) }];
  try {
    const cert = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    if (!cert.certificateArn || !cert.certificatePem || !cert.keyPair?.PrivateKey || !cert.certificateId) throw new Error('CreateKeysAndCertificate returned no certificate or key');
    const { certificateArn, certificateId } = cert;
    undo.unshift({
      what: `certificate ${certificateId}`,
      run: async () => {
        await client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
        await client.send(new DeleteCertificateCommand({ certificateId }));
      },
    });
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const secret = { mode: 0o600, flag: 'wx' }; // created here, never over an existing file
    writeFileSync(paths.certPath, cert.certificatePem, secret);
    undo.unshift({ what: paths.certPath, run: async () => rmSync(paths.certPath, { force: true }) });
    writeFileSync(paths.keyPath, cert.keyPair.PrivateKey, secret);
    undo.unshift({ what: paths.keyPath, run: async () => rmSync(paths.keyPath, { force: true }) });

    await attach(client, opts.policyName, certificateArn, undo);
    await client.send(new AttachThingPrincipalCommand({ thingName, principal: certificateArn }));
    undo.unshift({ what: 'the thing\'s certificate', run: () => client.send(new DetachThingPrincipalCommand({ thingName, principal: certificateArn })) });

    const onDevice = opts.deviceDir ?? outDir;
    const broker = brokerSetting(thingName, endpointAddress, join(onDevice, `${thingName}.cert.pem`), join(onDevice, `${thingName}.private.key`));
    writeFileSync(paths.brokerPath, `${JSON.stringify([broker], null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return { thingName, certificateArn, endpoint: endpointAddress, ...paths };
  } catch (e) {
    throw new Error(`provisioning ${thingName} failed: ${(e as Error).message}; ${await rollBack(undo)}`, { cause: e });
  }
}

async function attach(client: IoTClient, policyName: string, certificateArn: string, undo: { what: string; run: () => Promise<unknown> }[]): Promise<void> {
  try {
    await client.send(new AttachPolicyCommand({ policyName, target: certificateArn }));
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') throw new Error(`${(e as Error).message} (is the stack deployed, with device policy "${policyName}"?)`, { cause: e });
    throw e;
  }
  undo.unshift({ what: `policy ${policyName} on the certificate`, run: () => client.send(new DetachPolicyCommand({ policyName, target: certificateArn })) });
}

/** Undoes the steps that were done, newest first; says what was undone and what could not be. */
async function rollBack(undo: { what: string; run: () => Promise<unknown> }[]): Promise<string> {
  const left: string[] = [];
  for (const step of undo) {
    try {
      await step.run();
    } catch (e) {
      left.push(`${step.what} (${(e as Error).message})`);
    }
  }
  return left.length === 0 ? 'everything made was removed again' : `could not remove: ${left.join('; ')}; delete them in the IoT console`;
}

/** `npm run cloud:device -- <name> --set-participants ...`: a provisioned device's new list. */
export async function setParticipants(client: IoTClient, thingName: string, participants: readonly string[]): Promise<void> {
  const value = participantsAttribute(participants);
  await client.send(new UpdateThingCommand({ thingName: checkThingName(thingName), attributePayload: { attributes: { [PARTICIPANTS_ATTRIBUTE]: value }, merge: true } }));
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
