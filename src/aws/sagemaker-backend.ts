import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { Prediction } from '../model/backend';
import type { OrderedBackend } from '../model/local-backend';
import { withDeadline } from './deadline';
import { isTimeout, networkCode, restate, type SdkErrorLike } from './sdk-error';
import { encodeRequest, parseResponse, type SageMakerContentType } from './sagemaker-format';

export interface SageMakerBackendOptions {
  endpointName: string;
  contentType: SageMakerContentType;
  /** feature order the endpoint was trained with */
  featureNames: readonly string[];
  numClasses: number;
  /** the whole call's deadline, the SDK's retries included: then the local fallback can answer */
  timeoutMs: number;
}

/** The endpoint name rules of CreateEndpoint. */
export function checkEndpointName(name: string): string {
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name)) {
    throw new Error(`endpoint name "${name.slice(0, 70)}" is not valid: 1-63 letters, digits and dashes`);
  }
  return name;
}

export function createSageMakerBackend(client: SageMakerRuntimeClient, opts: SageMakerBackendOptions): OrderedBackend {
  return {
    source: 'sagemaker',
    featureNames: opts.featureNames,
    async predict(features: readonly number[]): Promise<Prediction> {
      let out;
      try {
        const command = new InvokeEndpointCommand({
          EndpointName: opts.endpointName,
          ContentType: opts.contentType,
          Accept: 'application/json',
          Body: encodeRequest(features, opts.contentType),
        });
        out = await withDeadline(opts.timeoutMs, (abortSignal) => client.send(command, { abortSignal }));
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

/** Turns SDK failures into one sentence a user can act on. */
export function describeSageMakerError(e: unknown, opts: Pick<SageMakerBackendOptions, 'endpointName' | 'timeoutMs'>): Error {
  const err = e as SdkErrorLike & { OriginalStatusCode?: number };
  const where = `SageMaker endpoint "${opts.endpointName}"`;
  const status = err.$metadata?.httpStatusCode;
  const detail = String(err.message ?? e).slice(0, 200);
  let text: string;
  if (networkCode(err)) {
    text = `${where} unreachable (${err.code}): check the network and the region/endpoint in aws-config`;
  } else if (isTimeout(err)) {
    text = `${where} did not answer within ${opts.timeoutMs} ms`;
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
