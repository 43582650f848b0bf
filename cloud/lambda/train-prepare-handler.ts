// The workflow's "Prepare channels" step: lists the participant's partition, reads every Parquet file,
// writes the two channels (train-prepare.ts says how). The entry point is train-prepare-lambda.ts.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { participantPrefix, prepareRun, readParquetRecords, type PrepareEvent, type PreparedRun } from './train-prepare';
import type { SensorRecord } from '../../src/record/record';

export interface PrepareDeps {
  s3: S3Client;
  bucket: string;
  recordsPrefix: string;
  trainingPrefix: string;
  endpointPrefix: string;
  /** the Linear Learner image URI (linearLearnerImage(region) unless the stack gives one); may throw */
  trainingImage: () => string;
  log: (line: string) => void;
}

export function createPrepareHandler(deps: PrepareDeps): (event: PrepareEvent) => Promise<PreparedRun> {
  return async (event) => {
    const prefix = participantPrefix(deps.recordsPrefix, event.input.participant);
    const records: SensorRecord[] = [];
    let unreadableFiles = 0;
    for await (const key of listKeys(deps.s3, deps.bucket, prefix)) {
      const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
      const bytes = await object.Body!.transformToByteArray();
      try {
        records.push(...(await readParquetRecords(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, event.input.participant)));
      } catch (e) {
        // one damaged file must not hide the participant's other recordings; it is named in the log
        unreadableFiles++;
        deps.log(`skipped s3://${deps.bucket}/${key}: not readable as Parquet (${(e as Error).message})`);
      }
    }
    const { files, run } = prepareRun(records, event, { bucket: deps.bucket, trainingPrefix: deps.trainingPrefix, endpointPrefix: deps.endpointPrefix, trainingImage: deps.trainingImage(), unreadableFiles, recordsFrom: `s3://${deps.bucket}/${prefix}` });
    for (const file of files) {
      await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: file.key, Body: file.body, ContentType: 'text/csv' }));
    }
    deps.log(JSON.stringify({ participant: run.participant, trainingJobName: run.trainingJobName, rows: run.rows }));
    return run;
  };
}

async function* listKeys(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key && !object.Key.endsWith('/')) yield object.Key;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
