// The deploy parameters, read from CDK context (`-c key=value` or cdk.json) so synth needs no
// account: prefix, region, e-mail and SMS subscriptions, labels, confidence threshold.
import type { EmotionCloudProps } from './emotion-stack';

export interface ContextReader {
  tryGetContext(key: string): unknown;
}

export function readSettings(ctx: ContextReader, env: NodeJS.ProcessEnv): EmotionCloudProps {
  const text = (key: string) => String(ctx.tryGetContext(key) ?? '').trim();
  const list = (key: string) => text(key).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const emails = list('emails');
  for (const e of emails) if (!/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(e)) throw new Error(`emails: "${e}" is not an e-mail address`);
  const phones = list('phones');
  for (const p of phones) if (!/^\+[1-9]\d{1,14}$/.test(p)) throw new Error(`phones: "${p}" is not an E.164 number such as +15555550100`);
  const threshold = text('threshold') === '' ? 0 : Number(text('threshold'));
  if (!(threshold >= 0 && threshold <= 1)) throw new Error('threshold must be a number from 0 to 1');
  const region = text('region') || env.CDK_DEFAULT_REGION;
  // No account anywhere: with credentials the CLI fills CDK_DEFAULT_ACCOUNT, without them the
  // template stays account-agnostic.
  return {
    prefix: text('prefix') || 'emotion',
    emails,
    phones,
    labels: list('labels').length > 0 ? list('labels') : undefined,
    threshold,
    ...(text('linearLearnerImage') ? { linearLearnerImage: text('linearLearnerImage') } : {}),
    env: region ? { region, account: env.CDK_DEFAULT_ACCOUNT } : undefined,
  };
}
