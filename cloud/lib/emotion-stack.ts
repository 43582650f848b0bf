// The whole cloud side of the published system in one stack, one construct per concern. Training
// (issue: the SageMaker workflow) builds on `storage.bucket`, `storage.table` and `key`.
import { ArnFormat, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DevicePolicy } from './devices';
import { Inference } from './inference';
import { Ingest } from './ingest';
import { DEFAULT_LABELS } from '../../src/record/record';
import { acknowledge } from './nag';
import { Notify } from './notify';
import { RuleErrors } from './rule-errors';
import { RecordsStorage } from './storage';
import { Training } from './training';

export interface EmotionCloudProps extends StackProps {
  /** starts every resource name, and the participant endpoint names (participantEndpointName) */
  prefix: string;
  /** e-mail addresses subscribed to the answers topic */
  emails?: readonly string[];
  /** E.164 phone numbers subscribed by SMS */
  phones?: readonly string[];
  /** class index -> label, as the endpoints were trained (index 0 first) */
  labels?: readonly string[];
  /** answers below this confidence are "uncertain"; 0 turns it off */
  threshold?: number;
  /** the Linear Learner image to train and serve with; default: the region's, from the table in cloud/lambda/linear-learner-image.ts */
  linearLearnerImage?: string;
}

export class EmotionCloudStack extends Stack {
  /** encrypts the records, the stream, the topic and the logs */
  readonly key: kms.Key;
  readonly storage: RecordsStorage;
  readonly ingest: Ingest;
  readonly notify: Notify;
  readonly inference: Inference;
  readonly devices: DevicePolicy;
  readonly training: Training;
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: EmotionCloudProps) {
    super(scope, id, props);
    this.prefix = checkPrefix(props.prefix);
    const emails = props.emails ?? [];
    const phones = props.phones ?? [];
    // One tag on everything, so the bill and the console can show this deployment's resources alone.
    Tags.of(this).add('emotion-iot', this.prefix);

    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${this.prefix}: emotion-iot records, answers and logs` });
    // CloudWatch Logs encrypts this stack's log groups with it, and only log groups of this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': this.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }),
    );

    this.storage = new RecordsStorage(this, 'Storage', { prefix: this.prefix, key: this.key });
    const ruleErrors = new RuleErrors(this, 'RuleErrors', { key: this.key });
    this.ingest = new Ingest(this, 'Ingest', { prefix: this.prefix, key: this.key, storage: this.storage, ruleErrors });
    this.notify = new Notify(this, 'Notify', { prefix: this.prefix, key: this.key, emails, phones });
    this.inference = new Inference(this, 'Inference', {
      prefix: this.prefix,
      key: this.key,
      ruleErrors,
      // With nobody subscribed there is no one to tell: skip the publish.
      topic: emails.length + phones.length > 0 ? this.notify.topic : undefined,
      labels: props.labels ?? DEFAULT_LABELS,
      threshold: props.threshold ?? 0,
    });
    this.devices = new DevicePolicy(this, 'Devices', { prefix: this.prefix });
    this.training = new Training(this, 'Training', { prefix: this.prefix, key: this.key, bucket: this.storage.bucket, trainingImage: props.linearLearnerImage });
    // HIPAA's inline-policy rule wants customer-managed policies, for reuse across identities; each
    // policy here belongs to exactly one service role and is deleted with it.
    acknowledge(this, { 'HIPAA.Security-IAMNoInlinePolicy': 'each inline policy serves one service role and lives and dies with it' });

    new CfnOutput(this, 'DevicePolicyName', { value: this.devices.policyName, description: 'npm run cloud:device -- <name> attaches it' });
    new CfnOutput(this, 'RecordsBucket', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'DeliveryStream', { value: this.ingest.streamName, description: 'firehose-push: stream name' });
    new CfnOutput(this, 'GlueTable', { value: `${this.storage.database.ref}.records` });
    new CfnOutput(this, 'TrainingWorkflowArn', {
      value: this.training.stateMachine.stateMachineArn,
      description: 'emotion-train (cloud backend): Workflow; or aws stepfunctions start-execution',
    });
    new CfnOutput(this, 'AnswersTopic', { value: this.notify.topic.topicArn, description: 'sns-notify: topic ARN' });
  }
}

/** Names built from it must fit S3, Firehose, SNS, IoT and SageMaker endpoint rules. */
export function checkPrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(prefix) || prefix.endsWith('-')) {
    throw new Error(`name prefix "${prefix}" must be 2-20 lower-case letters, digits or dashes, starting with a letter`);
  }
  return prefix;
}
