// The one way this stack makes a Lambda function: a TypeScript entry in cloud/lambda/ bundled by the local
// esbuild (SDK inside, so the clients the tests ran are the ones deployed), on the newest Node.js runtime,
// arm64, its own encrypted log group, its own role that may write only that log group, the environment
// encrypted with the stack key, and the cdk-nag findings every function here shares acknowledged once
// with reasons that hold for all of them. How it is invoked decides the rest (retries, dead-letter queue).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { acknowledge } from './nag';

/** The runtime every function runs on: the newest Node.js Lambda offers (cdk-nag's AwsSolutions-L1 checks this). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
const BUNDLE_TARGET = 'node24';

/**
 * How the function is called, which decides what happens to a failure:
 * - `sync`: its caller (the training workflow, an IoT rule's SQL) gets the error at once; no retry here;
 * - `async`: Lambda queues the event (an IoT rule action, a destination), retries, then hands the failed
 *   event to `deadLetterQueue` (with Lambda's ErrorMessage attribute) and to `onFailure` if given.
 */
export type Invocation =
  | { kind: 'sync'; caller: string }
  | { kind: 'async'; retryAttempts: number; maxEventAge: Duration; deadLetterQueue: sqs.IQueue; onFailure?: lambda.IDestination };

export interface EmotionFunctionProps {
  /** the file in cloud/lambda/ that exports `handler` */
  entry: string;
  key: kms.IKey;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  invocation: Invocation;
}

export class EmotionFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EmotionFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Log', { encryptionKey: props.key, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of AWSLambdaBasicExecutionRole: write only its own log group.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    const invocation = props.invocation;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(__dirname, '..', 'lambda', props.entry),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      environmentEncryption: props.key,
      ...(invocation.kind === 'async'
        ? { retryAttempts: invocation.retryAttempts, maxEventAge: invocation.maxEventAge, deadLetterQueue: invocation.deadLetterQueue, onFailure: invocation.onFailure }
        : { retryAttempts: 0 }),
      bundling: { minify: true, sourceMap: false, target: BUNDLE_TARGET, externalModules: [] },
    });
    // The environment is encrypted with the stack key.
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.key.keyArn] }));
    acknowledge(this.function, {
      'HIPAA.Security-LambdaConcurrency':
        'a reserved concurrency must leave the account 10 unreserved executions, and new accounts have 10 in all: reserving any fails the deploy there',
      'HIPAA.Security-LambdaInsideVPC': 'it calls only AWS APIs over TLS; inside a VPC it would need an interface endpoint per service, each billed by the hour',
      ...(invocation.kind === 'sync'
        ? { 'HIPAA.Security-LambdaDLQ': `${invocation.caller} calls it synchronously and receives its error at once; a dead-letter queue is only used for asynchronous calls` }
        : {}),
    });
  }

  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPolicy(statement);
  }
}
