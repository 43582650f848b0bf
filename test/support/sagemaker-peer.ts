// A SageMaker runtime peer on the loopback peer: serves POST /endpoints/{name}/invocations the way
// the real service answers a Linear Learner endpoint (research/aws-facts.md §1.2, §2.1), with an optional
// serverless cold start: an endpoint that has not been asked for `idleMs` starts a container, which takes
// `startMs`. Meanwhile the request is held until the container is up ("hold"), or the endpoint answers
// 429 ModelNotReadyException ("not-ready"); both are what a caller may meet (serverless-endpoints-invoke.html
// gives the container 3 minutes to load and 1 minute per request, but not what a caller sees meanwhile).
import { LoopbackPeer, type Fault, type PeerRequest, type PeerResponse } from './loopback-peer';

export interface ColdStart {
  idleMs: number;
  startMs: number;
  mode: 'hold' | 'not-ready';
}

export interface SageMakerPeer {
  peer: LoopbackPeer;
  /** the invocations received, with the endpoint name taken from the path */
  invocations(): { endpoint: string; contentType: string; accept: string; body: string }[];
  /** the answer for the next requests (default: a confident "happy") */
  answer: (req: PeerRequest) => PeerResponse;
  /** off (null) by default: every endpoint is warm */
  coldStart: ColdStart | null;
  /** containers started so far (cold starts), by endpoint */
  coldStarts(): Record<string, number>;
  stop(): Promise<void>;
}

export function predictions(score: number[], predictedLabel: number | string): PeerResponse {
  // predicted_label is written as given, so a float such as 1.0 reaches the client as the service sends it
  const body = `{"predictions":[{"score":[${score.join(',')}],"predicted_label":${predictedLabel}}]}`;
  return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'AllTraffic' }, body };
}

export async function startSageMakerPeer(): Promise<SageMakerPeer> {
  const state: Pick<SageMakerPeer, 'answer' | 'coldStart'> = { answer: () => predictions([0.05, 0.9, 0.05], 1), coldStart: null };
  const containers = new Map<string, { readyAt: number; lastUsed: number; starts: number }>();
  const peer = await LoopbackPeer.start(async (req) => {
    if (req.method !== 'POST' || !/^\/endpoints\/[^/]+\/invocations$/.test(req.url)) {
      return { status: 404, headers: { 'x-amzn-errortype': 'UnknownOperationException' }, body: '{"message":"unknown operation"}' };
    }
    const cold = state.coldStart;
    if (cold) {
      const name = decodeURIComponent(req.url.split('/')[2]);
      const now = Date.now();
      let c = containers.get(name);
      if (!c || (now >= c.readyAt && now - c.lastUsed > cold.idleMs)) {
        c = { readyAt: now + cold.startMs, lastUsed: now, starts: (c?.starts ?? 0) + 1 };
        containers.set(name, c);
      }
      if (now < c.readyAt) {
        if (cold.mode === 'not-ready') return { status: 429, headers: { 'x-amzn-errortype': 'ModelNotReadyException' }, body: '{"Message":"Model is not ready yet"}' };
        await new Promise((resolve) => setTimeout(resolve, c!.readyAt - now));
      }
      c.lastUsed = Date.now();
    }
    return state.answer(req);
  });
  return {
    peer,
    get answer() {
      return state.answer;
    },
    set answer(fn) {
      state.answer = fn;
    },
    get coldStart() {
      return state.coldStart;
    },
    set coldStart(c) {
      state.coldStart = c;
    },
    coldStarts: () => Object.fromEntries([...containers].map(([name, c]) => [name, c.starts])),
    invocations: () =>
      peer.requests
        .filter((r) => r.url.startsWith('/endpoints/'))
        .map((r) => ({
          endpoint: decodeURIComponent(r.url.split('/')[2]),
          contentType: String(r.headers['content-type']),
          accept: String(r.headers.accept),
          body: r.body.toString('utf8'),
        })),
    stop: () => peer.stop(),
  };
}

/** The faults the service really returns, as injectable loopback faults. */
export const sageMakerFaults = {
  modelError: (): Fault => ({
    kind: 'status',
    status: 424,
    headers: { 'x-amzn-errortype': 'ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/' },
    body: JSON.stringify({
      ErrorCode: 'CLIENT_ERROR_FROM_MODEL',
      Message: 'Received server error (500) from model with message "boom".',
      OriginalStatusCode: 500,
      OriginalMessage: 'boom',
      LogStreamArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/ep',
    }),
  }),
  throttling: (): Fault => ({ kind: 'status', status: 400, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) }),
  notReady: (): Fault => ({ kind: 'status', status: 429, headers: { 'x-amzn-errortype': 'ModelNotReadyException' }, body: '{"Message":"model not ready"}' }),
  /** InvokeEndpoint on an endpoint that does not exist (never trained, or deleted). */
  noEndpoint: (name: string): Fault => ({
    kind: 'status',
    status: 400,
    headers: { 'x-amzn-errortype': 'ValidationError:http://internal.amazon.com/coral/com.amazon.coral.validate/' },
    body: JSON.stringify({ message: `Endpoint ${name} of account 123456789012 not found.` }),
  }),
  unavailable: (): Fault => ({ kind: 'status', status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailable' }, body: '{"Message":"service unavailable"}' }),
};
