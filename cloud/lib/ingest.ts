// Records in: the IoT rule on iotsensors/train keeps the records its participant gate allows (the
// publishing device's participant list), rounds gsr/bpm (the published rounding_op) and puts each into a Direct PUT Firehose stream (so firehose-push can write to it too), which
// partitions by participant and converts the JSON to Parquet through the Glue table. L1 resources
// with an own role: the L2 destination grants more than delivery needs (deletes, Glue schema
// registry on every resource).
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IOT_SQL_VERSION, trainRuleSql } from '../../src/contracts/iot-topics';
import { ERRORS_PREFIX, PARTITION_COLUMN, RECORDS_PARTITION_PREFIX, RECORDS_PREFIX } from '../../src/contracts/record-schema';
import { acknowledgeWildcardResources } from './nag';
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
  /** answers the train rule's SQL whether the thing may record for the participant (Devices.gate) */
  gate: lambda.IFunction;
}

export class Ingest extends Construct {
  readonly stream: firehose.CfnDeliveryStream;
  readonly streamName: string;
  readonly trainRule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { storage, key } = props;
    const { bucket, database, table } = storage;
    this.streamName = `${props.prefix}-records`;

    const logGroup = new logs.LogGroup(this, 'Log', { encryptionKey: key, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const logStream = logGroup.addStream('S3Delivery');

    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': stack.account } } }),
    });
    const objects = [`${bucket.bucketArn}/${RECORDS_PREFIX}*`, `${bucket.bucketArn}/errors/*`];
    // The S3 actions Firehose documents for an S3 destination, on the two prefixes it writes.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], resources: objects }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: database.ref }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database.ref}/${table.ref}` }),
        ],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logStreamArn(stack, logGroup, logStream)] }));
    acknowledgeWildcardResources(role, 'Firehose writes new objects under the records/ and errors/ prefixes only; their keys are made at delivery', objects);

    this.stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamName: this.streamName,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: RECORDS_PARTITION_PREFIX,
        errorOutputPrefix: ERRORS_PREFIX,
        bufferingHints: { sizeInMBs: MIN_CONVERSION_BUFFER_MIB, intervalInSeconds: BUFFER_INTERVAL_SECONDS },
        // Parquet compresses inside the file (Snappy); the conversion requires UNCOMPRESSED here.
        compressionFormat: 'UNCOMPRESSED',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: `{${PARTITION_COLUMN.name}:.${PARTITION_COLUMN.name}}` },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: {} } },
          schemaConfiguration: {
            catalogId: stack.account,
            databaseName: database.ref,
            tableName: table.ref,
            region: stack.region,
            roleArn: role.roleArn,
            versionId: 'LATEST',
          },
        },
      },
    });
    // The role's policy must exist before Firehose first assumes it.
    this.stream.node.addDependency(role);

    const ruleRole = new iam.Role(this, 'RuleRole', { assumedBy: new iam.ServicePrincipal('iot.amazonaws.com') });
    ruleRole.addToPolicy(new iam.PolicyStatement({ actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [this.stream.attrArn] }));
    this.trainRule = new iot.CfnTopicRule(this, 'TrainRule', {
      topicRulePayload: {
        description: 'sensor records to S3 as Parquet, gsr and bpm rounded to 3 decimals',
        sql: trainRuleSql(props.gate.functionArn),
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ firehose: { deliveryStreamName: this.stream.ref, roleArn: ruleRole.roleArn, separator: '\n' } }],
        errorAction: props.ruleErrors.action,
      },
    });
    // aws_lambda() in a rule's SQL needs the same permission as a Lambda action (iot-sql-functions.md).
    props.gate.addPermission('TrainRuleInvoke', { principal: new iam.ServicePrincipal('iot.amazonaws.com'), sourceArn: this.trainRule.attrArn, sourceAccount: stack.account });
  }
}

function logStreamArn(stack: Stack, group: logs.LogGroup, stream: logs.LogStream): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${group.logGroupName}:log-stream:${stream.logStreamName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
