// The workflow's "Evaluate on validation rows" step: the new endpoint answers every validation row (the
// local trainer's test rows), so the confusion matrix, and from it per-class precision and recall, are
// computed as the local ones are and compare with them row for row. The entry point is train-evaluate-lambda.ts.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { parsePredictions } from '../../src/aws/sagemaker-format';
import { confusionMatrix } from '../../src/model/metrics';

export interface EvaluateEvent {
  endpointName: string;
  validationKey: string;
  numClasses: string;
}

export interface EvaluateDeps {
  s3: S3Client;
  sagemaker: SageMakerRuntimeClient;
  bucket: string;
}

/** Rows per request: far under the serverless 4 MB payload limit (a row is ~20 bytes for gsr,bpm, ~80 for six features). */
const ROWS_PER_REQUEST = 500;

export function createEvaluateHandler(deps: EvaluateDeps): (event: EvaluateEvent) => Promise<{ confusion: number[][] }> {
  return async (event) => {
    const numClasses = Number(event.numClasses);
    const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: event.validationKey }));
    const lines = (await object.Body!.transformToString()).split('\n').filter((l) => l !== '');
    const actual: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < lines.length; i += ROWS_PER_REQUEST) {
      const chunk = lines.slice(i, i + ROWS_PER_REQUEST);
      // a channel row is `label,<the model's features>`; the endpoint takes the features
      const body = chunk.map((l) => l.slice(l.indexOf(',') + 1)).join('\n');
      const out = await deps.sagemaker.send(new InvokeEndpointCommand({ EndpointName: event.endpointName, ContentType: 'text/csv', Accept: 'application/json', Body: body }));
      const answers = parsePredictions(new TextDecoder().decode(out.Body), numClasses);
      if (answers.length !== chunk.length) throw new Error(`the endpoint answered ${answers.length} predictions for ${chunk.length} rows`);
      actual.push(...chunk.map((l) => Number(l.slice(0, l.indexOf(',')))));
      predicted.push(...answers.map((a) => a.index));
    }
    return { confusion: confusionMatrix(actual, predicted, numClasses) };
  };
}
