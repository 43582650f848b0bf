// The training workflow construct (cloud/lib/training.ts) on a bare Stack, synthesized offline: task
// order, the training job's algorithm, hyperparameters, channels and KMS keys, the serverless endpoint
// and its instance fallback, the definition checked by an Amazon States Language validator, and IAM held
// to this stack's names. What each endpoint state leads to is run in workflow-run.test.ts; cdk-nag and
// AWS's template validator run on the whole stack in stack.test.ts.
import assert from 'node:assert/strict';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { DEFAULT_INSTANCE_TYPE, LINEAR_LEARNER_HYPERPARAMETERS, SERVERLESS_CONFIG, Training, type TrainingProps } from '../../cloud/lib/training';
import { synthConstruct } from '../support/cloud-app';
import { definitionOf, identityStatements, wildcardProblems, type AslDefinition, type AslState as State, type Statement } from '../support/cloud-template';

// asl-validator ships no types: the one call used here
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (separator: string) => string };

type Template = ReturnType<typeof synthConstruct>;

/** The states reached from StartAt by Next, the way one run goes when every call succeeds. */
function mainPath(d: AslDefinition): string[] {
  const path: string[] = [];
  for (let name: string | undefined = d.StartAt; name && !path.includes(name); name = d.States[name].Next) path.push(name);
  return path;
}

function statementsOf(template: Template, rolePrefix: string): Statement[] {
  return identityStatements(template.Resources)
    .filter(({ where }) => where.startsWith(rolePrefix))
    .map(({ statement }) => statement);
}

const text = (v: unknown) => JSON.stringify(v);

const training = (props: Partial<TrainingProps> = {}) => synthConstruct((stack, { key, bucket }) => new Training(stack, 'Training', { prefix: 'emotion', key, bucket, ...props }));

