// Records in: the IoT rule on iotsensors/train rounds gsr/bpm (the published rounding_op) and puts
// each record into a Direct PUT Firehose stream (so firehose-push can write to it too), which
// partitions by participant and converts the JSON to Parquet through the Glue table.
import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import { Construct } from 'constructs';
import { IOT_SQL_VERSION, TRAIN_RULE_SQL } from '../../src/cloud/iot-topics';
import { ERRORS_PREFIX, PARTITION_COLUMN, RECORDS_PARTITION_PREFIX } from '../../src/cloud/record-schema';
import type { RuleErrors } from './rule-errors';
import type { RecordsStorage } from './storage';

/** Firehose refuses format conversion (and dynamic partitioning) with a buffer under 64 MiB. */
export const MIN_CONVERSION_BUFFER_MIB = 64;
/** Dynamic partitioning needs at least 60 s; 300 s makes fewer, larger Parquet files per participant. */
export const BUFFER_INTERVAL_SECONDS = 300;

export interface IngestProps {
  prefix: string;
  key: kms.IKey;
  storage: RecordsStorage;
  ruleErrors: RuleErrors;
}

export class Ingest extends Construct {
  readonly stream: firehose.DeliveryStream;
  readonly trainRule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { storage } = props;
    this.stream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: `${props.prefix}-records`,
      encryption: firehose.StreamEncryption.customerManagedKey(props.key),
      destination: new firehose.S3Bucket(storage.bucket, {
        dataFormatConversion: {
          schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(storage.table),
          inputFormat: firehose.InputFormat.OPENX_JSON,
          outputFormat: firehose.OutputFormat.PARQUET,
        },
        dynamicPartitioning: { enabled: true },
        processors: [firehose.MetadataExtractionProcessor.jq16({ [PARTITION_COLUMN.name]: `.${PARTITION_COLUMN.name}` })],
        dataOutputPrefix: RECORDS_PARTITION_PREFIX,
        errorOutputPrefix: ERRORS_PREFIX,
        bufferingSize: Size.mebibytes(MIN_CONVERSION_BUFFER_MIB),
        bufferingInterval: Duration.seconds(BUFFER_INTERVAL_SECONDS),
        encryptionKey: props.key,
      }),
    });

    const role = new iam.Role(this, 'RuleRole', { assumedBy: new iam.ServicePrincipal('iot.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [this.stream.deliveryStreamArn] }));
    this.trainRule = new iot.CfnTopicRule(this, 'TrainRule', {
      topicRulePayload: {
        description: 'sensor records to S3 as Parquet, gsr and bpm rounded to 3 decimals',
        sql: TRAIN_RULE_SQL,
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ firehose: { deliveryStreamName: this.stream.deliveryStreamName, roleArn: role.roleArn, separator: '\n' } }],
        errorAction: props.ruleErrors.action,
      },
    });
  }
}
