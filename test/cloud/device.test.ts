// cloud:device against a loopback peer speaking the IoT control plane with the real
// @aws-sdk/client-iot: what is created, in which order, and what lands on disk.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IoTClient } from '@aws-sdk/client-iot';
import { listNames } from '../../cloud/lib/participant-list';
import { devicePaths, provisionDevice, setParticipants } from '../../cloud/lib/provision-device';
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

  it('creates the thing with its participant list and an active certificate, attaches the policy and the thing, and writes a ready broker setting', async () => {
    const out = join(dir, 'pi-kitchen');
    const result = await provisionDevice(client, { thingName: 'pi-kitchen', policyName: 'emotion-device', participants: ['Ana', 'Ben', 'ana'], outDir: out, deviceDir: '/home/pi/certs' });
    const list = iot.things.get('pi-kitchen')!.attributes.participants;
    assert.ok(listNames(list, 'Ana') && listNames(list, 'BEN') && !listNames(list, 'Cleo'));
    assert.equal(list.split(',').length, 2, 'one entry per person');
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

  it('rolls a half-made device back when the policy is missing: no active certificate, no thing, no files left', async () => {
    const out = join(dir, 'pi-2');
    await assert.rejects(
      provisionDevice(client, { thingName: 'pi-2', policyName: 'other-device', participants: ['Ana'], outDir: out }),
      (e: Error) => /provisioning pi-2 failed: Policy not found: other-device \(is the stack deployed, with device policy "other-device"\?\); everything made was removed again/.test(e.message),
    );
    assert.equal(iot.certificates.size, 0, 'the certificate was deactivated and deleted');
    assert.equal(iot.things.has('pi-2'), false);
    for (const p of Object.values(devicePaths(out, 'pi-2'))) assert.throws(() => statSync(p), /ENOENT/);
    const calls = iot.calls();
    const [certId] = calls.filter((c) => c.startsWith('PUT /certificates/')).map((c) => c.split('/')[2]);
    assert.deepEqual(calls.slice(-3), [`PUT /certificates/${certId}`, `DELETE /certificates/${certId}`, 'DELETE /things/pi-2'], 'deactivated, deleted, then the thing');
  });

  it('a failure after the policy is attached detaches it first, so the certificate can be deleted', async () => {
    // DescribeEndpoint, CreateThing, CreateKeysAndCertificate and AttachPolicy pass; AttachThingPrincipal fails
    iot.peer.inject(...Array.from({ length: 4 }, () => ({ kind: 'delay' as const, ms: 0 })), { kind: 'status', status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailableException' }, body: '{"message":"Service unavailable"}' });
    const out = join(dir, 'pi-5');
    await assert.rejects(provisionDevice(client, { thingName: 'pi-5', policyName: 'emotion-device', participants: ['Ana'], outDir: out }), /provisioning pi-5 failed: Service unavailable; everything made was removed again/);
    assert.ok(iot.calls().includes('POST /target-policies/emotion-device'), 'the policy was detached');
    assert.equal(iot.certificates.size, 0);
    assert.equal(iot.things.has('pi-5'), false);
  });

  it('changes a provisioned device\'s participants, refusing names that are not participant names', async () => {
    await provisionDevice(client, { thingName: 'pi-6', policyName: 'emotion-device', participants: ['Ana'], outDir: join(dir, 'pi-6') });
    await setParticipants(client, 'pi-6', ['Ana', 'Cleo']);
    assert.ok(listNames(iot.things.get('pi-6')!.attributes.participants, 'cleo'));
    await assert.rejects(setParticipants(client, 'pi-6', ['../x']), /invalid participant name/);
    await assert.rejects(setParticipants(client, 'pi-6', []), /name at least one participant/);
  });

  it('never overwrites an existing key, and refuses a bad name, before calling AWS', async () => {
    const out = join(dir, 'pi-3');
    await provisionDevice(client, { thingName: 'pi-3', policyName: 'emotion-device', participants: ['Ana'], outDir: out });
    const before = iot.calls().length;
    await assert.rejects(provisionDevice(client, { thingName: 'pi-3', policyName: 'emotion-device', participants: ['Ana'], outDir: out }), /pi-3\.cert\.pem.*already exist/);
    await assert.rejects(provisionDevice(client, { thingName: 'pi 3/../x', policyName: 'emotion-device', participants: ['Ana'], outDir: out }), /not a thing name/);
    await assert.rejects(provisionDevice(client, { thingName: 'pi-9', policyName: 'emotion-device', participants: [], outDir: join(dir, 'pi-9') }), /name at least one participant/);
    assert.equal(iot.calls().length, before);
  });

  it('runs as `npm run cloud:device -- <name> --participants ...` in the deployed stack\'s region, with its policy, and prints where the files are', async () => {
    const out = join(dir, 'cli');
    const outputs = join(dir, 'deployed.json');
    // as cdk deploy --outputs-file writes it (npm run cloud:deploy); the SDK's own default region is another one
    writeFileSync(outputs, JSON.stringify({ 'lab-cloud': { Region: REGION, Prefix: 'lab', DevicePolicyName: 'lab-device', AnswersTopic: `arn:aws:sns:${REGION}:123456789012:lab-emotion`, Features: 'recommended 30' } }));
    iot.policies.add('lab-device');
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'cloud', 'bin', 'device.ts'), ...args], {
        cwd: root,
        env: { ...process.env, AWS_REGION: 'ap-south-1', AWS_ENDPOINT_URL_IOT: iot.peer.endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
      });
    const { stdout } = await cli('pi-cli', '--participants', 'Ana,Ben', '--out', out, '--outputs', outputs);
    assert.match(stdout, /thing pi-cli \(stack lab-cloud, us-east-1\) for Ana, Ben: certificate arn:aws:iot:/);
    assert.match(stdout, /detection +the stack's models answer recommended features over 30 s: set the aws-iot tab's DETECT_WINDOW_S to 30, emotion-train's Features to recommended/);
    assert.match(String(iot.peer.requests.find((r) => r.url.startsWith('/things/pi-cli'))?.headers.authorization), /\/us-east-1\/iot\/aws4_request/, 'signed for the stack\'s region');
    assert.deepEqual([...iot.certificates.values()][0].policies, ['lab-device']);
    const changed = await cli('pi-cli', '--set-participants', 'Cleo', '--outputs', outputs);
    assert.match(changed.stdout, /may now record and detect for: Cleo/);
    assert.ok(listNames(iot.things.get('pi-cli')!.attributes.participants, 'Cleo'));
    await assert.rejects(cli('pi-x', '--participants', 'Ana', '--outputs', join(dir, 'none.json')), /no deployed stack: .*none\.json is missing\. Deploy with npm run cloud:deploy/);
    assert.match(stdout, new RegExp(`endpoint +${ATS_ENDPOINT}`));
    assert.deepEqual(iot.certificates.size, 1);
    assert.equal(statSync(devicePaths(out, 'pi-cli').keyPath).mode & 0o777, 0o600);
  });
});
