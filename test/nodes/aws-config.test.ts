import assert from 'node:assert/strict';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { AwsClientConfig, AwsClientSource } from '../../src/aws/client-config';
import { helper } from '../support/node-red';
import { LoopbackPeer } from '../support/loopback-peer';
import awsConfigNode = require('../../nodes/aws-config/aws-config');

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN';

type ConfigNode = AwsClientSource & { region?: string };

describe('aws-config node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  const flow = (extra: Record<string, unknown> = {}) => [
    { id: 'aws', type: 'emotion-aws-config', name: 'test account', region: 'eu-west-1', endpoint: '', maxAttempts: '', ...extra },
  ];
  const creds = { aws: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN } };

  it('builds clients from the credential store, one per key, and destroys them on close', async () => {
    await helper.load(awsConfigNode, flow({ maxAttempts: '2' }), creds);
    const node = helper.getNode('aws') as unknown as ConfigNode;
    const seen: AwsClientConfig[] = [];
    let destroyed = 0;
    const create = (config: AwsClientConfig) => {
      seen.push(config);
      return { destroy: () => (destroyed += 1) };
    };
    const client = node.client('firehose', create);
    assert.equal(node.client('firehose', create), client);
    node.client('sns', create);
    assert.deepEqual(seen[0], {
      region: 'eu-west-1',
      maxAttempts: 2,
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN },
    });
    assert.equal(seen.length, 2);
    await helper.unload();
    assert.equal(destroyed, 2);
  });

  it('leaves credentials to the default provider chain when the store has none', async () => {
    await helper.load(awsConfigNode, flow());
    const node = helper.getNode('aws') as unknown as ConfigNode;
    const config = node.client('k', (c) => ({ c, destroy() {} })).c;
    assert.deepEqual(config, { region: 'eu-west-1' });
  });

  it('keeps credentials out of the flow export', async () => {
    await helper.load(awsConfigNode, flow(), creds);
    const exported = JSON.stringify((helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows());
    assert.ok(exported.includes('eu-west-1'), 'the export holds the config');
    for (const secret of [SECRET, KEY_ID, TOKEN]) assert.ok(!exported.includes(secret), 'a credential is in the export');
  });

  it("keeps the access key id, like the secret, out of the editor's GET /credentials (a flow saved before still works)", async () => {
    await helper.load(awsConfigNode, flow(), creds); // credentials stored under the same names as before
    // what GET /credentials/aws-config/aws answers (the runtime API behind it; the editor API is not mounted here)
    const runtime = (helper as unknown as { _RED: { runtime: { flows: { getNodeCredentials(o: object): Promise<Record<string, unknown>> } } } })._RED.runtime;
    const body = await runtime.flows.getNodeCredentials({ type: 'emotion-aws-config', id: 'aws' });
    assert.equal(JSON.stringify(body).includes(KEY_ID), false, `the key id is readable: ${JSON.stringify(body)}`);
    assert.equal(body.has_accessKeyId, true, 'the editor still knows one is set');
    assert.equal(body.has_secretAccessKey, true);
    const node = helper.getNode('aws') as unknown as ConfigNode;
    assert.equal(node.client('k', (c) => ({ c, destroy() {} })).c.credentials?.accessKeyId, KEY_ID);
  });

  it('reports a bad setting without the secret, and every client request then fails clearly', async () => {
    await helper.load(awsConfigNode, flow(), { aws: { secretAccessKey: SECRET } });
    const node = helper.getNode('aws') as unknown as ConfigNode & { error: { args: unknown[][] } };
    const logged = JSON.stringify(node.error.args);
    assert.match(logged, /without an access key id/);
    assert.ok(!logged.includes(SECRET));
    assert.throws(() => node.client('x', () => ({ destroy() {} })), /aws-config: secret access key given without/);
  });

  it('redacts credentials from the errors a real client raises', async () => {
    // A peer that echoes the Authorization header (it names the access key id) in its error message.
    const peer = await LoopbackPeer.start((req) => ({
      status: 400,
      body: JSON.stringify({ __type: 'InvalidArgumentException', message: `bad request ${req.headers.authorization}` }),
    }));
    try {
      await helper.load(awsConfigNode, flow({ endpoint: peer.endpoint, maxAttempts: '1' }), creds);
      const node = helper.getNode('aws') as unknown as ConfigNode;
      const client = node.client('firehose', (c) => new FirehoseClient(c));
      const err = await client
        .send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [{ Data: Buffer.from('{}\n') }] }))
        .then(() => assert.fail('the peer refused'), (e: Error) => e);
      assert.ok(err.message.includes(KEY_ID), 'the raw SDK error names the key');
      const shown = node.redact(err.message);
      assert.match(shown, /^bad request AWS4-HMAC-SHA256 Credential=\*\*\*\//);
      for (const secret of [SECRET, KEY_ID, TOKEN]) assert.ok(!shown.includes(secret));
    } finally {
      await peer.stop();
    }
  });

  it('redacts an access key id from the default provider chain too', async () => {
    const peer = await LoopbackPeer.start((req) => ({
      status: 400,
      body: JSON.stringify({ __type: 'InvalidArgumentException', message: `bad request ${req.headers.authorization}` }),
    }));
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE'; // a temporary key, as an instance role gives
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    try {
      await helper.load(awsConfigNode, flow({ endpoint: peer.endpoint, maxAttempts: '1' }));
      const node = helper.getNode('aws') as unknown as ConfigNode;
      const client = node.client('firehose', (c) => new FirehoseClient(c));
      const err = await client
        .send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [{ Data: Buffer.from('{}\n') }] }))
        .then(() => assert.fail('the peer refused'), (e: Error) => e);
      assert.ok(err.message.includes('ASIAIOSFODNN7EXAMPLE'), 'the raw SDK error names the key');
      assert.match(node.redact(err.message), /^bad request AWS4-HMAC-SHA256 Credential=\*\*\*\//);
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await peer.stop();
    }
  });
});
