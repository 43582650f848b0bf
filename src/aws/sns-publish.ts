// Publishing through SNS so that one answer makes at most one message. A standard topic or a phone number
// has no idempotency: a Publish the SDK sends again after a timeout or a dropped answer, which SNS had
// already taken, reaches the parent twice. So only failures where SNS cannot have taken the message are
// retried (throttled, or no connection at all), and the timeout is one deadline with no second attempt
// after it. A FIFO topic deduplicates on MessageDeduplicationId (one per answer, see sns-message.ts), so
// there every failure the SDK retries is retried. The trade-off is in docs/aws-sns.md.
import { PublishCommand, SNSClient, type PublishCommandInput, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { AwsClientConfig } from './client-config';
import { withDeadline } from './deadline';
import { isTimeout, networkCode, restate, type SdkErrorLike } from './sdk-error';
import { isFifoTopic } from './sns-message';

/** SNS normally answers in well under a second; the whole Publish, any retry included, ends after this. */
export const PUBLISH_DEADLINE_MS = 10_000;

type RetryStrategy = Extract<NonNullable<SNSClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryErrorInfo = Parameters<RetryStrategy['refreshRetryTokenForRetry']>[1];

/** The connection was never made, so nothing reached SNS. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** SNS refused the message (throttled) or never saw it: sending it again cannot make a duplicate. */
export function cannotHavePublished(info: RetryErrorInfo): boolean {
  const e = (info.error ?? {}) as SdkErrorLike;
  return info.errorType === 'THROTTLING' || NOT_CONNECTED.has(e.code ?? '');
}

/** A retry strategy for the SDK: up to maxAttempts, only for `retryable` failures, exponential back-off with jitter. */
function retryOnly(retryable: (info: RetryErrorInfo) => boolean, maxAttempts: number): RetryStrategy {
  const token = (count: number, delay: number) => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const count = previous.getRetryCount() + 1;
      if (count >= maxAttempts || !retryable(info)) throw new Error('not retried');
      const base = info.errorType === 'THROTTLING' ? 500 : 100;
      return token(count, Math.random() * Math.min(20_000, base * 2 ** count));
    },
    recordSuccess: () => undefined,
  };
}

/** The client for `target`'s kind of Publish: FIFO topics may retry anything the SDK would. */
export function createSnsClient(config: AwsClientConfig, fifo = false): SNSClient {
  const maxAttempts = config.maxAttempts ?? 3;
  const retryable = fifo ? (info: RetryErrorInfo) => info.errorType !== 'CLIENT_ERROR' : cannotHavePublished;
  return new SNSClient({ ...config, retryStrategy: retryOnly(retryable, maxAttempts) });
}

/** The cache key and factory of the client for this Publish, for AwsClientSource.client(). */
export function snsClientFor(input: PublishCommandInput): [string, (config: AwsClientConfig) => SNSClient] {
  const fifo = isFifoTopic(input);
  return [fifo ? 'sns-fifo' : 'sns', (config) => createSnsClient(config, fifo)];
}

/** Publishes and returns the MessageId, or throws one sentence a user can act on. */
export async function publish(client: SNSClient, input: PublishCommandInput, deadlineMs = PUBLISH_DEADLINE_MS): Promise<string> {
  try {
    const command = new PublishCommand(input);
    const out = await withDeadline(deadlineMs, (abortSignal) => client.send(command, { abortSignal }));
    if (!out.MessageId) throw new Error('SNS answered without a MessageId');
    return out.MessageId;
  } catch (e) {
    throw describeSnsError(e, input, deadlineMs);
  }
}

export function describeSnsError(e: unknown, input: PublishCommandInput, deadlineMs = PUBLISH_DEADLINE_MS): Error {
  const err = e as SdkErrorLike & { Code?: string };
  const to = input.TopicArn ? `topic ${input.TopicArn}` : 'the phone number';
  const detail = String(err.message ?? e).slice(0, 200);
  // a standard topic or an SMS was not sent again: say that it may have gone out once
  const maybe = isFifoTopic(input) ? '' : '; not sent again, SNS may have taken it';
  const code = networkCode(err);
  let text: string;
  if (code && NOT_CONNECTED.has(code)) text = `SNS unreachable (${code}): check the network and aws-config`;
  else if (code) text = `the connection to SNS dropped (${code}) publishing to ${to}${maybe}`;
  else if (isTimeout(err)) text = `SNS did not answer within ${deadlineMs} ms publishing to ${to}${maybe}`;
  else if (/Throttl/.test(err.name ?? '') || err.$metadata?.httpStatusCode === 429) text = `SNS is throttling publishes to ${to}: ${detail}`;
  else if (err.name === 'AuthorizationErrorException') text = `not allowed to publish to ${to} (check the IAM policy has sns:Publish): ${detail}`;
  else if (err.name === 'NotFoundException') text = `${to} does not exist (check the ARN and the region): ${detail}`;
  else text = `SNS publish to ${to} failed (${err.Code ?? err.name}): ${detail}`;
  return restate(e, text);
}
