// The Lambda entry point of the workflow's "Prepare channels" state (bundled by esbuild through
// NodejsFunction): builds the S3 client once per container from the environment the Training construct sets.
import { S3Client } from '@aws-sdk/client-s3';
import { createPrepareHandler } from './train-prepare-handler';

const env = process.env;
export const handler = createPrepareHandler({
  s3: new S3Client({ region: env.AWS_REGION }),
  bucket: env.BUCKET ?? '',
  recordsPrefix: env.RECORDS_PREFIX ?? 'records/',
  trainingPrefix: env.TRAINING_PREFIX ?? 'training/',
  endpointPrefix: env.ENDPOINT_PREFIX ?? '',
  log: (line) => console.log(line),
});
