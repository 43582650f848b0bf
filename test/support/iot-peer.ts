// An AWS IoT peer on the loopback peer, for the real @aws-sdk/client-iot and client-iot-data-plane:
// the control-plane calls `cloud:device` and the Lambdas make (restJson: DescribeEndpoint, CreateThing,
// DescribeThing, UpdateThing, DeleteThing, CreateKeysAndCertificate, UpdateCertificate, DeleteCertificate,
// AttachPolicy, DetachPolicy, AttachThingPrincipal, DetachThingPrincipal) with the service's state and
// its refusals (a thing with principals attached is not deleted, an active or attached certificate is not
// deleted, CreateThing with other attributes than the existing thing's is a conflict), and the
// data-plane Publish the inference Lambda answers with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackPeer, type PeerRequest, type PeerResponse } from './loopback-peer';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ATS_ENDPOINT = `a1b2c3d4e5f6g7-ats.iot.${REGION}.amazonaws.com`;

export interface IotPeer {
  peer: LoopbackPeer;
  /** policies that exist (the deployed stack's device policy) */
  policies: Set<string>;
  things: Map<string, { principals: string[]; attributes: Record<string, string> }>;
  certificates: Map<string, { pem: string; privateKey: string; policies: string[]; status: 'ACTIVE' | 'INACTIVE' }>;
  /** data-plane publishes: topic, qos and the payload as text */
  publishes(): { topic: string; qos: number; payload: string }[];
  /** control-plane calls as "METHOD path", in order */
  calls(): string[];
  stop(): Promise<void>;
}

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

