// A Firehose peer on the loopback base: speaks PutRecordBatch (JSON 1.1, base64 Data) as the real
// service does, enforces the service limits, can fail chosen records (a partial failure, HTTP 200),
// and keeps every record it accepted, decoded, in order.
import { LoopbackPeer, type PeerRequest, type PeerResponse } from './loopback-peer';

export interface PutCall {
  stream: string;
  records: Buffer[];
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

export class FirehosePeer {
  /** Records the peer answered with a RecordId, in the order it accepted them. */
  readonly accepted: Buffer[] = [];
  /** Every well-formed PutRecordBatch call the handler saw (faulted requests never reach it). */
  readonly calls: PutCall[] = [];
  /** Decides per record whether to answer ServiceUnavailableException for it (a partial failure). */
  failRecord: ((data: Buffer, index: number, call: number) => boolean) | undefined;

  private constructor(readonly peer: LoopbackPeer) {}

  static async start(): Promise<FirehosePeer> {
    const peer = await LoopbackPeer.start(() => ({ status: 503 }));
    const self = new FirehosePeer(peer);
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
    const body = JSON.parse(req.body.toString('utf8')) as { DeliveryStreamName?: string; Records?: Array<{ Data?: string }> };
    const records = (body.Records ?? []).map((r) => Buffer.from(r.Data ?? '', 'base64'));
    const total = records.reduce((sum, r) => sum + r.length, 0);
    if (records.length === 0 || records.length > 500) return error(400, 'InvalidArgumentException', `${records.length} records`);
    if (total > 4 * 1024 * 1024) return error(400, 'InvalidArgumentException', `${total} bytes in one call`);
    if (records.some((r) => r.length > 1_024_000)) return error(400, 'InvalidArgumentException', 'record over 1,000 KiB');
    const call = this.calls.push({ stream: body.DeliveryStreamName ?? '', records }) - 1;
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
