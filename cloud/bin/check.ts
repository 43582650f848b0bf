// npm run cloud:check [-- --outputs <file>] [--stack <name>] [--region <r>] [--endpoint serverless|instance] [--instance-type ml.t2.medium]
// The account quotas that decide how many participants fit, in the deployed stack's region (its outputs
// in cloud/deployed.json), or in --region before a deploy.
import { parseArgs } from 'node:util';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { checkQuotas } from '../lib/quota-check';
import { readStackOutputs } from '../lib/stack-outputs';
import { ENDPOINT_KINDS, type EndpointKind } from '../lib/training';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'outputs': { type: 'string' }, 'stack': { type: 'string' }, 'region': { type: 'string' }, 'endpoint': { type: 'string' }, 'instance-type': { type: 'string' } },
  });
  const stack = values.region ? undefined : readStackOutputs(values.outputs, values.stack);
  const region = values.region ?? stack!.region;
  const kind = (values.endpoint ?? stack?.endpointKind ?? 'serverless') as EndpointKind;
  if (!ENDPOINT_KINDS.includes(kind)) throw new Error(`--endpoint is ${ENDPOINT_KINDS.join(' or ')}`);
  const report = await checkQuotas(new ServiceQuotasClient({ region }), { kind, instanceType: values['instance-type'] ?? stack?.instanceType });
  console.log(`${region}${stack ? ` (stack ${stack.stackName})` : ''}:\n  ${report.lines.join('\n  ')}`);
}

main().catch((e: Error) => {
  console.error(`cloud:check: ${e.message}`);
  process.exit(1);
});
