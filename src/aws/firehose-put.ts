// One PutRecordBatch call through the real SDK client, reduced to what the sender needs: which
// records failed. Also decides which errors are worth an immediate retry.
import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { withDeadline } from './deadline';

export interface PutOutcome {
  /** Indices (into the records sent) of the records Firehose did not take. */
  failed: number[];
  /** The first per-record error code, for the status and the log. */
  errorCode?: string;
}

export type PutBatch = (records: Buffer[], signal: AbortSignal) => Promise<PutOutcome>;

/**
 * The SDK's Node handler has no request timeout by default, so a silent network would stall the sender
 * forever: each call, its SDK retries included, is aborted after timeoutMs (a failure the sender retries).
 */
export function firehosePut(client: Pick<FirehoseClient, 'send'>, deliveryStreamName: string, timeoutMs = 30_000): PutBatch {
  return async (records, signal) => {
    const command = new PutRecordBatchCommand({ DeliveryStreamName: deliveryStreamName, Records: records.map((Data) => ({ Data })) });
    const out = await withDeadline(timeoutMs, (abortSignal) => client.send(command, { abortSignal }), signal);
    if (!out.FailedPutCount) return { failed: [] };
    const responses = out.RequestResponses ?? [];
    // A response that does not line up with the request cannot tell which records failed: resend all.
    if (responses.length !== records.length) return { failed: records.map((_, i) => i), errorCode: 'IncompleteResponse' };
    const failed: number[] = [];
    let errorCode: string | undefined;
    responses.forEach((r, i) => {
      if (r.ErrorCode) {
        failed.push(i);
        errorCode ??= r.ErrorCode;
      }
    });
    return { failed, errorCode };
  };
}

const THROTTLING = new Set([
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalFailure',
  'InternalFailureException',
  'TimeoutError',
  'RequestTimeout',
]);

/** Throttling, 5xx and network failures are retried soon; other client errors wait for the outage back-off. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e?.$retryable || THROTTLING.has(e?.name ?? '')) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer at all: the network
  return status >= 500 || status === 429;
}

/**
 * The cause, in a few words for the status, of a failure that will not pass by itself (a wrong stream name,
 * missing permissions, rejected credentials); undefined for a passing one (throttling, the network).
 */
export function permanentCause(err: unknown): string | undefined {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  if (name === 'ResourceNotFoundException') return 'stream not found';
  if (name === 'AccessDeniedException') return 'access denied';
  if (/^(UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|InvalidClientTokenId)/.test(name)) return 'credentials rejected';
  if (name === 'InvalidKMSResourceException') return 'KMS key unusable';
  if (name === 'InvalidArgumentException') return 'request refused';
  return undefined;
}
