// The Lambda entry point of the workflow's "Evaluate on validation rows" state (bundled by esbuild
// through NodejsFunction): builds the clients once per container from the environment.
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createEvaluateHandler } from './train-evaluate-handler';

const env = process.env;
export const handler = createEvaluateHandler({
  s3: new S3Client({ region: env.AWS_REGION }),
  sagemaker: new SageMakerRuntimeClient({ region: env.AWS_REGION ?? '' }),
  bucket: env.BUCKET ?? '',
});
