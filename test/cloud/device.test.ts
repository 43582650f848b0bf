// cloud:device against a loopback peer speaking the IoT control plane with the real
// @aws-sdk/client-iot: what is created, in which order, and what lands on disk.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IoTClient } from '@aws-sdk/client-iot';
import { devicePaths, provisionDevice } from '../../cloud/lib/provision-device';
import { ATS_ENDPOINT, REGION, startIotPeer, type IotPeer } from '../support/iot-peer';

const root = join(__dirname, '..', '..');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('cloud:device (provision one Pi)', function () {
  this.timeout(30000);
  let iot: IotPeer;
  let dir: string;
  let client: IoTClient;

  beforeEach(async () => {
    iot = await startIotPeer(['emotion-device']);
    dir = mkdtempSync(join(tmpdir(), 'emotion-device-'));
    client = new IoTClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await iot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the thing and an active certificate, attaches the policy and the thing, and writes a ready broker setting', async () => {
    const out = join(dir, 'pi-kitchen');
    const result = await provisionDevice(client, { thingName: 'pi-kitchen', policyName: 'emotion-device', outDir: out, deviceDir: '/home/pi/certs' });
    assert.deepEqual(iot.calls(), ['GET /endpoint', 'POST /things/pi-kitchen', 'POST /keys-and-certificate', 'PUT /target-policies/emotion-device', 'PUT /things/pi-kitchen/principals']);
    const [[certId, cert]] = [...iot.certificates];
    assert.deepEqual(cert.policies, ['emotion-device']);
    assert.deepEqual(iot.things.get('pi-kitchen')?.principals, [result.certificateArn]);
    assert.ok(result.certificateArn.endsWith(`cert/${certId}`));

    assert.equal(readFileSync(result.certPath, 'utf8'), cert.pem);
    assert.equal(readFileSync(result.keyPath, 'utf8'), cert.privateKey);
    for (const p of [result.certPath, result.keyPath]) assert.equal(statSync(p).mode & 0o777, 0o600, `${p} is readable by its owner only`);

    const [broker] = JSON.parse(readFileSync(result.brokerPath, 'utf8')) as Record<string, unknown>[];
    assert.equal(broker.type, 'emotion-aws-iot-broker');
    const shipped = (JSON.parse(readFileSync(join(root, 'flows', 'aws-iot.json'), 'utf8')) as Record<string, unknown>[]).find((n) => n.type === 'emotion-aws-iot-broker')!;
    assert.equal(broker.id, shipped.id, 'importing it replaces the shipped flows\' placeholder broker');
    assert.deepEqual(Object.keys(broker).sort(), Object.keys(shipped).sort(), 'every setting the shipped broker has');
    assert.equal(broker.host, ATS_ENDPOINT, 'the iot:Data-ATS endpoint, not the legacy one');
    assert.equal(broker.port, '8883');
    assert.equal(broker.clientId, 'pi-kitchen', 'the policy only lets a certificate connect as its thing');
    assert.equal(broker.certPath, '/home/pi/certs/pi-kitchen.cert.pem');
    assert.equal(broker.keyPath, '/home/pi/certs/pi-kitchen.private.key');
    assert.equal(broker.topicPrefix, 'iotsensors');
  });

  it('keeps the key and says so when the policy is missing (stack not deployed)', async () => {
    const out = join(dir, 'pi-2');
    await assert.rejects(
      provisionDevice(client, { thingName: 'pi-2', policyName: 'other-device', outDir: out }),
      (e: Error) => /certificate arn:aws:iot:.*:cert\/\w+ and its key are saved in .*pi-2.*Policy not found: other-device.*is the stack deployed/s.test(e.message),
    );
    const { keyPath, brokerPath } = devicePaths(out, 'pi-2');
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.throws(() => statSync(brokerPath), /ENOENT/, 'no broker setting for a device that cannot connect');
  });

  it('never overwrites an existing key, and refuses a bad name, before calling AWS', async () => {
    const out = join(dir, 'pi-3');
    await provisionDevice(client, { thingName: 'pi-3', policyName: 'emotion-device', outDir: out });
    const before = iot.calls().length;
    await assert.rejects(provisionDevice(client, { thingName: 'pi-3', policyName: 'emotion-device', outDir: out }), /pi-3\.cert\.pem.*already exist/);
    await assert.rejects(provisionDevice(client, { thingName: 'pi 3/../x', policyName: 'emotion-device', outDir: out }), /not a thing name/);
    assert.equal(iot.calls().length, before);
  });

  it('runs as `npm run cloud:device -- <name>` with the SDK credential chain and prints where the files are', async () => {
    const out = join(dir, 'cli');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'cloud', 'bin', 'device.ts'), 'pi-cli', '--out', out, '--region', REGION], {
      cwd: root,
      env: { ...process.env, AWS_ENDPOINT_URL_IOT: iot.peer.endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
    });
    assert.match(stdout, /thing pi-cli: certificate arn:aws:iot:/);
    assert.match(stdout, new RegExp(`endpoint +${ATS_ENDPOINT}`));
    assert.deepEqual(iot.certificates.size, 1);
    assert.equal(statSync(devicePaths(out, 'pi-cli').keyPath).mode & 0o777, 0o600);
  });
});
