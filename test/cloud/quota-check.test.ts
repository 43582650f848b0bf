// npm run cloud:check against a Service Quotas peer: the quotas that decide how many participants fit,
// read by name from the applied values, falling back to the defaults, across pages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { checkQuotas } from '../../cloud/lib/quota-check';
import { startServiceQuotasPeer, type ServiceQuotasPeer } from '../support/service-quotas-peer';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
// the names the Service Quotas console shows; the filler stands for SageMaker's hundreds of other quotas
const sagemaker = (QuotaCode: string, QuotaName: string, Value: number) => ({ ServiceCode: 'sagemaker', QuotaCode, QuotaName, Value });
const FILLER = Array.from({ length: 250 }, (_, i) => sagemaker(`L-F${i}`, `ml.x${i}.large for processing job usage`, 0));

describe('cloud:check (account quotas)', function () {
  this.timeout(30000);
  let sq: ServiceQuotasPeer;
  let client: ServiceQuotasClient;
  beforeEach(async () => {
    sq = await startServiceQuotasPeer();
    client = new ServiceQuotasClient({ endpoint: sq.peer.endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
    sq.pageSize = 100;
    sq.defaults.push(
      ...FILLER,
      sagemaker('L-96300102', 'Maximum total concurrency that can be allocated across all serverless endpoints', 10),
      sagemaker('L-0A9A8B7C', 'Maximum number of serverless endpoints', 50),
      sagemaker('L-CE3F8E3E', 'ml.m5.large for training job usage', 1),
      sagemaker('L-0B5B0A2F', 'ml.t2.medium for endpoint usage', 2),
      { ServiceCode: 'lambda', QuotaCode: 'L-B99A9384', QuotaName: 'Concurrent executions', Value: 10 },
    );
  });
  afterEach(async () => {
    client.destroy();
    await sq.stop();
  });

  it('a new account: 10 serverless concurrency at 2 per endpoint is about 5 participants, read from the defaults across pages', async () => {
    const report = await checkQuotas(client);
    assert.equal(report.participants, 5);
    assert.equal(report.values.serverlessConcurrency?.value, 10);
    assert.equal(report.values.serverlessConcurrency?.isDefault, true);
    assert.equal(report.values.lambdaConcurrency?.value, 10);
    assert.match(report.lines.join('\n'), /SageMaker serverless concurrency, all endpoints together: 10 \(default\), each participant's endpoint takes 2 {2}\[Maximum total concurrency .*, L-96300102\]/);
    assert.match(report.lines.at(-1)!, /^About 5 participants can have a serverless endpoint/);
  });

  it('a raised quota (an applied value) wins over the default', async () => {
    sq.applied.push(sagemaker('L-96300102', 'Maximum total concurrency that can be allocated across all serverless endpoints', 200));
    const report = await checkQuotas(client);
    assert.equal(report.participants, 50, 'then the 50 serverless endpoints are the limit');
    assert.equal(report.values.serverlessConcurrency?.isDefault, false);
  });

  it('with the instance fallback, the endpoint instances of its type decide', async () => {
    const report = await checkQuotas(client, { kind: 'instance' });
    assert.equal(report.participants, 2);
    assert.match(report.lines[0], /ml\.t2\.medium endpoint instances: 2 \(default\), one per participant, always on/);
  });

  it('says so when a quota cannot be found, instead of guessing', async () => {
    sq.defaults.splice(sq.defaults.findIndex((q) => q.QuotaCode === 'L-0A9A8B7C'), 1);
    const report = await checkQuotas(client);
    assert.equal(report.participants, undefined);
    assert.match(report.lines.join('\n'), /SageMaker serverless endpoints: not found; look it up in the Service Quotas console/);
  });

  it('runs as `npm run cloud:check -- --region ...`', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'cloud', 'bin', 'check.ts'), '--region', 'eu-west-1'], {
      env: { ...process.env, AWS_ENDPOINT_URL_SERVICE_QUOTAS: sq.peer.endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_MAX_ATTEMPTS: '1' },
    });
    assert.match(stdout, /^eu-west-1:\n/);
    assert.match(stdout, /About 5 participants/);
  });
});
