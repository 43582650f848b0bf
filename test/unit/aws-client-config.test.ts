import assert from 'node:assert/strict';
import { request } from 'node:http';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { buildClientConfig, ClientCache, redactCredentials } from '../../src/aws/client-config';
import { LoopbackPeer } from '../support/loopback-peer';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

describe('aws client-config', () => {
  it('defaults to us-east-1 and the default provider chain when the credentials are blank', () => {
    assert.deepEqual(buildClientConfig({ region: '', endpoint: '', maxAttempts: '' }, { accessKeyId: '', secretAccessKey: '' }), {
      region: 'us-east-1',
    });
  });

  it('passes region, static credentials, endpoint and max attempts as the SDK expects them', () => {
    const config = buildClientConfig(
      { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', maxAttempts: '2' },
      { accessKeyId: ` ${KEY_ID} `, secretAccessKey: SECRET, sessionToken: 'tok' },
    );
    assert.deepEqual(config, {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      maxAttempts: 2,
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: 'tok' },
    });
  });

  it('rejects half credentials, bad regions, endpoints and attempts without echoing a secret', () => {
    const bad: Array<[Parameters<typeof buildClientConfig>, RegExp]> = [
      [[{}, { secretAccessKey: SECRET }], /without an access key id/],
      [[{}, { accessKeyId: KEY_ID }], /without a secret access key/],
      [[{}, { sessionToken: SECRET }], /session token needs/],
      [[{ region: 'Mars' }], /invalid AWS region/],
      [[{ endpoint: 'not a url' }], /endpoint must be a URL/],
      [[{ endpoint: 'ftp://x' }], /http\(s\)/],
      [[{ endpoint: `https://${KEY_ID}:pw@host` }], /user name or password/],
      [[{ maxAttempts: '0' }], /max attempts/],
      [[{ maxAttempts: '2.5' }], /max attempts/],
    ];
    for (const [args, message] of bad) {
      assert.throws(() => buildClientConfig(...args), (err: Error) => {
        assert.match(err.message, message);
        assert.ok(!err.message.includes(SECRET) && !err.message.includes(KEY_ID), err.message);
        return true;
      });
    }
  });

  it('redacts every credential value from a text', () => {
    const text = `Credential=${KEY_ID}/20261125 secret ${SECRET} token tok-1`;
    assert.equal(
      redactCredentials(text, { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: 'tok-1' }),
      'Credential=***/20261125 secret *** token ***',
    );
    // From the default provider chain the values are not known here: anything shaped like a key id goes.
    assert.equal(redactCredentials(text, undefined), `Credential=***/20261125 secret ${SECRET} token tok-1`);
    assert.equal(redactCredentials('key ASIAQWERTYUIOP123456, not AKIA-short', undefined), 'key ***, not AKIA-short');
  });

  it('creates one client per key lazily and destroys them all', () => {
    const cache = new ClientCache({ region: 'us-east-1' });
    let created = 0;
    const destroyed: string[] = [];
    const make = (name: string) => () => {
      created += 1;
      return { name, destroy: () => destroyed.push(name) };
    };
    assert.equal(created, 0);
    const a = cache.get('firehose', make('firehose'));
    assert.equal(cache.get('firehose', make('other')), a);
    cache.get('sns', make('sns'));
    assert.equal(created, 2);
    cache.destroyAll();
    assert.deepEqual(destroyed.sort(), ['firehose', 'sns']);
  });

  it('gives each client its own copy of the config', () => {
    const cache = new ClientCache({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const first = cache.get('one', (config) => {
      config.credentials!.secretAccessKey = 'changed';
      return { config, destroy() {} };
    });
    const second = cache.get('two', (config) => ({ config, destroy() {} }));
    assert.equal(first.config.credentials?.secretAccessKey, 'changed');
    assert.equal(second.config.credentials?.secretAccessKey, 'b');
  });
});

describe('loopback peer', () => {
  let peer: LoopbackPeer;
  afterEach(() => peer?.stop());

  const firehose = () =>
    new FirehoseClient({
      ...buildClientConfig({ endpoint: peer.endpoint, maxAttempts: '1' }, { accessKeyId: KEY_ID, secretAccessKey: SECRET }),
    });
  const put = (client: FirehoseClient) =>
    client.send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [{ Data: Buffer.from('{"a":1}\n') }] }));
  const ok = { body: JSON.stringify({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'r1' }] }) };

  it('records what a real SDK client sends, signed, and never sees the secret on the wire', async () => {
    peer = await LoopbackPeer.start(() => ok);
    const client = firehose();
    const out = await put(client);
    client.destroy();
    assert.equal(out.FailedPutCount, 0);
    assert.equal(peer.requests.length, 1);
    const [req] = peer.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['x-amz-target'], 'Firehose_20150804.PutRecordBatch');
    assert.match(String(req.headers.authorization), new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/`));
    assert.ok(!JSON.stringify(req.headers).includes(SECRET) && !req.body.includes(SECRET));
  });

  it('answers 403 to an unsigned request', async () => {
    peer = await LoopbackPeer.start(() => ok);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${peer.endpoint}/`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(status, 403);
    assert.equal(peer.requests[0].fault, 'unsigned');
  });

  it('injects a status, a delay and a reset, one request each, then answers normally', async () => {
    peer = await LoopbackPeer.start(() => ok);
    const client = firehose();
    peer.inject(
      { kind: 'status', status: 503, body: '{"__type":"ServiceUnavailableException","message":"Slow down."}' },
      { kind: 'reset' },
      { kind: 'delay', ms: 50 },
    );
    await assert.rejects(put(client), { name: 'ServiceUnavailableException', message: 'Slow down.' });
    await assert.rejects(put(client), (err: Error & { code?: string }) => /ECONNRESET|socket hang up/.test(`${err.code} ${err.message}`));
    const started = Date.now();
    assert.equal((await put(client)).FailedPutCount, 0);
    assert.ok(Date.now() - started >= 45);
    assert.equal((await put(client)).FailedPutCount, 0);
    client.destroy();
    assert.deepEqual(peer.requests.map((r) => r.fault), ['status', 'reset', 'delay', undefined]);
  });

  it('can be killed and restarted on the same port', async () => {
    peer = await LoopbackPeer.start(() => ok);
    const endpoint = peer.endpoint;
    const client = firehose();
    await put(client);
    await peer.stop();
    await assert.rejects(put(client), (err: Error & { code?: string }) => /ECONNREFUSED|ECONNRESET/.test(`${err.code} ${err.message}`));
    await peer.restart();
    assert.equal(peer.endpoint, endpoint);
    assert.equal((await put(client)).FailedPutCount, 0);
    client.destroy();
    assert.equal(peer.requests.length, 2);
  });

  it('drops an in-flight request when killed', async () => {
    peer = await LoopbackPeer.start(() => ok);
    peer.inject({ kind: 'delay', ms: 2000 });
    const client = firehose();
    const pending = put(client);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await peer.stop();
    await assert.rejects(pending);
    client.destroy();
  });
});
