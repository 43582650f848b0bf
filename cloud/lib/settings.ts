// The deploy parameters, read from CDK context (`-c key=value` or cdk.json) so synth needs no
// account: prefix, region, who is told by e-mail and SMS (per participant), labels, the models' features,
// confidence threshold, how long a detection may wait for a cold start, and which kind of endpoint serves.
import type { EmotionCloudProps } from './emotion-stack';
import { SUBSCRIBER_ADDRESS, type Subscriber } from './notify';
import { participantName } from '../../src/record/participant';
import { featureSetNamed } from '../../src/signal/window-features';
import { ENDPOINT_KINDS, type EndpointKind } from './training';

export interface ContextReader {
  tryGetContext(key: string): unknown;
}

export function readSettings(ctx: ContextReader, env: NodeJS.ProcessEnv): EmotionCloudProps {
  const text = (key: string) => String(ctx.tryGetContext(key) ?? '').trim();
  const list = (key: string) => text(key).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const subscribers = [
    ...list('emails').map((entry) => subscriber('emails', entry, 'email')),
    ...list('phones').map((entry) => subscriber('phones', entry, 'sms')),
  ];
  const threshold = text('threshold') === '' ? 0 : Number(text('threshold'));
  if (!(threshold >= 0 && threshold <= 1)) throw new Error('threshold must be a number from 0 to 1');
  const wait = text('inferWaitSeconds') === '' ? 90 : Number(text('inferWaitSeconds'));
  if (!(Number.isInteger(wait) && wait >= 5 && wait <= 840)) throw new Error('inferWaitSeconds must be a whole number of seconds from 5 to 840');
  const endpointKind = (text('endpoint') || 'serverless') as EndpointKind;
  if (!ENDPOINT_KINDS.includes(endpointKind)) throw new Error(`endpoint must be ${ENDPOINT_KINDS.join(' or ')}, not "${endpointKind}"`);
  const instanceType = text('instanceType') || undefined;
  if (instanceType !== undefined && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType)) throw new Error(`instanceType "${instanceType}" is not a SageMaker instance type such as ml.t2.medium`);
  const region = text('region') || env.CDK_DEFAULT_REGION;
  // No account anywhere: with credentials the CLI fills CDK_DEFAULT_ACCOUNT, without them the
  // template stays account-agnostic.
  return {
    prefix: text('prefix') || 'emotion',
    subscribers,
    labels: list('labels').length > 0 ? list('labels') : undefined,
    features: featureSetNamed(text('features')),
    threshold,
    inferWaitSeconds: wait,
    endpoint: { kind: endpointKind, ...(instanceType ? { instanceType } : {}) },
    ...(text('linearLearnerImage') ? { linearLearnerImage: text('linearLearnerImage') } : {}),
    env: region ? { region, account: env.CDK_DEFAULT_ACCOUNT } : undefined,
  };
}

/** `Ana:carer@example.com`: Ana's answers to that address; `*:...` every participant's, said on purpose. */
function subscriber(key: string, entry: string, protocol: Subscriber['protocol']): Subscriber {
  const colon = entry.indexOf(':');
  if (colon < 0) throw new Error(`${key}: "${entry}" names no participant: write Ana:${entry} for Ana's answers, or *:${entry} for everyone's`);
  const who = entry.slice(0, colon).trim();
  const endpoint = entry.slice(colon + 1).trim();
  if (!SUBSCRIBER_ADDRESS[protocol].pattern.test(endpoint)) throw new Error(`${key}: "${endpoint}" is not ${SUBSCRIBER_ADDRESS[protocol].is}`);
  return { participant: who === '*' ? '*' : participantName(who), protocol, endpoint };
}
