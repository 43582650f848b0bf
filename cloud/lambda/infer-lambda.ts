// The Lambda entry point (bundled by esbuild through NodejsFunction): builds the clients once per
// container from the environment the InferenceFunction construct sets, then hands every event to
// createInferHandler.
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { parseLabels } from '../../src/model/label-map';
import { createInferHandler, type InferEvent, type InferResult } from './infer-handler';

const env = process.env;
const region = env.AWS_REGION ?? '';
const timeoutMs = Number(env.SAGEMAKER_TIMEOUT_MS ?? 5000);

const run = createInferHandler({
  sagemaker: new SageMakerRuntimeClient({ region }),
  // The SDK's default data-plane host is the ATS one (data-ats.iot.<region>.amazonaws.com).
  iotData: new IoTDataPlaneClient({ region }),
  sns: env.NOTIFY_TOPIC_ARN ? { client: new SNSClient({ region }), topicArn: env.NOTIFY_TOPIC_ARN } : undefined,
  endpointPrefix: env.ENDPOINT_PREFIX ?? '',
  labels: parseLabels(env.LABELS ?? ''),
  threshold: Number(env.CONFIDENCE_THRESHOLD ?? 0),
  timeoutMs,
  log: (line) => console.log(line),
});

export const handler = (event: InferEvent): Promise<InferResult> => run(event);
