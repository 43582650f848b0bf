// The deployed stack's outputs, as `npm run cloud:deploy` writes them (cdk deploy --outputs-file
// cloud/deployed.json): the region the stack is in, its prefix, and the names the command-line tools
// need. cloud:device, cloud:notify and cloud:check read them from here, so they act on the stack that
// was deployed, not on cdk.json's defaults or the SDK's default region.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureSetNamed, FEATURE_SETS, type FeatureSetName } from '../../src/signal/window-features';
import type { EndpointKind } from './training';

export const DEPLOYED_OUTPUTS = join(__dirname, '..', 'deployed.json');

export interface StackOutputs {
  stackName: string;
  region: string;
  prefix: string;
  devicePolicyName: string;
  answersTopic: string;
  /** how participant endpoints serve (output Endpoints: "serverless" or "instance ml.t2.medium") */
  endpointKind?: EndpointKind;
  instanceType?: string;
  /** the features every model uses (output Features: "recommended 30"; a stack from before it: published) */
  featureSet: FeatureSetName;
  /** their window: what a Pi's detection window must be */
  windowSeconds: number;
}

export function readStackOutputs(file: string = DEPLOYED_OUTPUTS, stackName?: string): StackOutputs {
  if (!existsSync(file)) throw new Error(`no deployed stack: ${file} is missing. Deploy with npm run cloud:deploy (it writes the stack's outputs there), or give --outputs <file>`);
  let all: Record<string, Record<string, string>>;
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as typeof all;
  } catch (e) {
    throw new Error(`${file} is not the JSON cdk deploy --outputs-file writes: ${(e as Error).message}`, { cause: e });
  }
  const names = Object.keys(all ?? {});
  const name = stackName ?? (names.length === 1 ? names[0] : undefined);
  if (!name || !all[name]) throw new Error(`${file} holds ${names.length ? `the stacks ${names.join(', ')}` : 'no stack'}: pick one with --stack <name>`);
  const o = all[name];
  for (const key of ['Region', 'Prefix', 'DevicePolicyName', 'AnswersTopic']) {
    if (!o[key]) throw new Error(`stack ${name} in ${file} has no ${key} output: deploy the current cloud/ (npm run cloud:deploy) once more`);
  }
  const [kind, instanceType] = String(o.Endpoints ?? 'serverless').split(' ');
  const featureSet = featureSetNamed(String(o.Features ?? '').split(' ')[0]);
  return {
    stackName: name,
    region: o.Region,
    prefix: o.Prefix,
    devicePolicyName: o.DevicePolicyName,
    answersTopic: o.AnswersTopic,
    endpointKind: kind === 'instance' ? 'instance' : 'serverless',
    ...(instanceType ? { instanceType } : {}),
    featureSet,
    windowSeconds: FEATURE_SETS[featureSet].windowSeconds,
  };
}