describe('cloud training workflow (CDK construct on a bare Stack)', function () {
  this.timeout(120000);
  let agnostic: Template;
  let own: Template;
  let d: AslDefinition;
  before(() => {
    agnostic = training();
    own = training({ trainingImage: '123.dkr.ecr.eu-central-1.amazonaws.com/linear-learner:2' });
    d = definitionOf(agnostic);
  });

  it('prepares the channels, trains, creates the model and a config, then looks at the endpoint and goes by its state', () => {
    assert.deepEqual(mainPath(d), [S.prepare, S.train, S.model, S.endpointConfig, S.findEndpoint, S.endpointState]);
    // a participant without an endpoint yet: the lookup fails and the endpoint is created
    assert.deepEqual(d.States[S.findEndpoint].Catch, [{ ErrorEquals: ['States.TaskFailed'], ResultPath: null, Next: S.createEndpoint }]);
    const choice = d.States[S.endpointState] as State & { Choices: Record<string, unknown>[]; Default: string };
    assert.deepEqual(choice.Choices.map((c) => c.Next), [S.readServing, S.readFailed, S.waitBusy]);
    assert.equal(choice.Default, S.endpointUnusable);
    assert.equal(d.States[S.readServing].Next, S.updateEndpoint);
    assert.equal(d.States[S.readFailed].Next, S.deleteFailed);
    const ready = d.States[S.ready] as State & { Parameters: Record<string, string> };
    assert.equal(ready.Parameters['heldOut.$'], '$.prepared.heldOut', 'the held-out figures reach emotion-train');
    for (const name of Object.values(S)) assert.ok(d.States[name], `state "${name}" (emotion-train follows it by this name)`);
    assert.deepEqual(Object.keys(d.States).sort(), Object.values(S).sort(), 'every state is in the contract');
    assert.equal(d.States[S.updateFailed].Error, WORKFLOW_ERRORS.updateFailed);
    assert.equal(d.States[S.endpointFailed].Error, WORKFLOW_ERRORS.endpointFailed);
    assert.equal(d.States[S.ready].End, true);
  });

  it('runs the training job to its end (.sync) with the published Linear Learner settings on two text/csv channels', () => {
    const train = d.States[S.train];
    assert.match(String(train.Resource), /:states:::sagemaker:createTrainingJob\.sync$/);
    const p = train.Parameters as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(p.HyperParameters, {
      'predictor_type': 'multiclass_classifier',
      'balance_multiclass_weights': 'true',
      'normalize_data': 'true',
      'epochs': '15',
      'num_classes.$': '$.prepared.numClasses',
      'feature_dim.$': '$.prepared.featureDim',
      'mini_batch_size.$': '$.prepared.miniBatchSize',
    });
    assert.deepEqual(
      p.InputDataConfig.map((c: Record<string, any>) => [c.ChannelName, c.ContentType, c.DataSource.S3DataSource.S3DataDistributionType, c.DataSource.S3DataSource['S3Uri.$']]), // eslint-disable-line @typescript-eslint/no-explicit-any
      [
        ['train', 'text/csv', 'FullyReplicated', '$.prepared.trainS3Uri'],
        ['validation', 'text/csv', 'FullyReplicated', '$.prepared.validationS3Uri'],
      ],
    );
    assert.equal(p.AlgorithmSpecification.TrainingInputMode, 'File');
    assert.equal(p.ResourceConfig.InstanceType, 'ml.m5.large');
    assert.ok(p.OutputDataConfig.KmsKeyId && p.ResourceConfig.VolumeKmsKeyId, 'model artifacts and the training volume use the stack key');
    assert.deepEqual(p.OutputDataConfig.KmsKeyId, p.ResourceConfig.VolumeKmsKeyId);
    assert.equal(p['TrainingJobName.$'], '$.prepared.trainingJobName');
    assert.deepEqual(Object.keys(LINEAR_LEARNER_HYPERPARAMETERS).sort(), ['balance_multiclass_weights', 'epochs', 'normalize_data', 'predictor_type']);
  });

  it('trains and serves the image the Prepare step names (the region\'s, or the one the stack gives)', () => {
    const train = d.States[S.train].Parameters as { AlgorithmSpecification: Record<string, unknown> };
    assert.equal(train.AlgorithmSpecification['TrainingImage.$'], '$.prepared.trainingImage');
    const model = d.States[S.model].Parameters as { PrimaryContainer: Record<string, unknown> };
    assert.equal(model.PrimaryContainer['Image.$'], '$.prepared.trainingImage', 'the same image serves');
    assert.equal(model.PrimaryContainer['ModelDataUrl.$'], '$.training.modelArtifacts');
    const env = (template: Template) =>
      (Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('TrainingPrepareFunction'))![1].Properties!.Environment as {
        Variables: Record<string, unknown>;
      }).Variables;
    assert.equal(env(agnostic).TRAINING_IMAGE, undefined, 'by default the function takes its region\'s image from the table');
    assert.equal(env(own).TRAINING_IMAGE, '123.dkr.ecr.eu-central-1.amazonaws.com/linear-learner:2');
    assert.equal(env(agnostic).FEATURE_SET, 'published', 'the published gsr, bpm unless the stack says otherwise');
    assert.equal(env(training({ featureSet: 'recommended' })).FEATURE_SET, 'recommended');
  });

  it('serves from a serverless endpoint (no instance at rest) named for the participant by the stack, or one setting away an instance', () => {
    const config = d.States[S.endpointConfig];
    assert.match(String(config.Resource), /:states:::aws-sdk:sagemaker:createEndpointConfig$/);
    assert.deepEqual((config.Parameters as { ProductionVariants: unknown[] }).ProductionVariants, [
      { 'VariantName': 'AllTraffic', 'ModelName.$': '$.prepared.modelName', 'ServerlessConfig': SERVERLESS_CONFIG },
    ]);
    for (const name of [S.createEndpoint, S.updateEndpoint, S.findEndpoint, S.checkEndpoint, S.deleteFailed, S.checkDeleted]) {
      assert.equal(d.States[name].Parameters?.['EndpointName.$'], '$.prepared.endpointName', name);
    }
    assert.equal(d.States[S.prepare].Parameters?.['executionName.$'], '$$.Execution.Name');
    const instance = definitionOf(training({ endpoint: { kind: 'instance' } }));
    assert.deepEqual((instance.States[S.endpointConfig].Parameters as { ProductionVariants: unknown[] }).ProductionVariants, [
      { 'VariantName': 'AllTraffic', 'ModelName.$': '$.prepared.modelName', 'InstanceType': DEFAULT_INSTANCE_TYPE, 'InitialInstanceCount': 1, 'InitialVariantWeight': 1 },
    ]);
  });

  it('grants the training job the stack key as CDK\'s task would: Encrypt for the artifacts, CreateGrant (for AWS resources only) for the volume', () => {
    const kms = statementsOf(agnostic, 'TrainingSageMakerRole').filter((s) => text(s.Action).includes('kms:'));
    const actions = kms.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    const grant = kms.find((s) => text(s.Action).includes('kms:CreateGrant'))!;
    assert.deepEqual(grant.Condition, { Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  });

  it('is a valid Amazon States Language definition, as a validator that fails a broken one says', () => {
    const result = aslValidator(d);
    assert.equal(result.isValid, true, result.errorsText('\n'));
    const broken = JSON.parse(JSON.stringify(d)) as AslDefinition;
    broken.States[S.model].Next = 'No such state';
    assert.equal(aslValidator(broken).isValid, false);
  });

  it('lets the workflow act only on this stack\'s jobs, models, configs, endpoints, functions and SageMaker role', () => {
    const statements = statementsOf(agnostic, 'TrainingWorkflowRole');
    assert.deepEqual(wildcardProblems(statements.map((statement) => ({ where: 'workflow', statement }))), []);
    const resources = (actions: string) => statements.filter((s) => text(s.Action).includes(actions)).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    for (const [action, kind] of [
      ['sagemaker:CreateTrainingJob', 'training-job'],
      ['sagemaker:CreateModel', 'model'],
      ['sagemaker:CreateEndpointConfig', 'endpoint-config'],
      ['sagemaker:DescribeEndpoint', 'endpoint'],
      ['sagemaker:UpdateEndpoint', 'endpoint'],
      ['sagemaker:DeleteEndpoint', 'endpoint'],
      ['sagemaker:DescribeEndpointConfig', 'endpoint-config'],
      ['sagemaker:DeleteEndpointConfig', 'endpoint-config'],
      ['sagemaker:DeleteModel', 'model'],
    ]) {
      const arns = resources(action).map(text);
      assert.ok(arns.length > 0 && arns.every((a) => a.includes(':sagemaker:') && /:(training-job|model|endpoint-config|endpoint)\/emotion-\*/.test(a)), `${action}: ${arns.join(' ')}`);
      assert.ok(arns.some((a) => a.includes(`:${kind}/emotion-*`)), `${action} on ${kind}/emotion-*`);
    }
    const pass = statements.find((s) => text(s.Action).includes('iam:PassRole'))!;
    assert.deepEqual(pass.Condition, { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    assert.match(text(pass.Resource), /TrainingSageMakerRole/);
    const invoke = resources('lambda:InvokeFunction').map(text);
    assert.equal(invoke.length, 2);
    assert.ok(invoke.every((a) => /TrainingPrepareFunction|TrainingEvaluateFunction/.test(a)));
    assert.ok(!statements.some((s) => text(s.Action).includes('s3:')), 'the workflow itself reads no records');
  });

  it('lets SageMaker and the functions use only their prefixes of the records bucket, with the stack key', () => {
    const s3Resources = (role: string) =>
      statementsOf(agnostic, role)
        .filter((s) => text(s.Action).includes('s3:'))
        .map((s) => [text(s.Action), text(s.Resource), text(s.Condition ?? '')]);
    const sagemaker = s3Resources('TrainingSageMakerRole');
    assert.ok(sagemaker.every(([, r, c]) => r.includes('Bucket') && (r.includes('/training/*') || c.includes('training/*'))), text(sagemaker));
    const prepare = s3Resources('TrainingPrepareRole');
    assert.ok(prepare.some(([a, r]) => a.includes('s3:GetObject') && r.includes('/records/*')));
    assert.ok(prepare.some(([a, r]) => a.includes('s3:PutObject') && r.includes('/training/*')));
    assert.ok(!prepare.some(([a, r]) => a.includes('s3:PutObject') && r.includes('/records/')), 'never writes a record');
    const evaluate = s3Resources('TrainingEvaluateRole');
    assert.deepEqual(evaluate.map(([a]) => a), ['"s3:GetObject"']);
    for (const role of ['TrainingSageMakerRole', 'TrainingPrepareRole', 'TrainingEvaluateRole', 'TrainingWorkflowRole']) {
      const kms = statementsOf(agnostic, role).filter((s) => text(s.Action).includes('kms:'));
      const [keyId] = Object.entries(agnostic.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key')!;
      assert.ok(kms.length > 0 && kms.every((s) => text(s.Resource) === text({ 'Fn::GetAtt': [keyId, 'Arn'] })), `${role}: only the stack key`);
      assert.ok(kms.every((s) => !text(s.Action).includes('*')), `${role}: no kms wildcard action`);
      assert.ok(kms.every((s) => !text(s.Action).includes('kms:CreateGrant') || role === 'TrainingSageMakerRole'), `${role}: grants only for SageMaker`);
    }
  });
});
