// An S3 peer on the loopback base (path-style REST): ListObjectsV2 with pages and continuation tokens,
// GetObject (NoSuchKey when missing) and PutObject, keeping objects in memory as the service keeps them.
import { LoopbackPeer, type PeerRequest, type PeerResponse } from './loopback-peer';

export class S3Peer {
  /** "bucket/key" -> bytes */
  readonly objects = new Map<string, Buffer>();
  /** keys per ListObjectsV2 page (the service's is 1000) */
  pageSize = 1000;

  private constructor(readonly peer: LoopbackPeer) {}

  static async start(): Promise<S3Peer> {
    const peer = await LoopbackPeer.start(() => ({ status: 500 }));
    const self = new S3Peer(peer);
    peer.handler = (req) => self.handle(req);
    return self;
  }

  get endpoint(): string {
    return this.peer.endpoint;
  }

  put(bucket: string, key: string, body: Buffer | string): void {
    this.objects.set(`${bucket}/${key}`, Buffer.from(body));
  }

  text(bucket: string, key: string): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.toString('utf8');
  }

  stop(): Promise<void> {
    return this.peer.stop();
  }

  private handle(req: PeerRequest): PeerResponse {
    const url = new URL(req.url, 'http://s3');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const key = rest.map(decodeURIComponent).join('/');
    if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') return this.list(bucket, url.searchParams);
    if (req.method === 'GET') {
      const body = this.objects.get(`${bucket}/${key}`);
      if (!body) return error(404, 'NoSuchKey', 'The specified key does not exist.');
      return { headers: { 'content-type': 'application/octet-stream', 'etag': '"e"' }, body };
    }
    if (req.method === 'PUT' && key !== '') {
      this.objects.set(`${bucket}/${key}`, decodeChunked(req));
      return { headers: { etag: '"e"' }, body: '' };
    }
    return error(405, 'MethodNotAllowed', `${req.method} ${req.url}`);
  }

  private list(bucket: string, params: URLSearchParams): PeerResponse {
    const prefix = params.get('prefix') ?? '';
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .sort();
    const start = Number(params.get('continuation-token') ?? 0);
    const page = keys.slice(start, start + this.pageSize);
    const truncated = start + this.pageSize < keys.length;
    const contents = page.map((k) => `<Contents><Key>${escape(k)}</Key><Size>${this.objects.get(`${bucket}/${k}`)!.length}</Size></Contents>`).join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name>` +
      `<Prefix>${escape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${this.pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      `${contents}${truncated ? `<NextContinuationToken>${start + this.pageSize}</NextContinuationToken>` : ''}</ListBucketResult>`;
    return { headers: { 'content-type': 'application/xml' }, body };
  }
}

/** A body the SDK sent with aws-chunked content encoding (its checksum trailer), as the plain bytes. */
function decodeChunked(req: PeerRequest): Buffer {
  if (!String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) return req.body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = req.body.indexOf('\r\n', at);
    const size = parseInt(req.body.subarray(at, eol).toString('utf8').split(';')[0], 16);
    if (!size) break;
    parts.push(req.body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function error(status: number, code: string, message: string): PeerResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>loopback</RequestId></Error>`,
  };
}
