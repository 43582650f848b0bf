// The Lambda entry point (bundled by esbuild through EmotionFunction): builds the clients once per
// container from the environment the Inference construct sets, then hands every event to
// createInferHandler.
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SNSClient } from '@aws-sdk/client-sns';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { parseLabels } from '../../src/model/label-map';
import { featureSetNamed } from '../../src/signal/window-features';
import { createParticipantCheck } from './device-participants';
import { createInferHandler, type InferEvent, type InferResult, type InvocationContext } from './infer-handler';

const env = process.env;
const region = env.AWS_REGION ?? '';

const run = createInferHandler({
  sagemaker: new SageMakerRuntimeClient({ region }),
  // The SDK's default data-plane host is the ATS one (data-ats.iot.<region>.amazonaws.com).
  iotData: new IoTDataPlaneClient({ region }),
  sns: env.NOTIFY_TOPIC_ARN ? { client: new SNSClient({ region }), topicArn: env.NOTIFY_TOPIC_ARN } : undefined,
  endpointPrefix: env.ENDPOINT_PREFIX ?? '',
  labels: parseLabels(env.LABELS ?? ''),
  featureSet: featureSetNamed(env.FEATURE_SET),
  threshold: Number(env.CONFIDENCE_THRESHOLD ?? 0),
  timeoutMs: Number(env.SAGEMAKER_TIMEOUT_MS ?? 5000),
  waitMs: Number(env.SAGEMAKER_WAIT_MS ?? 90_000),
  mayAsk: createParticipantCheck(new IoTClient({ region })),
  log: (line) => console.log(line),
});

export const handler = (event: InferEvent, context: InvocationContext): Promise<InferResult> => run(event, context);
