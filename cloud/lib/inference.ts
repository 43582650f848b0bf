// Inference over MQTT, as published: the iotsensors/infer rule invokes a Lambda (the handler is
// cloud/lambda/infer-handler.ts) that checks the device may ask for the participant, asks the
// participant's SageMaker endpoint (waiting out a cold start) and publishes the answer to
// iotsensors/infer/result/<thing> and the SNS topic. IoT invokes Lambda asynchronously
// (lambda-rule-action.html), so the rule's error action never sees a function error: a failed
// invocation is retried once, then lands in the dead-letter queue (with Lambda's ErrorMessage) and its
// on-failure destination publishes an error answer to the device (infer-failed-handler.ts).
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INFER_RULE_SQL, IOT_SQL_VERSION, RESULT_TOPIC_PREFIX } from '../../src/contracts/iot-topics';
import type { FeatureSetName } from '../../src/signal/window-features';
import { EmotionFunction } from './function';
import { acknowledge, acknowledgeWildcardResources } from './nag';
import type { RuleErrors } from './rule-errors';

export interface InferenceProps {
  prefix: string;
  key: kms.IKey;
  ruleErrors: RuleErrors;
  /** answers also go to this topic, with the participant as filter attribute */
  topic: sns.ITopic;
  labels: readonly string[];
  threshold: number;
  /** the whole wait for an answer, a serverless cold start included (settings: inferWaitSeconds) */
  waitSeconds: number;
  /** the features the function computes from a device's window, in the models' order; default: published */
  featureSet?: FeatureSetName;
}

/** A warm endpoint answers well within this; past it the device hears "warming up". */
export const WARM_ANSWER_MS = 5000;
/** Beyond the wait: reading the device's list, publishing the answer and the SNS message. */
const FUNCTION_MARGIN = Duration.seconds(30);

export class Inference extends Construct {
  readonly answer: EmotionFunction;
  readonly failed: EmotionFunction;
  /** failed inference events, with the reason (Lambda's ErrorMessage attribute), kept 14 days */
  readonly deadLetters: sqs.Queue;
  readonly inferRule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: InferenceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!(props.waitSeconds >= WARM_ANSWER_MS / 1000 && props.waitSeconds <= 840)) throw new Error(`inferWaitSeconds must be 5-840 (a Lambda runs 15 minutes at most), not ${props.waitSeconds}`);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.prefix}-infer-failed`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetters, { 'AwsSolutions-SQS3': 'this is the dead-letter queue of the inference functions' });
    const results = stack.formatArn({ service: 'iot', resource: 'topic', resourceName: `${RESULT_TOPIC_PREFIX}/*` });
    const publishResults = new iam.PolicyStatement({ actions: ['iot:Publish'], resources: [results] });
    const toQueue = new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [props.key.keyArn] });

    this.failed = new EmotionFunction(this, 'Failed', {
      entry: 'infer-failed-lambda.ts',
      key: props.key,
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: {},
      invocation: { kind: 'async', retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: this.deadLetters },
    });
    this.failed.addToRolePolicy(publishResults);
    this.failed.addToRolePolicy(toQueue);
    acknowledgeWildcardResources(this.failed.role, 'result topics are one per device (iotsensors/infer/result/<thing>), made by cloud:device after deploy', [results]);

    this.answer = new EmotionFunction(this, 'Answer', {
      entry: 'infer-lambda.ts',
      key: props.key,
      timeout: Duration.seconds(props.waitSeconds).plus(FUNCTION_MARGIN),
      memorySize: 256,
      environment: {
        ENDPOINT_PREFIX: props.prefix,
        LABELS: props.labels.join(','),
        FEATURE_SET: props.featureSet ?? 'published',
        CONFIDENCE_THRESHOLD: String(props.threshold),
        SAGEMAKER_TIMEOUT_MS: String(WARM_ANSWER_MS),
        SAGEMAKER_WAIT_MS: String(props.waitSeconds * 1000),
        NOTIFY_TOPIC_ARN: props.topic.topicArn,
      },
      // An answer is wanted now: one retry, then the device is told (destination) and the event kept (queue).
      invocation: { kind: 'async', retryAttempts: 1, maxEventAge: Duration.minutes(10), deadLetterQueue: this.deadLetters, onFailure: new destinations.LambdaDestination(this.failed.function) },
    });
    // Only the participant endpoints this stack's training names (participantEndpointName), the
    // per-device result topics, and the things whose participant lists it reads.
    const endpoints = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: `${props.prefix}-*` });
    const things = stack.formatArn({ service: 'iot', resource: 'thing', resourceName: '*' });
    this.answer.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpoints] }));
    this.answer.addToRolePolicy(publishResults);
    this.answer.addToRolePolicy(new iam.PolicyStatement({ actions: ['iot:DescribeThing'], resources: [things] }));
    this.answer.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    // GenerateDataKey: what SNS needs from a publisher to an encrypted topic, and Lambda to put a failed event into the queue.
    this.answer.addToRolePolicy(toQueue);
    acknowledgeWildcardResources(this.answer.role, 'participant endpoints are created after deploy, one per participant; result topics and things one per device, by cloud:device', [endpoints, results, things]);
    acknowledgeWildcardResources(this.answer.role, 'Lambda invokes the on-failure destination by its version-qualified ARN (grantInvoke: the function and function:*)', [`${this.failed.function.functionArn}:*`]);

    this.inferRule = new iot.CfnTopicRule(this, 'InferRule', {
      topicRulePayload: {
        description: 'window means to the participant endpoint; answer on iotsensors/infer/result/<thing>',
        sql: INFER_RULE_SQL,
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: this.answer.function.functionArn } }],
        // reports only what the rule itself could not do (e.g. invoke the function); function errors go to the queue
        errorAction: props.ruleErrors.action,
      },
    });
    this.answer.function.addPermission('IotInvoke', {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.inferRule.attrArn,
      sourceAccount: stack.account,
    });
  }
}
