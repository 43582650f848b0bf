// A Firehose peer on the loopback base: speaks PutRecordBatch (JSON 1.1, base64 Data) as the real
// service does, enforces the service limits (4 MiB per request as sent, base64 included), knows which
// delivery streams exist (ResourceNotFoundException otherwise) and can deny access (AccessDeniedException),
// can fail chosen records (a partial failure, HTTP 200), and keeps every record it accepted, decoded, in order.
import { LoopbackPeer, type PeerRequest, type PeerResponse } from './loopback-peer';

export interface PutCall {
  stream: string;
  records: Buffer[];
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
/** The delivery streams the tests and the shipped flows use. */
const STREAMS = ['emotion-records', 'emotion-stream', 'emotion-iot-records'];
/** A PutRecordBatch request, as sent, at most. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export class FirehosePeer {
  /** Records the peer answered with a RecordId, in the order it accepted them. */
  readonly accepted: Buffer[] = [];
  /** Every well-formed PutRecordBatch call the handler saw (faulted requests never reach it). */
  readonly calls: PutCall[] = [];
  /** Decides per record whether to answer ServiceUnavailableException for it (a partial failure). */
  failRecord: ((data: Buffer, index: number, call: number) => boolean) | undefined;
  /** The IAM policy does not allow firehose:PutRecordBatch. */
  denyAccess = false;

  private constructor(
    readonly peer: LoopbackPeer,
    /** Delivery streams that exist in the account; add one to "create" it. */
    readonly streams: Set<string>,
  ) {}

  static async start(streams: string[] = STREAMS): Promise<FirehosePeer> {
    const peer = await LoopbackPeer.start(() => ({ status: 503 }));
    const self = new FirehosePeer(peer, new Set(streams));
    peer.handler = (req) => self.handle(req);
    return self;
  }

  get endpoint(): string {
    return this.peer.endpoint;
  }

  /** The accepted records parsed back into objects. */
  acceptedObjects<T = Record<string, unknown>>(): T[] {
    return this.accepted.map((data) => JSON.parse(data.toString('utf8')) as T);
  }

  private handle(req: PeerRequest): PeerResponse {
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch') {
      return error(400, 'UnknownOperationException', `unexpected ${req.method} ${String(req.headers['x-amz-target'])}`);
    }
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') return error(400, 'SerializationException', 'bad content type');
    if (req.body.length > MAX_REQUEST_BYTES) return error(400, 'InvalidArgumentException', `request of ${req.body.length} bytes, over the 4 MiB limit`);
    const body = JSON.parse(req.body.toString('utf8')) as { DeliveryStreamName?: string; Records?: Array<{ Data?: string }> };
    const stream = body.DeliveryStreamName ?? '';
    const arn = `arn:aws:firehose:us-east-1:123456789012:deliverystream/${stream}`;
    if (this.denyAccess) {
      return error(400, 'AccessDeniedException', `User: arn:aws:iam::123456789012:user/pi is not authorized to perform: firehose:PutRecordBatch on resource: ${arn} because no identity-based policy allows the firehose:PutRecordBatch action`);
    }
    if (!this.streams.has(stream)) return error(400, 'ResourceNotFoundException', `Firehose ${stream} under account 123456789012 not found.`);
    const records = (body.Records ?? []).map((r) => Buffer.from(r.Data ?? '', 'base64'));
    if (records.length === 0 || records.length > 500) return error(400, 'InvalidArgumentException', `${records.length} records`);
    if (records.some((r) => r.length > 1_024_000)) return error(400, 'InvalidArgumentException', 'record over 1,000 KiB');
    const call = this.calls.push({ stream, records }) - 1;
    let failed = 0;
    const responses = records.map((data, i) => {
      if (this.failRecord?.(data, i, call)) {
        failed += 1;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      this.accepted.push(data);
      return { RecordId: `rec-${call}-${i}` };
    });
    return { headers: JSON_11, body: JSON.stringify({ FailedPutCount: failed, Encrypted: false, RequestResponses: responses }) };
  }
}

function error(status: number, type: string, message: string): PeerResponse {
  return { status, headers: JSON_11, body: JSON.stringify({ __type: type, message }) };
}

/** The 503 the service answers when a stream's throughput is exceeded (the SDK retries it). */
export const THROTTLED = {
  kind: 'status',
  status: 503,
  headers: JSON_11,
  body: JSON.stringify({ __type: 'ServiceUnavailableException', message: 'Slow down.' }),
} as const;
