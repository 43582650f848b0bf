// Where records rest: the encrypted records bucket (with its access-log bucket) and the Glue table
// whose schema is exactly the sensor-record record, partitioned by participant.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PARTITION_COLUMN, RECORD_COLUMNS, RECORDS_PREFIX } from '../../src/contracts/record-schema';
import { acknowledge } from './nag';

export interface RecordsStorageProps {
  prefix: string;
  key: kms.IKey;
}

export class RecordsStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  /** S3 prefix holding the records, one `participant=<name>/` folder each. */
  readonly recordsPrefix = RECORDS_PREFIX;

  constructor(scope: Construct, id: string, props: RecordsStorageProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets, not SSE-KMS ones.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.accessLogs, {
      'AwsSolutions-S1': 'this is the access-log target; logging it into itself would loop',
      'HIPAA.Security-S3BucketLoggingEnabled': 'this is the access-log target; logging it into itself would loop',
      'HIPAA.Security-S3DefaultEncryptionKMS': 'S3 server access logging cannot deliver to an SSE-KMS bucket; SSE-S3 encrypts it',
      'HIPAA.Security-S3BucketReplicationEnabled': 'access logs are kept one year in one region; a replica doubles cost for a hobby deployment',
    });

    this.bucket = new s3.Bucket(this, 'Records', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'records-bucket/',
      lifecycleRules: [
        // Parquet files are written once; old versions only appear on deletes and overwrites.
        { noncurrentVersionExpiration: Duration.days(30) },
        { prefix: 'errors/', expiration: Duration.days(90) },
        { transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }] },
      ],
      // A participant's recordings are the product's data: a stack delete must not take them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, {
      'HIPAA.Security-S3BucketReplicationEnabled': 'one-region deployment; versioning and RETAIN protect the records, a replica is the user\'s choice',
    });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: glueName(`${props.prefix}_records`), description: 'emotion-iot sensor records' },
    });

    const location = `s3://${this.bucket.bucketName}/${RECORDS_PREFIX}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.database.ref,
      tableInput: {
        name: 'records',
        description: 'one row per sensor-record tick; read one participant with WHERE participant = ...',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [PARTITION_COLUMN],
        parameters: {
          'classification': 'parquet',
          // Injected projection: Athena builds the one participant's path from the WHERE clause, so no
          // crawler or MSCK REPAIR is needed and no other participant's files are listed.
          'projection.enabled': 'true',
          [`projection.${PARTITION_COLUMN.name}.type`]: 'injected',
          'storage.location.template': `${location}${PARTITION_COLUMN.name}=\${${PARTITION_COLUMN.name}}/`,
        },
        storageDescriptor: {
          location,
          columns: RECORD_COLUMNS.map((c) => ({ ...c })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  }
}

/** Glue names: lower-case letters, digits and underscores. */
function glueName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
