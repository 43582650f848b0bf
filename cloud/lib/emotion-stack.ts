// The whole cloud side of the published system in one stack, one construct per concern. Training
// (training.ts: the SageMaker workflow) builds on `storage.bucket`, `storage.table` and `key`.
import { ArnFormat, Aws, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Devices } from './devices';
import { Inference } from './inference';
import { Ingest } from './ingest';
import { DEFAULT_LABELS } from '../../src/record/record';
import { FEATURE_SETS, type FeatureSetName } from '../../src/signal/window-features';
import { acknowledge } from './nag';
import { Notify, type Subscriber } from './notify';
import { RuleErrors } from './rule-errors';
import { RecordsStorage } from './storage';
import { DEFAULT_INSTANCE_TYPE, Training, type EndpointSetting } from './training';

export interface EmotionCloudProps extends StackProps {
  /** starts every resource name, and the participant endpoint names (participantEndpointName) */
  prefix: string;
  /** who receives whose answers by e-mail or SMS (more with `npm run cloud:notify` after deploy) */
  subscribers?: readonly Subscriber[];
  /** class index -> label, as the endpoints were trained (index 0 first) */
  labels?: readonly string[];
  /** answers below this confidence are "uncertain"; 0 turns it off */
  threshold?: number;
  /** the Linear Learner image to train and serve with; default: the region's, from the table in cloud/lambda/linear-learner-image.ts */
  linearLearnerImage?: string;
  /** how long a detection waits for its answer, a serverless cold start included (default 90 s) */
  inferWaitSeconds?: number;
  /** serverless (default) or an always-on instance endpoint */
  endpoint?: EndpointSetting;
  /** the features every participant's model is trained and asked with (FEATURE_SETS); default: published */
  features?: FeatureSetName;
}

export class EmotionCloudStack extends Stack {
  /** encrypts the records, the stream, the topic and the logs */
  readonly key: kms.Key;
  readonly storage: RecordsStorage;
  readonly ingest: Ingest;
  readonly notify: Notify;
  readonly inference: Inference;
  readonly devices: Devices;
  readonly training: Training;
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: EmotionCloudProps) {
    super(scope, id, props);
    this.prefix = checkPrefix(props.prefix);
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
    this.devices = new Devices(this, 'Devices', { prefix: this.prefix, key: this.key });
    this.ingest = new Ingest(this, 'Ingest', { prefix: this.prefix, key: this.key, storage: this.storage, ruleErrors, gate: this.devices.gate.function });
    this.notify = new Notify(this, 'Notify', { prefix: this.prefix, key: this.key, subscribers: props.subscribers ?? [] });
    this.inference = new Inference(this, 'Inference', {
      prefix: this.prefix,
      key: this.key,
      ruleErrors,
      topic: this.notify.topic,
      labels: props.labels ?? DEFAULT_LABELS,
      threshold: props.threshold ?? 0,
      waitSeconds: props.inferWaitSeconds ?? 90,
      featureSet: props.features,
    });
    this.training = new Training(this, 'Training', {
      prefix: this.prefix,
      key: this.key,
      bucket: this.storage.bucket,
      trainingImage: props.linearLearnerImage,
      endpoint: props.endpoint,
      featureSet: props.features,
    });
    // HIPAA's inline-policy rule wants customer-managed policies, for reuse across identities; each
    // policy here belongs to exactly one service role and is deleted with it.
    acknowledge(this, { 'HIPAA.Security-IAMNoInlinePolicy': 'each inline policy serves one service role and lives and dies with it' });

    // cloud:deploy writes these to cloud/deployed.json; cloud:device, cloud:notify and cloud:check read them from there
    new CfnOutput(this, 'Prefix', { value: this.prefix });
    new CfnOutput(this, 'Region', { value: Aws.REGION });
    const endpoint = props.endpoint ?? { kind: 'serverless' };
    new CfnOutput(this, 'Endpoints', { value: endpoint.kind === 'instance' ? `instance ${endpoint.instanceType ?? DEFAULT_INSTANCE_TYPE}` : 'serverless', description: 'how participant endpoints serve (cloud:check reads it)' });
    const features = props.features ?? 'published';
    new CfnOutput(this, 'Features', { value: `${features} ${FEATURE_SETS[features].windowSeconds}`, description: 'the features every model uses, and their window in seconds (the Pi\'s DETECT_WINDOW_S; cloud:device prints it)' });
    new CfnOutput(this, 'DevicePolicyName', { value: this.devices.policyName, description: 'npm run cloud:device -- <name> attaches it' });
    new CfnOutput(this, 'RecordsBucket', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'DeliveryStream', { value: this.ingest.streamName, description: 'firehose-push: stream name' });
    new CfnOutput(this, 'GlueTable', { value: `${this.storage.database.ref}.records` });
    new CfnOutput(this, 'TrainingWorkflowArn', {
      value: this.training.stateMachine.stateMachineArn,
      description: 'emotion-train (cloud backend): Workflow; or aws stepfunctions start-execution',
    });
    new CfnOutput(this, 'AnswersTopic', { value: this.notify.topic.topicArn, description: 'sns-notify: topic ARN; npm run cloud:notify subscribes per participant' });
    new CfnOutput(this, 'FailedDetections', { value: this.inference.deadLetters.queueUrl, description: 'detections that failed after their retries, with the reason' });
  }
}

/** Names built from it must fit S3, Firehose, SNS, IoT and SageMaker endpoint rules. */
export function checkPrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(prefix) || prefix.endsWith('-')) {
    throw new Error(`name prefix "${prefix}" must be 2-20 lower-case letters, digits or dashes, starting with a letter`);
  }
  return prefix;
}
