// An SNS peer on the loopback peer: speaks awsQuery as @aws-sdk/client-sns sends it (form-encoded
// POST /, Action=Publish) and answers with the service's XML (research/aws-facts.md §2.3).
import { LoopbackPeer, type Fault } from './loopback-peer';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface SnsPeer {
  peer: LoopbackPeer;
  /** the form parameters of every Publish received, in order */
  publishes(): URLSearchParams[];
  stop(): Promise<void>;
}

export async function startSnsPeer(): Promise<SnsPeer> {
  let n = 0;
  const peer = await LoopbackPeer.start((req) => {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (req.method !== 'POST' || req.url !== '/' || form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') {
      return snsError(400, 'InvalidAction', `unsupported: ${req.method} ${req.url} ${form.get('Action')}`);
    }
    n += 1;
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${n}` },
      body: `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  });
  return {
    peer,
    publishes: () =>
      peer.requests
        .filter((r) => !r.fault)
        .map((r) => new URLSearchParams(r.body.toString('utf8')))
        .filter((f) => f.get('Action') === 'Publish'),
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
