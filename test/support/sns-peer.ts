// An SNS peer on the loopback peer: speaks awsQuery as @aws-sdk/client-sns sends it (form-encoded
// POST /, Action=Publish) and answers with the service's XML (SNS API Reference, Publish). Like SNS, it
// takes a Publish it received even when the client no longer waits for the answer (a slow answer, a
// dropped connection), so an SDK retry of it is a second message; and it keeps the rules of FIFO topics
// (names ending in .fifo): MessageGroupId required, MessageDeduplicationId required unless the topic has
// content-based deduplication, a repeated deduplication id taken but not delivered again. It keeps a
// topic's subscriptions too (Subscribe with a FilterPolicy attribute, ListSubscriptionsByTopic,
// GetSubscriptionAttributes, Unsubscribe) and delivers each message to the subscriptions whose filter
// policy its message attributes match (SNS message filtering: every key of the policy must be an
// attribute of the message with one of the listed string values; no policy takes everything).
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
  subscriptions: Map<string, Subscription>;
  /** the messages delivered to one endpoint (e-mail address or phone number) */
  deliveredTo(endpoint: string): string[];
  stop(): Promise<void>;
}

export interface Subscription {
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  messages: string[];
}

/** Form entries `<prefix>.entry.N.<k>` / `.<v>` as a record (how awsQuery sends a map). */
function formMap(form: URLSearchParams, prefix: string, k: string, v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; form.has(`${prefix}.entry.${i}.${k}`); i++) out[form.get(`${prefix}.entry.${i}.${k}`)!] = form.get(`${prefix}.entry.${i}.${v}`) ?? '';
  return out;
}

function matches(policyText: string | undefined, attributes: Record<string, string>): boolean {
  if (!policyText) return true;
  const policy = JSON.parse(policyText) as Record<string, unknown[]>;
  return Object.entries(policy).every(([key, allowed]) => key in attributes && allowed.some((a) => a === attributes[key]));
}

function ok(action: string, result: string, n: number | string) {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${n}` },
    body: `<${action}Response xmlns="${NS}">${result ? `<${action}Result>${result}</${action}Result>` : ''}<ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export async function startSnsPeer(options: SnsPeerOptions = {}): Promise<SnsPeer> {
  let n = 0;
  const delivered = new WeakMap<PeerRequest, URLSearchParams>();
  /** FIFO: deduplication key -> the MessageId it was given (SNS keeps them 5 minutes) */
  const seen = new Map<string, string>();
  const subscriptions = new Map<string, Subscription>();
  const peer = await LoopbackPeer.start((req) => {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (req.method !== 'POST' || req.url !== '/' || form.get('Version') !== '2010-03-31') {
      return snsError(400, 'InvalidAction', `unsupported: ${req.method} ${req.url} ${form.get('Action')}`);
    }
    const action = form.get('Action');
    if (action === 'Subscribe') {
      const topicArn = form.get('TopicArn') ?? '';
      const attributes = formMap(form, 'Attributes', 'key', 'value');
      if (attributes.FilterPolicy) {
        try {
          JSON.parse(attributes.FilterPolicy);
        } catch {
          return snsError(400, 'InvalidParameter', 'Invalid parameter: FilterPolicy: failed to parse JSON');
        }
      }
      const arn = `${topicArn}:${String(subscriptions.size + 1).padStart(8, '0')}-0000-4000-8000-000000000000`;
      subscriptions.set(arn, { topicArn, protocol: form.get('Protocol') ?? '', endpoint: form.get('Endpoint') ?? '', attributes, messages: [] });
      // an e-mail address answers "pending confirmation" unless the caller asked for the ARN
      const shown = form.get('Protocol') === 'email' && form.get('ReturnSubscriptionArn') !== 'true' ? 'pending confirmation' : arn;
      return ok('Subscribe', `<SubscriptionArn>${shown}</SubscriptionArn>`, subscriptions.size);
    }
    if (action === 'ListSubscriptionsByTopic') {
      const members = [...subscriptions].filter(([, x]) => x.topicArn === form.get('TopicArn'))
        .map(([arn, x]) => `<member><TopicArn>${x.topicArn}</TopicArn><Protocol>${x.protocol}</Protocol><SubscriptionArn>${arn}</SubscriptionArn><Owner>123456789012</Owner><Endpoint>${x.endpoint}</Endpoint></member>`);
      return ok('ListSubscriptionsByTopic', `<Subscriptions>${members.join('')}</Subscriptions>`, 'list');
    }
    if (action === 'GetSubscriptionAttributes') {
      const x = subscriptions.get(form.get('SubscriptionArn') ?? '');
      if (!x) return snsError(404, 'NotFound', 'Subscription does not exist');
      const entries = Object.entries(x.attributes).map(([k, v]) => `<entry><key>${k}</key><value>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</value></entry>`);
      return ok('GetSubscriptionAttributes', `<Attributes>${entries.join('')}</Attributes>`, 'get');
    }
    if (action === 'Unsubscribe') {
      subscriptions.delete(form.get('SubscriptionArn') ?? '');
      return ok('Unsubscribe', '', 'unsubscribe');
    }
    if (action !== 'Publish') return snsError(400, 'InvalidAction', `unsupported: ${action}`);
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
      const attributes = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => i + 1).filter((i) => form.has(`MessageAttributes.entry.${i}.Name`)).map((i) => [form.get(`MessageAttributes.entry.${i}.Name`)!, form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '']),
      );
      for (const x of subscriptions.values()) if (x.topicArn === form.get('TopicArn') && matches(x.attributes.FilterPolicy, attributes)) x.messages.push(form.get('Message') ?? '');
    }
    const sequence = fifo ? `<SequenceNumber>${String(n).padStart(20, '0')}</SequenceNumber>` : '';
    return ok('Publish', `${sequence}<MessageId>${id}</MessageId>`, n);
  });
  return {
    peer,
    publishes: () => peer.requests.flatMap((r) => delivered.get(r) ?? []),
    subscriptions,
    deliveredTo: (endpoint) => [...subscriptions.values()].filter((x) => x.endpoint === endpoint).flatMap((x) => x.messages),
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
