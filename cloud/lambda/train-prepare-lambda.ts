// The Lambda entry point of the workflow's "Prepare channels" state (bundled by esbuild through
// NodejsFunction): builds the S3 client once per container from the environment the Training construct sets.
import { S3Client } from '@aws-sdk/client-s3';
import { featureSetNamed } from '../../src/signal/window-features';
import { linearLearnerImage } from './linear-learner-image';
import { createPrepareHandler } from './train-prepare-handler';

const env = process.env;
export const handler = createPrepareHandler({
  s3: new S3Client({ region: env.AWS_REGION }),
  bucket: env.BUCKET ?? '',
  recordsPrefix: env.RECORDS_PREFIX ?? 'records/',
  trainingPrefix: env.TRAINING_PREFIX ?? 'training/',
  endpointPrefix: env.ENDPOINT_PREFIX ?? '',
  featureSet: featureSetNamed(env.FEATURE_SET),
  // looked up per run, so an unknown region fails the run with what to do, not the function's start
  trainingImage: () => env.TRAINING_IMAGE || linearLearnerImage(env.AWS_REGION ?? ''),
  log: (line) => console.log(line),
});
