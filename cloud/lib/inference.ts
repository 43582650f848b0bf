// Inference over MQTT, as published: the iotsensors/infer rule invokes a Node.js 22 Lambda (the
// handler is cloud/lambda/infer-handler.ts, bundled locally by esbuild) that asks the participant's
// SageMaker endpoint and publishes the answer to iotsensors/infer/result/<thing> (and SNS).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { INFER_RULE_SQL, IOT_SQL_VERSION, RESULT_TOPIC_PREFIX } from '../../src/contracts/iot-topics';
import type { RuleErrors } from './rule-errors';
import { acknowledge, acknowledgeWildcardResources } from './nag';

export interface InferenceProps {
  prefix: string;
  key: kms.IKey;
  ruleErrors: RuleErrors;
  /** answers also go to this topic when given */
  topic?: sns.ITopic;
  labels: readonly string[];
  threshold: number;
}

/** One SageMaker call with the SDK's retries (3 attempts of 5 s) fits well inside this. */
const FUNCTION_TIMEOUT = Duration.seconds(30);
const SAGEMAKER_TIMEOUT_MS = 5000;

export class Inference extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly inferRule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: InferenceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Log', {
      encryptionKey: props.key,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: write only its own log group.
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    // Only the participant endpoints this stack's training names (participantEndpointName), and
    // only the per-device result topics.
    const endpoints = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: `${props.prefix}-*` });
    const results = stack.formatArn({ service: 'iot', resource: 'topic', resourceName: `${RESULT_TOPIC_PREFIX}/*` });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpoints] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['iot:Publish'], resources: [results] }));
    acknowledgeWildcardResources(role, 'participant endpoints are created after deploy, one per participant, and result topics one per device: both by name pattern', [endpoints, results]);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(__dirname, '..', 'lambda', 'infer-lambda.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT,
      role,
      logGroup,
      environmentEncryption: props.key,
      environment: {
        ENDPOINT_PREFIX: props.prefix,
        LABELS: props.labels.join(','),
        CONFIDENCE_THRESHOLD: String(props.threshold),
        SAGEMAKER_TIMEOUT_MS: String(SAGEMAKER_TIMEOUT_MS),
        ...(props.topic ? { NOTIFY_TOPIC_ARN: props.topic.topicArn } : {}),
      },
      // An answer nobody waits for any more is useless: one retry, then the failure is in the log.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(5),
      // The SDK is bundled, not taken from the runtime: the request timeout (throwOnRequestTimeout) and the
      // retries the tests check are those of the SDK version in package-lock.json.
      bundling: { minify: true, sourceMap: false, target: 'node22', externalModules: [] },
    });
    // Decrypt: the environment is encrypted with the stack key. GenerateDataKey: what SNS needs from a
    // publisher to an encrypted topic (grantPublish would give kms:GenerateDataKey*).
    role.addToPolicy(new iam.PolicyStatement({ actions: props.topic ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], resources: [props.key.keyArn] }));
    if (props.topic) role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    acknowledge(this.function, {
      'AwsSolutions-L1': 'Node.js 22 is the runtime the package supports on the device side too; raise with the package',
      'HIPAA.Security-LambdaConcurrency': 'new accounts have 10 concurrent executions in all; reserving some can make the deploy fail',
      'HIPAA.Security-LambdaDLQ': 'a failed answer is published to the device as an error result and logged; a queue of stale requests helps no one',
      'HIPAA.Security-LambdaInsideVPC': 'it calls only AWS APIs (SageMaker runtime, IoT data, SNS) over TLS; a VPC would need paid interface endpoints',
    });

    this.inferRule = new iot.CfnTopicRule(this, 'InferRule', {
      topicRulePayload: {
        description: 'window means to the participant endpoint; answer on iotsensors/infer/result/<thing>',
        sql: INFER_RULE_SQL,
        awsIotSqlVersion: IOT_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: this.function.functionArn } }],
        errorAction: props.ruleErrors.action,
      },
    });
    this.function.addPermission('IotInvoke', {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.inferRule.attrArn,
      sourceAccount: stack.account,
    });
  }
}
