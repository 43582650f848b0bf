// The published training, as a workflow (CloudFormation has no training-job resource): Step Functions
// runs one participant's training on request (emotion-train's cloud backend, or the CLI): Prepare
// channels (Lambda: the local trainer's cleaning, split and held-out evaluation, then Linear Learner CSV)
// -> Train Linear Learner (SageMaker, .sync) -> Create model -> Create endpoint config (serverless, or an
// instance endpoint: one setting) -> the participant's endpoint created, updated, or
// deleted and recreated, by the state it is in -> Evaluate on validation rows (Lambda) -> the config and
// model it replaced removed -> Ready. The states and what each endpoint state leads to are the contract
// in src/aws/training-workflow.ts (WORKFLOW_STATES), checked by running this definition in a local Step
// Functions interpreter (test/cloud/workflow-run.test.ts).
import { ArnFormat, Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { RECORDS_PREFIX } from '../../src/contracts/record-schema';
import type { FeatureSetName } from '../../src/signal/window-features';
import { EmotionFunction } from './function';
import { acknowledge, acknowledgeWildcardResources } from './nag';

/** How the participant endpoints serve: serverless (billed per request) or one always-on instance. */
export const ENDPOINT_KINDS = ['serverless', 'instance'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface EndpointSetting {
  kind: EndpointKind;
  /** for kind "instance" (default ml.t2.medium) */
  instanceType?: string;
}

export interface TrainingProps {
  prefix: string;
  key: kms.IKey;
  bucket: s3.IBucket;
  /** overrides the region's Linear Learner image (the table in cloud/lambda/linear-learner-image.ts) */
  trainingImage?: string;
  /** default: serverless */
  endpoint?: EndpointSetting;
  /** the features every model of the stack uses (the Inference construct answers with the same); default: published */
  featureSet?: FeatureSetName;
}

/** Channels and model artifacts of every run, under the records bucket (same key, same logs). */
export const TRAINING_PREFIX = 'training/';

/**
 * The published settings (docs/cloud.md, Train in the cloud); all values are strings. num_classes and
 * feature_dim come from the Prepare step: the labels recorded and the length of the model's feature list.
 */
export const LINEAR_LEARNER_HYPERPARAMETERS = {
  predictor_type: 'multiclass_classifier',
  // class weights give each mood equal importance: the algorithm's own answer to imbalance (not SMOTE)
  balance_multiclass_weights: 'true',
  normalize_data: 'true',
  epochs: '15',
} as const;

/** Serverless: no instance runs (and costs) between detections; 1 GB is the smallest size. */
export const SERVERLESS_CONFIG = { MemorySizeInMB: 1024, MaxConcurrency: 2 } as const;
/** The instance fallback: the smallest general-purpose hosting instance, always on. */
export const DEFAULT_INSTANCE_TYPE = 'ml.t2.medium';

/** The training job's instance (cloud:check reads its quota). */
export const TRAINING_INSTANCE = 'm5.large';
const ENDPOINT_POLL = Duration.seconds(30);
const WORKFLOW_TIMEOUT = Duration.hours(2);
/** Prepare reads a year of daily sessions well within this (bench/cloud-prepare.ts). */
const PREPARE_TIMEOUT = Duration.minutes(10);

/** The production variant a new endpoint config gets, by the endpoint setting. */
export function productionVariant(setting: EndpointSetting = { kind: 'serverless' }): Record<string, unknown> {
  const model = { VariantName: 'AllTraffic', ModelName: sfn.JsonPath.stringAt('$.prepared.modelName') };
  return setting.kind === 'serverless'
    ? { ...model, ServerlessConfig: SERVERLESS_CONFIG }
    : { ...model, InstanceType: setting.instanceType ?? DEFAULT_INSTANCE_TYPE, InitialInstanceCount: 1, InitialVariantWeight: 1 };
}

export class Training extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly prepare: EmotionFunction;
  readonly evaluate: EmotionFunction;
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
      // The training job encrypts its model artifacts with the stack key (OutputDataConfig.KmsKeyId:
      // "the SageMaker execution role must include permissions to call kms:Encrypt") and its volume
      // (ResourceConfig.VolumeKmsKeyId: the volume's service takes a grant on the key, which is what
      // CDK's SageMakerCreateTrainingJob grants too). Grants only for AWS resources, never to a person.
      new iam.PolicyStatement({ actions: ['kms:Encrypt'], resources: [key.keyArn] }),
      new iam.PolicyStatement({ actions: ['kms:CreateGrant'], resources: [key.keyArn], conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: sagemakerLogs }),
      // PutMetricData has no resource type (IAM accepts only "*"): the condition keeps it to SageMaker's namespaces
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } }),
    ]) {
      this.sagemakerRole.addToPolicy(statement);
    }
    acknowledgeWildcardResources(this.sagemakerRole, 'channels and model artifacts are written per run under training/; SageMaker names log streams per job and endpoint; PutMetricData accepts only * (held to /aws/sagemaker/*)', [
      trainingObjects,
      ...sagemakerLogs,
      '*',
    ]);

    this.prepare = new EmotionFunction(this, 'Prepare', {
      entry: 'train-prepare-lambda.ts',
      key,
      timeout: PREPARE_TIMEOUT,
      memorySize: 2048,
      environment: {
        BUCKET: bucket.bucketName,
        RECORDS_PREFIX,
        TRAINING_PREFIX,
        ENDPOINT_PREFIX: prefix,
        FEATURE_SET: props.featureSet ?? 'published',
        // blank: the function picks its region's image from the table (no AWS account ids in the template)
        ...(props.trainingImage ? { TRAINING_IMAGE: props.trainingImage } : {}),
      },
      invocation: { kind: 'sync', caller: 'the training workflow' },
    });
    const records = bucket.arnForObjects(`${RECORDS_PREFIX}*`);
    this.prepare.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [records] }));
    this.prepare.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': `${RECORDS_PREFIX}*` } } }));
    this.prepare.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [trainingObjects] }));
    this.prepare.addToRolePolicy(kmsUse);
    acknowledgeWildcardResources(this.prepare.role, 'reads the participant\'s partition under records/ and writes the run\'s channels under training/: both named at run time', [records, trainingObjects]);

    this.evaluate = new EmotionFunction(this, 'Evaluate', {
      entry: 'train-evaluate-lambda.ts',
      key,
      timeout: Duration.minutes(5),
      memorySize: 256,
      environment: { BUCKET: bucket.bucketName },
      invocation: { kind: 'sync', caller: 'the training workflow' },
    });
    const endpoints = sagemakerArn('endpoint');
    this.evaluate.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [trainingObjects] }));
    this.evaluate.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpoints] }));
    acknowledgeWildcardResources(this.evaluate.role, 'reads the run\'s validation channel under training/ and asks the participant\'s endpoint (prefix-*): both named at run time', [trainingObjects, endpoints]);

    const definition = this.definition(key, props.endpoint);
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
        'every state of every run is in the execution history (90 days), which emotion-train follows; CloudWatch log delivery needs logs:CreateLogDelivery and five more actions that take only "*" as resource',
      'AwsSolutions-SF2': 'X-Ray needs xray:PutTraceSegments on *; the workflow is a short chain of AWS calls whose history shows each step and its timing',
    });
  }

  private definition(key: kms.IKey, endpointSetting: EndpointSetting | undefined): sfn.IChainable {
    // the region's Linear Learner image, as the Prepare step names it; the same image trains and serves
    // (unlike S3Location's, DockerImage.fromJsonExpression writes its argument as it is: without stringAt
    // the state would get the literal text "$.prepared.trainingImage" as the image)
    const image = tasks.DockerImage.fromJsonExpression(sfn.JsonPath.stringAt('$.prepared.trainingImage'), false);
    const prepare = new tasks.LambdaInvoke(this, S.prepare, {
      lambdaFunction: this.prepare.function,
      payload: sfn.TaskInput.fromObject({ input: sfn.JsonPath.objectAt('$'), executionName: sfn.JsonPath.stringAt('$$.Execution.Name') }),
      payloadResponseOnly: true,
      resultPath: '$.prepared',
      retryOnServiceExceptions: true,
    });
    const train = new tasks.SageMakerCreateTrainingJob(this, S.train, {
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      trainingJobName: sfn.JsonPath.stringAt('$.prepared.trainingJobName'),
      // its statements are in the constructor, without the construct's kms:*Encrypt* wildcards
      role: this.sagemakerRole.withoutPolicyUpdates(),
      algorithmSpecification: { trainingImage: image, trainingInputMode: tasks.InputMode.FILE },
      hyperparameters: {
        ...LINEAR_LEARNER_HYPERPARAMETERS,
        num_classes: sfn.JsonPath.stringAt('$.prepared.numClasses'),
        feature_dim: sfn.JsonPath.stringAt('$.prepared.featureDim'),
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
    const sdk = (id: string, action: string, parameters: Record<string, unknown>, more: Partial<tasks.CallAwsServiceProps> = {}) =>
      new tasks.CallAwsService(this, id, { service: 'sagemaker', action, parameters, iamResources: ['(granted in grantWorkflow)'], resultPath: sfn.JsonPath.DISCARD, ...more });
    // CDK's SageMakerCreateEndpointConfig has no ServerlessConfig (aws/aws-cdk#20270): the SDK call does
    const endpointConfig = sdk(S.endpointConfig, 'createEndpointConfig', {
      EndpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName'),
      ProductionVariants: [productionVariant(endpointSetting)],
    });
    const endpointName = { EndpointName: sfn.JsonPath.stringAt('$.prepared.endpointName') };
    const describe = (id: string) =>
      sdk(id, 'describeEndpoint', endpointName, {
        // the whole description as text too: FailureReason is there only when something failed
        resultSelector: {
          status: sfn.JsonPath.stringAt('$.EndpointStatus'),
          configName: sfn.JsonPath.stringAt('$.EndpointConfigName'),
          description: sfn.JsonPath.jsonToString(sfn.JsonPath.entirePayload),
        },
        resultPath: '$.endpoint',
      });
    // the config an endpoint serves, and its model: what this run replaces (removed once it is replaced)
    const readConfig = (id: string) =>
      sdk(id, 'describeEndpointConfig', { EndpointConfigName: sfn.JsonPath.stringAt('$.endpoint.configName') }, {
        resultSelector: { configName: sfn.JsonPath.stringAt('$.EndpointConfigName'), modelName: sfn.JsonPath.stringAt('$.ProductionVariants[0].ModelName') },
        resultPath: '$.replaced',
      });
    const remove = (id: string, action: string, parameters: Record<string, unknown>) => {
      const task = sdk(id, action, parameters);
      // a leftover costs nothing while unused: its removal failing must not fail a training
      return { task, orOn: (next: sfn.IChainable) => task.addCatch(next, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD }).next(next) };
    };
    const fail = (id: string, error: string) => new sfn.Fail(this, id, { error, causePath: '$.endpoint.description' });

    const find = describe(S.findEndpoint);
    const create = sdk(S.createEndpoint, 'createEndpoint', { ...endpointName, EndpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName') });
    const update = sdk(S.updateEndpoint, 'updateEndpoint', { ...endpointName, EndpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName') });
    const readServing = readConfig(S.readServing);
    const readFailed = readConfig(S.readFailed);
    const deleteFailed = sdk(S.deleteFailed, 'deleteEndpoint', endpointName);
    const waitDeleted = new sfn.Wait(this, S.waitDeleted, { time: sfn.WaitTime.duration(ENDPOINT_POLL) });
    const checkDeleted = describe(S.checkDeleted);
    const waitBusy = new sfn.Wait(this, S.waitBusy, { time: sfn.WaitTime.duration(ENDPOINT_POLL) });
    const waitEndpoint = new sfn.Wait(this, S.waitEndpoint, { time: sfn.WaitTime.duration(ENDPOINT_POLL) });
    const check = describe(S.checkEndpoint);
    const evaluate = new tasks.LambdaInvoke(this, S.evaluate, {
      lambdaFunction: this.evaluate.function,
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
        endpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName'),
        trainingJobName: sfn.JsonPath.stringAt('$.training.trainingJobName'),
        finalMetrics: sfn.JsonPath.listAt('$.training.finalMetrics'),
        evaluation: sfn.JsonPath.objectAt('$.evaluation'),
        rows: sfn.JsonPath.objectAt('$.prepared.rows'),
        heldOut: sfn.JsonPath.objectAt('$.prepared.heldOut'),
        // what the model learned (the stack's set), so emotion-train's msg.model says what to ask it
        features: sfn.JsonPath.listAt('$.prepared.features'),
        windowSeconds: sfn.JsonPath.numberAt('$.prepared.windowSeconds'),
      },
    });
    const busy = ['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting'];
    const isOneOf = (statuses: string[]) => sfn.Condition.or(...statuses.map((st) => sfn.Condition.stringEquals('$.endpoint.status', st)));
    const servesNew = sfn.Condition.stringEqualsJsonPath('$.endpoint.configName', '$.prepared.endpointConfigName');

    // None yet (DescribeEndpoint fails): create it. A describe that failed for another reason leads to a
    // CreateEndpoint that fails with SageMaker's reason, so nothing is hidden.
    find.addCatch(create, { errors: ['States.TaskFailed'], resultPath: sfn.JsonPath.DISCARD });
    checkDeleted.addCatch(create, { errors: ['States.TaskFailed'], resultPath: sfn.JsonPath.DISCARD });
    readServing.addCatch(update, { errors: ['States.ALL'], resultPath: '$.replaced' });
    readFailed.addCatch(deleteFailed, { errors: ['States.ALL'], resultPath: '$.replaced' });

    const removeReplacedModel = remove(S.removeReplacedModel, 'deleteModel', { ModelName: sfn.JsonPath.stringAt('$.replaced.modelName') });
    const removeReplacedConfig = remove(S.removeReplacedConfig, 'deleteEndpointConfig', { EndpointConfigName: sfn.JsonPath.stringAt('$.replaced.configName') });
    removeReplacedModel.orOn(ready);
    removeReplacedConfig.orOn(removeReplacedModel.task);
    const anythingReplaced = new sfn.Choice(this, S.anythingReplaced)
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.replaced.configName'), sfn.Condition.isPresent('$.replaced.modelName')), removeReplacedConfig.task)
      .otherwise(ready);

    const updateFailed = fail(S.updateFailed, WORKFLOW_ERRORS.updateFailed);
    const removeUnusedModel = remove(S.removeUnusedModel, 'deleteModel', { ModelName: sfn.JsonPath.stringAt('$.prepared.modelName') });
    const removeUnusedConfig = remove(S.removeUnusedConfig, 'deleteEndpointConfig', { EndpointConfigName: sfn.JsonPath.stringAt('$.prepared.endpointConfigName') });
    removeUnusedModel.orOn(updateFailed);
    removeUnusedConfig.orOn(removeUnusedModel.task);

    const unusable = fail(S.endpointUnusable, WORKFLOW_ERRORS.endpointUnusable);
    const deployed = new sfn.Choice(this, S.deployed)
      .when(sfn.Condition.and(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), servesNew), evaluate.next(anythingReplaced))
      // InService with the previous config: the update failed and SageMaker kept the old model serving
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), removeUnusedConfig.task)
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'Failed'), fail(S.endpointFailed, WORKFLOW_ERRORS.endpointFailed))
      .when(isOneOf(busy), waitEndpoint)
      .otherwise(unusable);
    waitEndpoint.next(check).next(deployed);
    create.next(waitEndpoint);
    readServing.next(update).next(waitEndpoint);
    readFailed.next(deleteFailed).next(waitDeleted).next(checkDeleted).next(waitDeleted);

    const endpointState = new sfn.Choice(this, S.endpointState)
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), readServing)
      // "DeleteEndpoint is the only operation that can be performed on a failed endpoint" (DescribeEndpoint)
      .when(isOneOf(['Failed', 'OutOfService']), readFailed)
      .when(isOneOf(busy), waitBusy)
      .otherwise(unusable);
    waitBusy.next(find);
    return prepare.next(train).next(model).next(endpointConfig).next(find).next(endpointState);
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
    allow(['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:ListTags'], [sagemakerArn('model')]);
    allow(['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:ListTags'], [sagemakerArn('endpoint-config')]);
    allow(['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:ListTags'], [sagemakerArn('endpoint')]);
    allow(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], [sagemakerArn('endpoint'), sagemakerArn('endpoint-config')]);
    allow(['iam:PassRole'], [this.sagemakerRole.roleArn], { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    allow(['lambda:InvokeFunction'], [this.prepare.function.functionArn, this.evaluate.function.functionArn]);
    // the training job's output and volume are encrypted with the stack key
    role.addToPolicy(kmsUse);
    acknowledgeWildcardResources(
      role,
      'training jobs, models, endpoint configs and endpoints are named per participant and run at run time; all carry the stack prefix',
      ['training-job', 'model', 'endpoint-config', 'endpoint'].map(sagemakerArn),
    );
  }
}
