import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { AwsClientConfig } from './client-config';
import { isTimeout, networkCode, restate, type SdkErrorLike } from './sdk-error';

/** SNS normally answers in well under a second; without a timeout a stalled request would hang the msg forever. */
const PUBLISH_TIMEOUT_MS = 10000;

export function createSnsClient(config: AwsClientConfig): SNSClient {
  return new SNSClient({ ...config, requestHandler: { requestTimeout: PUBLISH_TIMEOUT_MS, throwOnRequestTimeout: true } });
}

/** Publishes and returns the MessageId, or throws one sentence a user can act on. */
export async function publish(client: SNSClient, input: PublishCommandInput): Promise<string> {
  try {
    const out = await client.send(new PublishCommand(input));
    if (!out.MessageId) throw new Error('SNS answered without a MessageId');
    return out.MessageId;
  } catch (e) {
    throw describeSnsError(e, input);
  }
}

export function describeSnsError(e: unknown, input: PublishCommandInput): Error {
  const err = e as SdkErrorLike & { Code?: string };
  const to = input.TopicArn ? `topic ${input.TopicArn}` : 'the phone number';
  const detail = String(err.message ?? e).slice(0, 200);
  let text: string;
  if (networkCode(err)) text = `SNS unreachable (${err.code}): check the network and aws-config`;
  else if (isTimeout(err)) text = `SNS did not answer in time publishing to ${to}`;
  else if (/Throttl/.test(err.name ?? '') || err.$metadata?.httpStatusCode === 429) text = `SNS is throttling publishes to ${to}: ${detail}`;
  else if (err.name === 'AuthorizationErrorException') text = `not allowed to publish to ${to} (check the IAM policy has sns:Publish): ${detail}`;
  else if (err.name === 'NotFoundException') text = `${to} does not exist (check the ARN and the region): ${detail}`;
  else text = `SNS publish to ${to} failed (${err.Code ?? err.name}): ${detail}`;
  return restate(e, text);
}
