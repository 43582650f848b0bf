// A loopback HTTP peer for the real AWS SDK clients: binds 127.0.0.1 on a random port, records every
// request, refuses unsigned ones (403) the way AWS does, and can inject faults. Service peers (Firehose,
// SageMaker runtime, SNS) supply the handler that speaks their wire protocol.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PeerRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the peer answered with an injected fault instead of the handler. */
  fault?: Fault['kind'] | 'unsigned';
}

export interface PeerResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type PeerHandler = (req: PeerRequest) => PeerResponse | Promise<PeerResponse>;

export type Fault =
  /** Answer with this status and body instead of calling the handler. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /**
   * Wait, then answer normally (a slow service). As at AWS, the request is carried out even when the
   * client gave up waiting; only a peer killed meanwhile (stop()) forgets it.
   */
  | { kind: 'delay'; ms: number }
  /** Carry the request out, then drop the connection before the answer (the client cannot know it worked). */
  | { kind: 'drop-answer' }
  /** Drop the connection without an answer (the SDK sees ECONNRESET / socket hang up). */
  | { kind: 'reset' };

export class LoopbackPeer {
  /** Every request received, in arrival order, including refused and faulted ones. */
  readonly requests: PeerRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;
  /** Counts stop()s, so a request that arrived before one is not carried out after it. */
  private lives = 0;

  private constructor(public handler: PeerHandler) {}

  static async start(handler: PeerHandler): Promise<LoopbackPeer> {
    const peer = new LoopbackPeer(handler);
    await peer.listen(0);
    return peer;
  }

  /** The URL to give the SDK client as `endpoint`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Queues faults; each one is used up by one request, in order. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Faults not yet used up. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  /** Kills the peer: stops listening and drops every open connection, in-flight requests included. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.lives += 1;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the same port, as a peer coming back after an outage. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: PeerRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        this.requests.push(request);
        void this.answer(request, res);
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async answer(request: PeerRequest, res: ServerResponse): Promise<void> {
    if (!/^AWS4-HMAC-SHA256 Credential=\S+/.test(String(request.headers.authorization ?? ''))) {
      request.fault = 'unsigned';
      return send(res, { status: 403, body: JSON.stringify({ message: 'Missing Authentication Token' }) });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'reset') {
      request.fault = 'reset';
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      request.fault = 'status';
      return send(res, fault);
    }
    if (fault?.kind === 'delay') {
      request.fault = 'delay';
      const life = this.lives;
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (life !== this.lives) return;
    }
    let response: PeerResponse;
    try {
      response = await this.handler(request);
    } catch (e) {
      response = { status: 500, body: JSON.stringify({ message: `peer handler failed: ${String(e)}` }) };
    }
    if (fault?.kind === 'drop-answer') {
      request.fault = 'drop-answer';
      res.socket?.destroy();
      return;
    }
    send(res, response);
  }
}

function send(res: ServerResponse, response: PeerResponse): void {
  if (res.destroyed) return;
  const body = response.body ?? '';
  res.writeHead(response.status ?? 200, {
    'content-type': 'application/json',
    'x-amzn-requestid': 'loopback-request',
    'content-length': String(Buffer.byteLength(body)),
    ...response.headers,
  });
  res.end(body);
}
