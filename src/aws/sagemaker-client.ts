import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { AwsClientConfig } from './client-config';

/**
 * The v3 Node handler has no request timeout by default and only warns unless told to throw
 * (research/aws-facts.md §2.1), so a stalled endpoint would hold the answer forever without this.
 */
export function createSageMakerClient(config: AwsClientConfig, timeoutMs: number): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({
    ...config,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
}
