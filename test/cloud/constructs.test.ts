// Each construct of cloud/lib/ on a bare Stack with only what it is given (a key, a bucket, a topic):
// it stands alone, and what it makes is its own. The whole stack, cdk-nag and AWS's validator are in
// stack.test.ts; the training workflow's construct in training.test.ts and workflow-run.test.ts.
import assert from 'node:assert/strict';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Devices } from '../../cloud/lib/devices';
import { EmotionFunction, FUNCTION_RUNTIME } from '../../cloud/lib/function';
import { Inference } from '../../cloud/lib/inference';
import { Ingest } from '../../cloud/lib/ingest';
import { Notify } from '../../cloud/lib/notify';
import { RuleErrors } from '../../cloud/lib/rule-errors';
import { RecordsStorage } from '../../cloud/lib/storage';
import { synthConstruct } from '../support/cloud-app';
import { identityStatements, wildcardProblems } from '../support/cloud-template';

const count = (template: ReturnType<typeof synthConstruct>, type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;

describe('cloud constructs, each on a bare Stack', function () {
  this.timeout(120000);

  it('EmotionFunction: the newest Node.js on arm64, its own encrypted log group and a role that writes only there', () => {
    const template = synthConstruct((stack, { key }) => {
      const q = new sqs.Queue(stack, 'Q');
      new EmotionFunction(stack, 'Sync', { entry: 'participant-check-lambda.ts', key, timeout: Duration.seconds(5), memorySize: 128, environment: {}, invocation: { kind: 'sync', caller: 'a test' } });
      new EmotionFunction(stack, 'Async', { entry: 'infer-failed-lambda.ts', key, timeout: Duration.seconds(5), memorySize: 128, environment: {}, invocation: { kind: 'async', retryAttempts: 2, maxEventAge: Duration.minutes(5), deadLetterQueue: q } });
    });
    const t = Template.fromJSON(template);
    t.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: FUNCTION_RUNTIME.name, Architectures: ['arm64'], KmsKeyArn: Match.anyValue(), LoggingConfig: { LogGroup: Match.anyValue() } }, 2);
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 90 }, 2);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 });
    t.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: Match.anyValue() } });
    const logs = identityStatements(template.Resources).filter(({ statement }) => JSON.stringify(statement.Action).includes('logs:'));
    assert.equal(logs.length, 2);
    assert.ok(logs.every(({ statement }) => /(Sync|Async)Log[0-9A-F]{8}/.test(JSON.stringify(statement.Resource))), 'each role writes its own log group only');
    assert.equal(count(template, 'AWS::IAM::ManagedPolicy'), 0);
    assert.deepEqual(wildcardProblems(identityStatements(template.Resources)), []);
  });

  it('RecordsStorage: a retained, encrypted records bucket with its log bucket, and the Glue table', () => {
    const template = synthConstruct((stack, { key }) => new RecordsStorage(stack, 'Storage', { prefix: 'emotion', key }));
    assert.equal(count(template, 'AWS::S3::Bucket'), 3, 'the records bucket, its log bucket (and the harness\'s own)');
    Template.fromJSON(template).resourcePropertiesCountIs('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } }, 2);
    const retained = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('Storage') && (r as { DeletionPolicy?: string }).DeletionPolicy === 'Retain');
    assert.equal(retained.length, 2, 'a stack delete keeps both buckets');
    assert.equal(count(template, 'AWS::Glue::Table'), 1);
  });

  it('Ingest: the stream, its role, and the train rule gated by the function it is given', () => {
    const template = synthConstruct((stack, { key }) => {
      const storage = new RecordsStorage(stack, 'Storage', { prefix: 'emotion', key });
      const devices = new Devices(stack, 'Devices', { prefix: 'emotion', key });
      new Ingest(stack, 'Ingest', { prefix: 'emotion', key, storage, ruleErrors: new RuleErrors(stack, 'Errors', { key }), gate: devices.gate.function });
    });
    const t = Template.fromJSON(template);
    t.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    t.hasResourceProperties('AWS::IoT::TopicRule', { TopicRulePayload: Match.objectLike({ Sql: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DevicesGateFunction'), 'Arn'] }])] } }) });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'iot.amazonaws.com', SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestTrainRule'), 'Arn'] } });
  });

  it('RuleErrors: an encrypted log group the rules\' error action writes through a role only IoT may take, which may write only there', () => {
    const template = synthConstruct((stack, { key }) => {
      const errors = new RuleErrors(stack, 'Errors', { key });
      new iot.CfnTopicRule(stack, 'Rule', { topicRulePayload: { sql: "SELECT * FROM 'x'", actions: [], errorAction: errors.action } });
    });
    const t = Template.fromJSON(template);
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 90 }, 1);
    t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'iot.amazonaws.com' } })] } });
    t.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({ ErrorAction: { CloudwatchLogs: { LogGroupName: { Ref: Match.stringLikeRegexp('^ErrorsLog') }, RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ErrorsRole'), 'Arn'] } } } }),
    });
    const statements = identityStatements(template.Resources);
    assert.deepEqual(statements.flatMap(({ statement }) => [statement.Action].flat()).sort(), ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    assert.ok(statements.every(({ statement }) => /ErrorsLog[0-9A-F]{8}/.test(JSON.stringify(statement.Resource))), 'only its own log group');
  });

  it('Devices: the device policy and the participant gate, which may only read things', () => {
    const template = synthConstruct((stack, { key }) => new Devices(stack, 'Devices', { prefix: 'lab', key }));
    const t = Template.fromJSON(template);
    t.hasResourceProperties('AWS::IoT::Policy', { PolicyName: 'lab-device' });
    const actions = identityStatements(template.Resources).flatMap(({ statement }) => [statement.Action].flat()).sort();
    assert.deepEqual(actions, ['iot:DescribeThing', 'kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('Notify: a filter policy on every subscription but an explicit "*"', () => {
    const template = synthConstruct((stack, { key }) =>
      new Notify(stack, 'Notify', {
        prefix: 'emotion',
        key,
        subscribers: [
          { participant: 'İpek', protocol: 'email', endpoint: 'mum@example.com' },
          { participant: 'Zoë', protocol: 'sms', endpoint: '+15555550100' },
          { participant: '*', protocol: 'email', endpoint: 'clinic@example.com' },
        ],
      }),
    );
    const t = Template.fromJSON(template);
    t.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'mum@example.com', FilterPolicy: { participant: ['ipek'] } });
    t.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: '+15555550100', FilterPolicy: { participant: ['zoë'] } });
    t.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'clinic@example.com', FilterPolicy: Match.absent() });
  });

  it('Inference: the answer function, the on-failure function and the dead-letter queue; a wait past Lambda\'s 15 minutes is refused', () => {
    const build = (waitSeconds: number) =>
      synthConstruct((stack, { key }) =>
        new Inference(stack, 'Inference', { prefix: 'emotion', key, ruleErrors: new RuleErrors(stack, 'Errors', { key }), topic: new sns.Topic(stack, 'T'), labels: ['angry', 'happy', 'sad'], threshold: 0, waitSeconds, featureSet: 'recommended' }),
      );
    const t = Template.fromJSON(build(200));
    t.resourceCountIs('AWS::SQS::Queue', 1);
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 230, Environment: { Variables: Match.objectLike({ SAGEMAKER_WAIT_MS: '200000', FEATURE_SET: 'recommended' }) } });
    assert.throws(() => build(900), /inferWaitSeconds must be 5-840/);
  });
});
