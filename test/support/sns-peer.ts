// An SNS peer on the loopback peer: speaks awsQuery as @aws-sdk/client-sns sends it (form-encoded
// POST /, Action=Publish) and answers with the service's XML (SNS API Reference, Publish). Like SNS, it
// takes a Publish it received even when the client no longer waits for the answer (a slow answer, a
// dropped connection), so an SDK retry of it is a second message; and it keeps the rules of FIFO topics
// (names ending in .fifo): MessageGroupId required, MessageDeduplicationId required unless the topic has
// content-based deduplication, a repeated deduplication id taken but not delivered again.
import { createHash } from 'node:crypto';
import { LoopbackPeer, type Fault, type PeerRequest } from './loopback-peer';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface SnsPeerOptions {
  /** FIFO topics deduplicate on a hash of the message when no MessageDeduplicationId is given */
  contentBasedDeduplication?: boolean;
}

export interface SnsPeer {
  peer: LoopbackPeer;
  /** the form parameters of every message SNS took and delivers, in order (a deduplicated copy is not
   * one), among peer.requests (emptying those forgets them) */
  publishes(): URLSearchParams[];
  stop(): Promise<void>;
}

export async function startSnsPeer(options: SnsPeerOptions = {}): Promise<SnsPeer> {
  let n = 0;
  const delivered = new WeakMap<PeerRequest, URLSearchParams>();
  /** FIFO: deduplication key -> the MessageId it was given (SNS keeps them 5 minutes) */
  const seen = new Map<string, string>();
  const peer = await LoopbackPeer.start((req) => {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (req.method !== 'POST' || req.url !== '/' || form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') {
      return snsError(400, 'InvalidAction', `unsupported: ${req.method} ${req.url} ${form.get('Action')}`);
    }
    const fifo = form.get('TopicArn')?.endsWith('.fifo') === true;
    const group = form.get('MessageGroupId');
    let dedup = form.get('MessageDeduplicationId');
    if (!fifo && (group !== null || dedup !== null)) {
      return snsError(400, 'InvalidParameter', 'Invalid parameter: MessageGroupId and MessageDeduplicationId are only for FIFO topics');
    }
    if (fifo) {
      if (group === null) return snsError(400, 'InvalidParameter', 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
      if (dedup === null && !options.contentBasedDeduplication) {
        return snsError(400, 'InvalidParameter', 'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      dedup ??= createHash('sha256').update(form.get('Message') ?? '').digest('hex');
    }
    const key = `${form.get('TopicArn')} ${dedup}`;
    let id = fifo ? seen.get(key) : undefined;
    if (id === undefined) {
      n += 1;
      id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      delivered.set(req, form);
      if (fifo) seen.set(key, id);
    }
    const sequence = fifo ? `<SequenceNumber>${String(n).padStart(20, '0')}</SequenceNumber>` : '';
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${n}` },
      body: `<PublishResponse xmlns="${NS}"><PublishResult>${sequence}<MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  });
  return {
    peer,
    publishes: () => peer.requests.flatMap((r) => delivered.get(r) ?? []),
    stop: () => peer.stop(),
  };
}

function snsError(status: number, code: string, message: string) {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-err' },
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`,
  };
}

/** An SNS ErrorResponse as an injectable fault (e.g. 400 InvalidParameter, 403 AuthorizationError, 429 Throttled). */
export function snsFault(status: number, code: string, message: string): Fault {
  return { kind: 'status', ...snsError(status, code, message) };
}
