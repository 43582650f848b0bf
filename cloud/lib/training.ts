// The published training, as a workflow (CloudFormation has no training-job resource): Step Functions
// runs one participant's training on request (emotion-train's cloud backend, or the CLI):
//   Prepare channels (Lambda: the participant's Parquet partition -> the local trainer's cleaning and
//   split -> Linear Learner CSV channels, and the local trainer's held-out evaluation) -> Train Linear Learner (SageMaker, .sync) -> Create model ->
//   Create endpoint config (serverless) -> Find endpoint -> Create or Update endpoint -> wait until
//   InService -> Evaluate on validation rows (Lambda: per-class metrics like the local ones) -> Ready.
// State names, input and output are the contract in src/aws/training-workflow.ts.
import { ArnFormat, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { RECORDS_PREFIX } from '../../src/contracts/record-schema';
import { acknowledge, acknowledgeWildcardResources } from './nag';

export interface TrainingProps {
  prefix: string;
  key: kms.IKey;
  bucket: s3.IBucket;
  /** overrides the region's Linear Learner image (the table in cloud/lambda/linear-learner-image.ts) */
  trainingImage?: string;
}

/** Channels and model artifacts of every run, under the records bucket (same key, same logs). */
export const TRAINING_PREFIX = 'training/';

/** The published settings (issue: the published training in the cloud); all values are strings. */
export const LINEAR_LEARNER_HYPERPARAMETERS = {
  predictor_type: 'multiclass_classifier',
  feature_dim: '2',
  // class weights give each mood equal importance: the algorithm's own answer to imbalance (not SMOTE)
  balance_multiclass_weights: 'true',
  normalize_data: 'true',
  epochs: '15',
} as const;

/** Serverless: no instance runs (and costs) between detections; 1 GB is the smallest size. */
export const SERVERLESS_CONFIG = { MemorySizeInMB: 1024, MaxConcurrency: 2 } as const;

const TRAINING_INSTANCE = 'm5.large';
const ENDPOINT_POLL = Duration.seconds(30);
const WORKFLOW_TIMEOUT = Duration.hours(2);

export class Training extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly prepareFunction: nodejs.NodejsFunction;
  readonly evaluateFunction: nodejs.NodejsFunction;
  /** assumed by SageMaker for the training job and for serving the model */
  readonly sagemakerRole: iam.Role;

  constructor(scope: Construct, id: string, props: TrainingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { prefix, key, bucket } = props;
    const sagemakerArn = (resource: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: `${prefix}-*` });
    const trainingObjects = bucket.arnForObjects(`${TRAINING_PREFIX}*`);

    const kmsUse = new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] });
    const listTraining = new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': `${TRAINING_PREFIX}*` } } });

    this.sagemakerRole = new iam.Role(this, 'SageMakerRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const sagemakerLogs = ['/aws/sagemaker/TrainingJobs', '/aws/sagemaker/Endpoints/*'].map((name) =>
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    for (const statement of [
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [trainingObjects] }),
      listTraining,
      kmsUse,
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: sagemakerLogs }),
      // PutMetricData has no resource type: the condition keeps it to SageMaker's namespaces
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } }),
    ]) {
      this.sagemakerRole.addToPolicy(statement);
    }
    acknowledgeWildcardResources(this.sagemakerRole, 'channels and model artifacts are written per run under training/; SageMaker names log streams per job and endpoint; PutMetricData accepts only * (held to /aws/sagemaker/*)', [
      trainingObjects,
      ...sagemakerLogs,
      '*',
    ]);

    this.prepareFunction = this.lambda('Prepare', 'train-prepare-lambda.ts', key, Duration.minutes(5), 1024, {
      BUCKET: bucket.bucketName,
      RECORDS_PREFIX,
      TRAINING_PREFIX,
      ENDPOINT_PREFIX: prefix,
      // blank: the function picks its region's image from the table (no AWS account ids in the template)
      ...(props.trainingImage ? { TRAINING_IMAGE: props.trainingImage } : {}),
    });
    const records = bucket.arnForObjects(`${RECORDS_PREFIX}*`);
    this.prepareFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [records] }));
    this.prepareFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': `${RECORDS_PREFIX}*` } } }),
    );
    this.prepareFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [trainingObjects] }));
    this.prepareFunction.addToRolePolicy(kmsUse);
    acknowledgeWildcardResources(this.prepareFunction.role!, 'reads the participant\'s partition under records/ and writes the run\'s channels under training/: both named at run time', [records, trainingObjects]);

    this.evaluateFunction = this.lambda('Evaluate', 'train-evaluate-lambda.ts', key, Duration.minutes(5), 256, { BUCKET: bucket.bucketName });
    const endpoints = sagemakerArn('endpoint');
    this.evaluateFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [trainingObjects] }));
    this.evaluateFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }));
    this.evaluateFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpoints] }));
    acknowledgeWildcardResources(this.evaluateFunction.role!, 'reads the run\'s validation channel under training/ and asks the participant\'s endpoint (prefix-*): both named at run time', [trainingObjects, endpoints]);

    const definition = this.definition(key);
    const role = new iam.Role(this, 'WorkflowRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    this.grantWorkflow(role, sagemakerArn, kmsUse);
    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineName: `${prefix}-training`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // The task constructs would add account-wide grants (e.g. training-job/*): the workflow gets only
      // the statements in grantWorkflow, scoped to this stack's prefix, bucket and functions.
      role: role.withoutPolicyUpdates(),
      timeout: WORKFLOW_TIMEOUT,
    });
    acknowledge(this.stateMachine, {
      'AwsSolutions-SF1':
        'every state of every run is in the execution history (90 days), which emotion-train follows; CloudWatch log delivery would need logs:*LogDelivery on *, against this stack\'s no-* rule',
      'AwsSolutions-SF2': 'X-Ray needs xray:PutTraceSegments on *; the workflow is a short chain of AWS calls whose history shows each step and its timing',
    });
  }

  private lambda(id: string, entry: string, key: kms.IKey, timeout: Duration, memorySize: number, environment: Record<string, string>): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Log`, { encryptionKey: key, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of AWSLambdaBasicExecutionRole: write only its own log group.
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new nodejs.NodejsFunction(this, `${id}Function`, {
      entry: join(__dirname, '..', 'lambda', entry),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      role,
      logGroup,
      environment,
      environmentEncryption: key,
      // the workflow retries nothing silently: a failure ends the execution with the function's error
      retryAttempts: 0,
      // the SDK is bundled (as the inference Lambda's): the clients the tests ran are the ones deployed
      bundling: { minify: true, sourceMap: false, target: 'node22', externalModules: [] },
    });
    acknowledge(fn, {
      'AwsSolutions-L1': 'Node.js 22 is the runtime the package supports on the device side too; raise with the package',
      'HIPAA.Security-LambdaConcurrency': 'runs once per training request; new accounts have 10 concurrent executions in all',
      'HIPAA.Security-LambdaDLQ': 'invoked synchronously by the workflow: a failure ends the execution with its error, a queue would hold nothing',
      'HIPAA.Security-LambdaInsideVPC': 'it calls only AWS APIs (S3, SageMaker runtime) over TLS; a VPC would need paid interface endpoints',
    });
    return fn;
  }

  private definition(key: kms.IKey): sfn.IChainable {
    // the region's Linear Learner image, as the Prepare step names it; the same image trains and serves
    // (unlike S3Location's, DockerImage.fromJsonExpression writes its argument as it is: without stringAt
    // the state would get the literal text "$.prepared.trainingImage" as the image)
    const image = tasks.DockerImage.fromJsonExpression(sfn.JsonPath.stringAt('$.prepared.trainingImage'), false);
    const prepare = new tasks.LambdaInvoke(this, S.prepare, {
      lambdaFunction: this.prepareFunction,
      payload: sfn.TaskInput.fromObject({ input: sfn.JsonPath.objectAt('$'), executionName: sfn.JsonPath.stringAt('$$.Execution.Name') }),
      payloadResponseOnly: true,
      resultPath: '$.prepared',
      retryOnServiceExceptions: true,
    });
    const train = new tasks.SageMakerCreateTrainingJob(this, S.train, {
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      trainingJobName: sfn.JsonPath.stringAt('$.prepared.trainingJobName'),
      // its statements are above; the construct would add kms:*Encrypt* wildcards for the key
      role: this.sagemakerRole.withoutPolicyUpdates(),
      algorithmSpecification: { trainingImage: image, trainingInputMode: tasks.InputMode.FILE },
      hyperparameters: {
        ...LINEAR_LEARNER_HYPERPARAMETERS,
        num_classes: sfn.JsonPath.stringAt('$.prepared.numClasses'),
        mini_batch_size: sfn.JsonPath.stringAt('$.prepared.miniBatchSize'),
      },
      inputDataConfig: (['train', 'validation'] as const).map((channelName) => ({
        channelName,
        contentType: 'text/csv',
        dataSource: {
          s3DataSource: {
            s3DataType: tasks.S3DataType.S3_PREFIX,
            s3DataDistributionType: tasks.S3DataDistributionType.FULLY_REPLICATED,
            s3Location: tasks.S3Location.fromJsonExpression(`$.prepared.${channelName}S3Uri`),
          },
        },
      })),
      outputDataConfig: { s3OutputLocation: tasks.S3Location.fromJsonExpression('$.prepared.outputS3Uri'), encryptionKey: key },
      resourceConfig: { instanceCount: 1, instanceType: new ec2.InstanceType(TRAINING_INSTANCE), volumeSize: Size.gibibytes(10), volumeEncryptionKey: key },
      stoppingCondition: { maxRuntime: Duration.hours(1) },
      resultSelector: {
        trainingJobName: sfn.JsonPath.stringAt('$.TrainingJobName'),
        modelArtifacts: sfn.JsonPath.stringAt('$.ModelArtifacts.S3ModelArtifacts'),
        finalMetrics: sfn.JsonPath.listAt('$.FinalMetricDataList'),
      },
      resultPath: '$.training',
    });
    const model = new tasks.SageMakerCreateModel(this, S.model, {
      modelName: sfn.JsonPath.stringAt('$.prepared.modelName'),
      role: this.sagemakerRole.withoutPolicyUpdates(),
      primaryContainer: new tasks.ContainerDefinition({ image, modelS3Location: tasks.S3Location.fromJsonExpression('$.training.modelArtifacts') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const endpointConfig = new tasks.CallAwsService(this, S.endpointConfig, {
      service: 'sagemaker',
      action: 'createEndpointConfig',
      // CDK's SageMakerCreateEndpointConfig has no ServerlessConfig (aws/aws-cdk#20270): the SDK call does
      parameters: {
        EndpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName'),
        ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: sfn.JsonPath.stringAt('$.prepared.modelName'), ServerlessConfig: SERVERLESS_CONFIG }],
      },
      iamResources: ['(granted in grantWorkflow)'],
      resultPath: sfn.JsonPath.DISCARD,
    });
    const describe = (id: string) =>
      new tasks.CallAwsService(this, id, {
        service: 'sagemaker',
        action: 'describeEndpoint',
        parameters: { EndpointName: sfn.JsonPath.stringAt('$.prepared.endpointName') },
        iamResources: ['(granted in grantWorkflow)'],
        // the whole description as text: FailureReason is there only when it failed
        resultSelector: { status: sfn.JsonPath.stringAt('$.EndpointStatus'), description: sfn.JsonPath.jsonToString(sfn.JsonPath.entirePayload) },
        resultPath: '$.endpoint',
      });
    const find = describe(S.findEndpoint);
    const create = new tasks.SageMakerCreateEndpoint(this, S.createEndpoint, {
      endpointName: sfn.JsonPath.stringAt('$.prepared.endpointName'),
      endpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const update = new tasks.SageMakerUpdateEndpoint(this, S.updateEndpoint, {
      endpointName: sfn.JsonPath.stringAt('$.prepared.endpointName'),
      endpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const wait = new sfn.Wait(this, S.waitEndpoint, { time: sfn.WaitTime.duration(ENDPOINT_POLL) });
    const check = describe(S.checkEndpoint);
    const failed = new sfn.Fail(this, 'Endpoint failed', { error: WORKFLOW_ERRORS.endpointFailed, causePath: '$.endpoint.description' });
    const evaluate = new tasks.LambdaInvoke(this, S.evaluate, {
      lambdaFunction: this.evaluateFunction,
      payload: sfn.TaskInput.fromObject({
        endpointName: sfn.JsonPath.stringAt('$.prepared.endpointName'),
        validationKey: sfn.JsonPath.stringAt('$.prepared.validationKey'),
        numClasses: sfn.JsonPath.stringAt('$.prepared.numClasses'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.evaluation',
      retryOnServiceExceptions: true,
    });
    const ready = new sfn.Pass(this, S.ready, {
      parameters: {
        participant: sfn.JsonPath.stringAt('$.prepared.participant'),
        endpointName: sfn.JsonPath.stringAt('$.prepared.endpointName'),
        trainingJobName: sfn.JsonPath.stringAt('$.training.trainingJobName'),
        finalMetrics: sfn.JsonPath.listAt('$.training.finalMetrics'),
        evaluation: sfn.JsonPath.objectAt('$.evaluation'),
        rows: sfn.JsonPath.objectAt('$.prepared.rows'),
        heldOut: sfn.JsonPath.objectAt('$.prepared.heldOut'),
      },
    });

    // A participant's first training creates the endpoint; later ones switch it to the new model.
    find.addCatch(create, { errors: ['States.TaskFailed'], resultPath: sfn.JsonPath.DISCARD });
    const inService = new sfn.Choice(this, 'Endpoint in service?')
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), evaluate.next(ready))
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'Failed'), failed)
      .otherwise(wait);
    wait.next(check).next(inService);
    create.next(wait);
    update.next(wait);
    return prepare.next(train).next(model).next(endpointConfig).next(find).next(update);
  }

  /** What the workflow may do: only this stack's names (prefix-*), its SageMaker role and its functions. */
  private grantWorkflow(role: iam.Role, sagemakerArn: (resource: string) => string, kmsUse: iam.PolicyStatement): void {
    const stack = Stack.of(this);
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      role.addToPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
    // ListTags: the SageMaker integrations read a resource's tags (the policies CDK's task constructs write)
    allow(['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:ListTags'], [sagemakerArn('training-job')]);
    // how the .sync integration learns that a training job ended
    allow(['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], [
      stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule' }),
    ]);
    allow(['sagemaker:CreateModel', 'sagemaker:ListTags'], [sagemakerArn('model')]);
    allow(['sagemaker:CreateEndpointConfig', 'sagemaker:ListTags'], [sagemakerArn('endpoint-config')]);
    allow(['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'], [sagemakerArn('endpoint')]);
    allow(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], [sagemakerArn('endpoint'), sagemakerArn('endpoint-config')]);
    allow(['iam:PassRole'], [this.sagemakerRole.roleArn], { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    allow(['lambda:InvokeFunction'], [this.prepareFunction.functionArn, this.evaluateFunction.functionArn]);
    // the training job's output and volume are encrypted with the stack key
    role.addToPolicy(kmsUse);
    acknowledgeWildcardResources(
      role,
      'training jobs, models, endpoint configs and endpoints are named per participant and run at run time; all carry the stack prefix',
      ['training-job', 'model', 'endpoint-config', 'endpoint'].map(sagemakerArn),
    );
  }
}
