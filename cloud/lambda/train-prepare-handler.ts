// The workflow's "Prepare channels" step: lists the participant's partition, reads every Parquet file,
// writes the two channels (train-prepare.ts says how). A year of daily sessions is some two thousand
// Firehose files: they are fetched and read `concurrency` at a time while the listing goes on page by
// page, so the step's time is set by S3's throughput, not by one round trip per file
// (bench/cloud-prepare.ts). The entry point is train-prepare-lambda.ts.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { participantPrefix, prepareRun, readParquetRecords, type PrepareEvent, type PreparedRun } from './train-prepare';
import type { SensorRecord } from '../../src/record/record';
import type { FeatureSetName } from '../../src/signal/window-features';

export interface PrepareDeps {
  s3: S3Client;
  bucket: string;
  recordsPrefix: string;
  trainingPrefix: string;
  endpointPrefix: string;
  /** the stack's feature set: every model it trains uses it (default: published) */
  featureSet?: FeatureSetName;
  /** the Linear Learner image URI (linearLearnerImage(region) unless the stack gives one); may throw */
  trainingImage: () => string;
  log: (line: string) => void;
  /** files read at the same time (default 16) */
  concurrency?: number;
}

export function createPrepareHandler(deps: PrepareDeps): (event: PrepareEvent) => Promise<PreparedRun> {
  return async (event) => {
    const prefix = participantPrefix(deps.recordsPrefix, event.input.participant);
    const perFile: SensorRecord[][] = [];
    let unreadableFiles = 0;
    const read = async (key: string, index: number) => {
      const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
      const bytes = await object.Body!.transformToByteArray();
      try {
        perFile[index] = await readParquetRecords(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, event.input.participant);
      } catch (e) {
        // one damaged file must not hide the participant's other recordings; it is named in the log
        unreadableFiles++;
        deps.log(`skipped s3://${deps.bucket}/${key}: not readable as Parquet (${(e as Error).message})`);
      }
    };
    await forEachConcurrently(listKeys(deps.s3, deps.bucket, prefix), deps.concurrency ?? 16, read);
    // in listing order (key order), as one reader would have read them: the channels do not depend on timing
    const records = perFile.flatMap((rows) => rows ?? []);
    const { files, run } = prepareRun(records, event, { bucket: deps.bucket, trainingPrefix: deps.trainingPrefix, endpointPrefix: deps.endpointPrefix, trainingImage: deps.trainingImage(), unreadableFiles, recordsFrom: `s3://${deps.bucket}/${prefix}`, featureSet: deps.featureSet ?? 'published' });
    for (const file of files) {
      await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: file.key, Body: file.body, ContentType: 'text/csv' }));
    }
    deps.log(JSON.stringify({ participant: run.participant, trainingJobName: run.trainingJobName, rows: run.rows }));
    return run;
  };
}

/** Runs `work` on each item as the items arrive, at most `limit` at once; the first failure stops it. */
async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let index = 0;
  let failure: unknown;
  for await (const item of items) {
    if (failure !== undefined) break;
    const p: Promise<void> = work(item, index++).catch((e: unknown) => {
      failure ??= e;
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure;
}

async function* listKeys(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key && !object.Key.endsWith('/')) yield object.Key;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
