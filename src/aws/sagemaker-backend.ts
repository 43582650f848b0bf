import { InvokeEndpointCommand, type InvokeEndpointCommandOutput, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { Prediction } from '../model/backend';
import type { OrderedBackend } from '../model/local-backend';
import { needsWindows } from '../model/window-rows';
import { FEATURE_SETS, type FeatureSetName } from '../signal/window-features';
import { withDeadline } from './deadline';
import { isTimeout, networkCode, restate, type SdkErrorLike } from './sdk-error';
import { encodeRequest, parseResponse, type SageMakerContentType } from './sagemaker-format';

export interface SageMakerBackendOptions {
  endpointName: string;
  contentType: SageMakerContentType;
  /** the feature set the endpoint was trained with: its columns in order, asked over its window */
  featureSet: FeatureSetName;
  numClasses: number;
  /** how long a warm endpoint takes at most, the SDK's retries included */
  timeoutMs: number;
  /**
   * The whole wait, a cold start included (default: timeoutMs, no cold-start wait). A serverless
   * endpoint that has been idle starts a container first: SageMaker gives the model 3 minutes to load and
   * answer /ping, and the container 1 minute per request (serverless-endpoints-invoke.html).
   */
  waitMs?: number;
  /** called once when the answer takes longer than timeoutMs (or the endpoint says it is not ready) and the wait goes on */
  onWarming?: () => void;
}

/** The endpoint name rules of CreateEndpoint. */
export function checkEndpointName(name: string): string {
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name)) {
    throw new Error(`endpoint name "${name.slice(0, 70)}" is not valid: 1-63 letters, digits and dashes`);
  }
  return name;
}

/** Pause between asking a not-ready endpoint again, growing to this. */
const MAX_PAUSE_MS = 5000;

export function createSageMakerBackend(client: SageMakerRuntimeClient, opts: SageMakerBackendOptions): OrderedBackend {
  const { features: columns, windowSeconds } = FEATURE_SETS[opts.featureSet];
  return {
    source: 'sagemaker',
    featureNames: columns,
    // a set of window features is asked over the window it was measured on
    ...(needsWindows(columns) ? { windowSeconds } : {}),
    async predict(features: readonly number[]): Promise<Prediction> {
      let out;
      try {
        const command = new InvokeEndpointCommand({
          EndpointName: opts.endpointName,
          ContentType: opts.contentType,
          Accept: 'application/json',
          Body: encodeRequest(features, columns, opts.contentType),
        });
        out = await invokeThroughColdStart(client, command, opts);
      } catch (e) {
        throw describeSageMakerError(e, opts);
      }
      const body = out.Body ? new TextDecoder().decode(out.Body) : '';
      const { scores, index } = parseResponse(body, opts.numClasses);
      const variant = out.InvokedProductionVariant ? `/${out.InvokedProductionVariant}` : '';
      return { scores, index, model: `sagemaker:${opts.endpointName}${variant}` };
    },
  };
}

/**
 * One InvokeEndpoint, waiting out a cold start. The call in flight is never cut at timeoutMs: a container
 * that is starting answers this very request once it is up, so cutting it would only start over. Past
 * timeoutMs the caller hears onWarming; an endpoint that answers "not ready" (429 / 503) is asked again
 * until the whole wait is over.
 */
async function invokeThroughColdStart(client: SageMakerRuntimeClient, command: InvokeEndpointCommand, opts: SageMakerBackendOptions): Promise<InvokeEndpointCommandOutput> {
  const waitMs = Math.max(opts.timeoutMs, opts.waitMs ?? opts.timeoutMs);
  if (waitMs === opts.timeoutMs) return withDeadline(opts.timeoutMs, (abortSignal) => client.send(command, { abortSignal }));
  const endAt = Date.now() + waitMs;
  let warned = false;
  const warming = () => {
    if (warned) return;
    warned = true;
    opts.onWarming?.();
  };
  const timer = setTimeout(warming, opts.timeoutMs);
  try {
    let pause = 500;
    for (;;) {
      try {
        return await withDeadline(Math.max(1, endAt - Date.now()), (abortSignal) => client.send(command, { abortSignal }));
      } catch (e) {
        const left = endAt - Date.now();
        if ((isTimeout(e as SdkErrorLike) && !networkCode(e as SdkErrorLike)) || (notReadyYet(e as SdkErrorLike) && left < 50)) {
          throw Object.assign(new Error(`no answer within ${waitMs} ms`), { name: 'TimeoutError', cause: e });
        }
        if (!notReadyYet(e as SdkErrorLike)) throw e;
        warming();
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left - 25)));
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** What a serverless endpoint says while its container starts: not ready, throttled, unavailable. */
function notReadyYet(e: SdkErrorLike): boolean {
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 503 || /ModelNotReady|Throttl/.test(e.name ?? '');
}

/** Turns SDK failures into one sentence a user can act on. */
export function describeSageMakerError(e: unknown, opts: Pick<SageMakerBackendOptions, 'endpointName' | 'timeoutMs' | 'waitMs'>): Error {
  const err = e as SdkErrorLike & { OriginalStatusCode?: number };
  const where = `SageMaker endpoint "${opts.endpointName}"`;
  const status = err.$metadata?.httpStatusCode;
  const detail = String(err.message ?? e).slice(0, 200);
  const waited = Math.max(opts.timeoutMs, opts.waitMs ?? 0);
  let text: string;
  if (networkCode(err)) {
    text = `${where} unreachable (${err.code}): check the network and the region/endpoint in aws-config`;
  } else if (isTimeout(err)) {
    text = waited > opts.timeoutMs ? `${where} did not answer within ${waited} ms, a cold start included` : `${where} did not answer within ${opts.timeoutMs} ms`;
  } else if (err.name === 'ModelError') {
    const answered = err.OriginalStatusCode === undefined ? '' : `: its container answered HTTP ${err.OriginalStatusCode}`;
    text = `${where}: the model failed (ModelError${answered}): ${detail}`;
  } else if (status === 429 || /Throttl|TooManyRequests|ModelNotReady/.test(err.name ?? '')) {
    text = `${where} is throttling or not ready (${err.name}): ${detail}`;
  } else if (status !== undefined && status >= 500) {
    text = `${where} failed on the AWS side (HTTP ${status} ${err.name}): ${detail}`;
  } else if (status !== undefined) {
    text = `${where} rejected the request (HTTP ${status} ${err.name}): ${detail}`;
  } else {
    text = `${where} failed: ${detail}`;
  }
  return restate(e, text);
}