export async function startIotPeer(policies: string[] = ['emotion-device']): Promise<IotPeer> {
  const state = {
    policies: new Set(policies),
    things: new Map<string, { principals: string[]; attributes: Record<string, string> }>(),
    certificates: new Map<string, { pem: string; privateKey: string; policies: string[]; status: 'ACTIVE' | 'INACTIVE' }>(),
  };
  let n = 0;
  const handle = (req: PeerRequest): PeerResponse => {
    const url = new URL(req.url, 'http://peer');
    const path = decodeURIComponent(url.pathname);
    const body = req.body.length > 0 ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
    let m: RegExpMatchArray | null;
    if (req.method === 'POST' && path.startsWith('/topics/')) return ok({});
    if (req.method === 'GET' && path === '/endpoint') {
      const type = url.searchParams.get('endpointType');
      // Without the type the service answers the legacy VeriSign endpoint, which Amazon Root CA 1 does not sign.
      return ok({ endpointAddress: type === 'iot:Data-ATS' ? ATS_ENDPOINT : `a1b2c3d4e5f6g7.iot.${REGION}.amazonaws.com` });
    }
    if (req.method === 'POST' && (m = path.match(/^\/things\/([^/]+)$/))) {
      const name = m[1];
      if (!THING_NAME.test(name)) return error(400, 'InvalidRequestException', `1 validation error detected: Value '${name}' at 'thingName' failed to satisfy constraint`);
      const attributes = ((body.attributePayload as { attributes?: Record<string, string> } | undefined)?.attributes ?? {});
      const existing = state.things.get(name);
      // CreateThing is idempotent for an identical thing; other attributes are a conflict.
      if (existing && JSON.stringify(existing.attributes) !== JSON.stringify(attributes)) {
        return error(409, 'ResourceAlreadyExistsException', `Thing ${name} already exists in account with different attributes`);
      }
      if (!existing) state.things.set(name, { principals: [], attributes });
      return ok({ thingName: name, thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`, thingId: `id-${name}` });
    }
    if (req.method === 'GET' && (m = path.match(/^\/things\/([^/]+)$/))) {
      const thing = state.things.get(m[1]);
      if (!thing) return error(404, 'ResourceNotFoundException', `Thing ${m[1]} cannot be found.`);
      return ok({ thingName: m[1], thingId: `id-${m[1]}`, attributes: thing.attributes, version: 1 });
    }
    if (req.method === 'PATCH' && (m = path.match(/^\/things\/([^/]+)$/))) {
      const thing = state.things.get(m[1]);
      if (!thing) return error(404, 'ResourceNotFoundException', `Thing ${m[1]} cannot be found.`);
      const payload = (body.attributePayload ?? {}) as { attributes?: Record<string, string>; merge?: boolean };
      thing.attributes = payload.merge ? { ...thing.attributes, ...payload.attributes } : { ...payload.attributes };
      for (const [k, v] of Object.entries(thing.attributes)) if (v === '') delete thing.attributes[k];
      return ok({});
    }
    if (req.method === 'DELETE' && (m = path.match(/^\/things\/([^/]+)$/))) {
      const thing = state.things.get(m[1]);
      if (thing && thing.principals.length > 0) return error(409, 'InvalidRequestException', `Cannot delete thing ${m[1]}: it has attached principals`);
      state.things.delete(m[1]);
      return ok({});
    }
    if (req.method === 'PUT' && (m = path.match(/^\/certificates\/([^/]+)$/))) {
      const cert = state.certificates.get(m[1]);
      if (!cert) return error(404, 'ResourceNotFoundException', `Certificate ${m[1]} does not exist`);
      cert.status = url.searchParams.get('newStatus') === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE';
      return ok({});
    }
    if (req.method === 'DELETE' && (m = path.match(/^\/certificates\/([^/]+)$/))) {
      const cert = state.certificates.get(m[1]);
      if (!cert) return error(404, 'ResourceNotFoundException', `Certificate ${m[1]} does not exist`);
      if (cert.status === 'ACTIVE') return error(400, 'CertificateStateException', 'Certificate must be deactivated before deletion.');
      const attached = [...state.things.values()].some((t) => t.principals.includes(certArn(m![1])));
      if (cert.policies.length > 0 || attached) return error(409, 'DeleteConflictException', 'Things or policies are still attached to the certificate');
      state.certificates.delete(m[1]);
      return ok({});
    }
    if (req.method === 'POST' && (m = path.match(/^\/target-policies\/([^/]+)$/))) {
      const cert = state.certificates.get(String(body.target ?? '').split('/')[1]);
      if (cert) cert.policies = cert.policies.filter((p) => p !== m![1]);
      return ok({});
    }
    if (req.method === 'DELETE' && (m = path.match(/^\/things\/([^/]+)\/principals$/))) {
      const thing = state.things.get(m[1]);
      if (thing) thing.principals = thing.principals.filter((p) => p !== String(req.headers['x-amzn-principal']));
      return ok({});
    }
    if (req.method === 'POST' && path === '/keys-and-certificate') {
      if (url.searchParams.get('setAsActive') !== 'true') return error(400, 'InvalidRequestException', 'test peer: only setAsActive=true is modelled');
      n += 1;
      const id = `${String(n).padStart(4, '0')}${'c'.repeat(60)}`;
      const { pem, privateKey, publicKey } = certificate(`iot-cert-${n}`);
      state.certificates.set(id, { pem, privateKey, policies: [], status: 'ACTIVE' });
      return ok({ certificateArn: certArn(id), certificateId: id, certificatePem: pem, keyPair: { PublicKey: publicKey, PrivateKey: privateKey } });
    }
    if (req.method === 'PUT' && (m = path.match(/^\/target-policies\/([^/]+)$/))) {
      if (!state.policies.has(m[1])) return error(404, 'ResourceNotFoundException', `Policy not found: ${m[1]}`);
      const cert = state.certificates.get(String(body.target ?? '').split('/')[1]);
      if (!cert) return error(404, 'ResourceNotFoundException', `The certificate given in the target does not exist: ${String(body.target)}`);
      cert.policies.push(m[1]);
      return ok({});
    }
    if (req.method === 'PUT' && (m = path.match(/^\/things\/([^/]+)\/principals$/))) {
      const thing = state.things.get(m[1]);
      if (!thing) return error(404, 'ResourceNotFoundException', `Thing ${m[1]} cannot be found.`);
      thing.principals.push(String(req.headers['x-amzn-principal']));
      return ok({});
    }
    return error(404, 'UnknownOperationException', `test peer does not model ${req.method} ${path}`);
  };
  const peer = await LoopbackPeer.start(handle);
  return {
    peer,
    ...state,
    publishes: () =>
      peer.requests
        .filter((r) => !r.fault && r.method === 'POST' && r.url.startsWith('/topics/'))
        .map((r) => {
          const url = new URL(r.url, 'http://peer');
          return { topic: decodeURIComponent(url.pathname.slice('/topics/'.length)), qos: Number(url.searchParams.get('qos') ?? 0), payload: r.body.toString('utf8') };
        }),
    calls: () => peer.requests.filter((r) => !r.fault && !r.url.startsWith('/topics/')).map((r) => `${r.method} ${new URL(r.url, 'http://peer').pathname}`),
    stop: () => peer.stop(),
  };
}

function certArn(id: string): string {
  return `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${id}`;
}

function ok(body: unknown): PeerResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function error(status: number, type: string, message: string): PeerResponse {
  return { status, headers: { 'x-amzn-errortype': type, 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}

/** A real self-signed certificate and RSA key, as the service issues one (openssl is a CI package). */
function certificate(cn: string): { pem: string; privateKey: string; publicKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'iot-peer-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', 'key.pem', '-out', 'cert.pem'], { cwd: dir, stdio: 'pipe' });
    execFileSync('openssl', ['rsa', '-in', 'key.pem', '-pubout', '-out', 'pub.pem'], { cwd: dir, stdio: 'pipe' });
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { pem: read('cert.pem'), privateKey: read('key.pem'), publicKey: read('pub.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The data plane's errors, as injectable faults. */
export const iotFaults = {
  throttled: () => ({ kind: 'status' as const, status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: '{"message":"Rate exceeded"}' }),
  unavailable: () => ({ kind: 'status' as const, status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailableException' }, body: '{"message":"Service unavailable"}' }),
};
