// The Glue table's schema: exactly the sensor-record record (src/record/record.ts), so Firehose's
// Parquet conversion keeps every field and Athena reads them with their own types.

export interface GlueColumn {
  name: string;
  type: 'string' | 'bigint' | 'double' | 'boolean';
  comment: string;
}

/**
 * Partition key: one participant's rows live under `participant=<name>/` and are read without
 * scanning anyone else's. It is in the S3 path, not in the Parquet files (Hive partitioning).
 */
export const PARTITION_COLUMN: GlueColumn = { name: 'participant', type: 'string', comment: 'participant name, as the record gives it' };

export const RECORD_COLUMNS: readonly GlueColumn[] = [
  { name: 'timestamp', type: 'bigint', comment: 'ms since the epoch (quote it in Athena: "timestamp")' },
  { name: 'gsr', type: 'double', comment: 'mean skin conductance over the tick, µS, 3 decimals' },
  { name: 'bpm', type: 'double', comment: 'beats per minute, 3 decimals' },
  { name: 'mood', type: 'string', comment: 'the label while recording training data' },
  { name: 'session', type: 'string', comment: 'one recording session (one stimulus)' },
  { name: 'simulated', type: 'boolean', comment: 'true when the data came from the simulated hat' },
];

/** Where Firehose writes and Athena reads: the Hive-style partition path. */
export const RECORDS_PREFIX = 'records/';
export const RECORDS_PARTITION_PREFIX = `${RECORDS_PREFIX}participant=!{partitionKeyFromQuery:participant}/`;
/** Records Firehose could not partition or convert, by error type. */
export const ERRORS_PREFIX = 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/';
