// The cloud/ CDK app, synthesized once offline: every resource and IAM statement asserted, cdk-nag
// (AwsSolutions + HIPAA Security) clean, AWS's offline validator without ERROR/FATAL, and the
// Firehose buffering minimum no validator checks.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { INFER_RULE_SQL, INFER_TOPIC, IOT_SQL_VERSION, RESULT_TOPIC_PREFIX, trainRuleSql, TRAIN_TOPIC } from '../../src/contracts/iot-topics';
import { PARTITION_COLUMN, RECORD_COLUMNS } from '../../src/contracts/record-schema';
import { checkPrefix } from '../../cloud/lib/emotion-stack';
import { readSettings } from '../../cloud/lib/settings';
import { synthCloud, type Synthesized } from '../support/cloud-app';
import { firehoseBufferingProblems, identityStatements, wildcardProblems } from '../support/cloud-template';

const SYNTH_TIMEOUT = 240000;

describe('cloud stack (CDK, synthesized offline)', function () {
  this.timeout(SYNTH_TIMEOUT);
  let synth: Synthesized;
  let t: Template;

  before(() => {
    synth = synthCloud({
      subscribers: [
        { participant: 'Ana', protocol: 'email', endpoint: 'carer@example.com' },
        { participant: '*', protocol: 'sms', endpoint: '+15555550100' },
      ],
    });
    t = Template.fromJSON(synth.template);
  });
  after(() => synth?.cleanup());

  describe('security checks', () => {
    it('passes cdk-nag AwsSolutions and HIPAA Security with no unacknowledged error', () => {
      const names = synth.reports.map((r) => r.pluginName);
      assert.ok(names.includes('AwsSolutions') && names.includes('HIPAA.Security'), `both packs ran: ${names.join(', ')}`);
      const errors = synth.reports.flatMap(({ report }) =>
        report.violations.filter((v) => v.severity === 'error').map((v) => `${v.ruleName} at ${v.violatingResources.map((c) => c.constructPath).join(', ')}`),
      );
      assert.deepEqual(errors, []);
      assert.ok(synth.reports.every(({ report }) => report.success));
      assert.equal(synth.synthError, undefined);
    });

    it('gives a reason for every acknowledged rule', () => {
      const acks = synth.app.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => ({ path: c.node.path, data: m.data as Record<string, unknown> })));
      assert.ok(acks.length > 0);
      for (const { path, data } of acks) {
        for (const [id, reason] of Object.entries(data)) {
          const text = typeof reason === 'string' ? reason : JSON.stringify(reason);
          assert.ok(text.replace(/[{}"]/g, '').length >= 20, `${path}: ${id} needs a reason, got ${text}`);
        }
      }
    });

    it('has no ERROR or FATAL finding from @aws/cloudformation-validate', () => {
      const findings = validate(synth.templatePath);
      assert.deepEqual(findings.filter((d) => d.severity === 'ERROR' || d.severity === 'FATAL').map((d) => `${d.ruleId} ${d.message}`), []);
    });

    it('the validator does fail a template with a misspelt property (the check above can fail)', () => {
      const broken = structuredClone(synth.template);
      const topic = Object.values(broken.Resources).find((r) => r.Type === 'AWS::SNS::Topic')!;
      topic.Properties = { ...topic.Properties, TopicNam: 'typo' };
      const path = join(synth.outdir, 'broken.template.json');
      writeFileSync(path, JSON.stringify(broken));
      assert.ok(validate(path).some((d) => d.severity === 'FATAL' && /TopicNam/.test(d.message)));
    });

    it('buffers Firehose at least 64 MiB and 60 s, as Parquet conversion and partitioning require', () => {
      assert.deepEqual(firehoseBufferingProblems(synth.template.Resources), []);
      const small = structuredClone(synth.template.Resources);
      const stream = Object.values(small).find((r) => r.Type === 'AWS::KinesisFirehose::DeliveryStream')!;
      ((stream.Properties!.ExtendedS3DestinationConfiguration as Record<string, unknown>).BufferingHints as Record<string, number>).SizeInMBs = 5;
      assert.match(firehoseBufferingProblems(small).join(), /SizeInMBs 5 < 64/);
    });

    it('has no * action, no service:* action and no * resource in any IAM statement', () => {
      const statements = identityStatements(synth.template.Resources);
      assert.ok(statements.length >= 10, `found ${statements.length} statements`);
      assert.deepEqual(wildcardProblems(statements), []);
    });

    it('names no AWS account: the template deploys to whichever account runs it', () => {
      assert.doesNotMatch(JSON.stringify(synth.template), /\b\d{12}\b/);
    });
  });

  describe('storage', () => {
    it('keeps records in a KMS-encrypted, versioned, private, TLS-only bucket with logs and a lifecycle', () => {
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'records-bucket/' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
      });
      t.resourceCountIs('AWS::S3::Bucket', 2);
      // Both buckets deny plain HTTP.
      t.resourcePropertiesCountIs(
        'AWS::S3::BucketPolicy',
        { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } },
        2,
      );
      t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ LoggingConfiguration: Match.anyValue() }) });
    });

    it('keeps the access logs in their own private, TLS-only bucket (SSE-S3: log delivery cannot use KMS)', () => {
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.absent(),
      });
    });

    it('describes the records with a Glue table of exactly the sensor-record fields, partitioned by participant', () => {
      t.resourceCountIs('AWS::Glue::Database', 1);
      t.hasResourceProperties('AWS::Glue::Table', {
        TableInput: {
          Name: 'records',
          PartitionKeys: [{ Name: 'participant', Type: 'string', Comment: Match.anyValue() }],
          StorageDescriptor: Match.objectLike({
            Columns: RECORD_COLUMNS.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          }),
          Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.participant.type': 'injected', 'storage.location.template': Match.anyValue() }),
        },
      });
      const table = Object.values(synth.template.Resources).find((r) => r.Type === 'AWS::Glue::Table')!;
      const template = JSON.stringify((table.Properties!.TableInput as { Parameters: Record<string, unknown> }).Parameters['storage.location.template']);
      assert.match(template, /records\/participant=\$\{participant\}\//, 'the projection path is the one Firehose writes');
    });
  });

  describe('ingest', () => {
    it('converts Direct PUT records to Parquet through the Glue table, one S3 prefix per participant', () => {
      t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamName: 'emotion-records',
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: Match.anyValue() },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: `records/${PARTITION_COLUMN.name}=!{partitionKeyFromQuery:participant}/`,
          ErrorOutputPrefix: Match.stringLikeRegexp('^errors/!\\{firehose:error-output-type\\}/'),
          CompressionFormat: 'UNCOMPRESSED',
          DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: 'MetadataExtraction',
                Parameters: [
                  { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{participant:.participant}' },
                  { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
                ],
              },
            ],
          },
          DataFormatConversionConfiguration: {
            Enabled: true,
            InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
            OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
            SchemaConfiguration: Match.objectLike({ DatabaseName: Match.anyValue(), TableName: Match.anyValue(), VersionId: 'LATEST' }),
          },
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: Match.anyValue() } },
          CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        }),
      });
    });

    it('routes iotsensors/train into the stream with the rounding SQL, the participant gate, a newline separator and an error action', () => {
      const rules = Object.entries(synth.template.Resources).filter(([, r]) => r.Type === 'AWS::IoT::TopicRule');
      const [trainId, train] = rules.find(([id]) => id.startsWith('IngestTrainRule'))!;
      const payload = train.Properties!.TopicRulePayload as Record<string, unknown>;
      // the SQL is the contract's, with the deployed gate's ARN in its aws_lambda() call
      const [gateId] = Object.keys(synth.template.Resources).filter((id) => id.startsWith('DevicesGateFunction') && synth.template.Resources[id].Type === 'AWS::Lambda::Function');
      assert.deepEqual(payload.Sql, { 'Fn::Join': ['', trainRuleSql('\u0000').split('\u0000').flatMap((part, i) => (i === 0 ? [part] : [{ 'Fn::GetAtt': [gateId, 'Arn'] }, part]))] });
      assert.match(trainRuleSql('arn'), new RegExp(`FROM '${TRAIN_TOPIC}' WHERE aws_lambda\\("arn", \\{"thing": clientid\\(\\), "participant": participant\\}\\)\\.allowed = true$`));
      assert.deepEqual([payload.AwsIotSqlVersion, payload.RuleDisabled], [IOT_SQL_VERSION, false]);
      const actions = payload.Actions as { Firehose: Record<string, unknown> }[];
      assert.deepEqual(actions.map((a) => Object.keys(a.Firehose).sort()), [['DeliveryStreamName', 'RoleArn', 'Separator']]);
      assert.equal(actions[0].Firehose.Separator, '\n');
      assert.ok((payload.ErrorAction as Record<string, unknown>).CloudwatchLogs);
      // aws_lambda() needs IoT's permission to invoke the gate, from this rule and account only
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [gateId, 'Arn'] },
        Principal: 'iot.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [trainId, 'Arn'] },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    });

    it('lets Firehose write only under records/ and errors/, read its Glue table and use the key', () => {
      const firehose = statementsOfRoleTrusting('firehose.amazonaws.com');
      assert.deepEqual(actionsOf(firehose).sort(), [
        'glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions',
        'kms:Decrypt', 'kms:GenerateDataKey', 'logs:PutLogEvents',
        's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject',
      ]);
      const objectResources = JSON.stringify(firehose.filter((s) => [s.Action].flat().includes('s3:PutObject')).map((s) => s.Resource));
      assert.match(objectResources, /\/records\/\*/);
      assert.match(objectResources, /\/errors\/\*/);
      assert.equal(actionsOf(statementsOfRoleTrusting('iot.amazonaws.com', 'firehose:PutRecord')).sort().join(), 'firehose:PutRecord,firehose:PutRecordBatch');
    });
  });

  describe('inference', () => {
    it('runs the handler on the newest Node.js with the stack prefix, labels, the warm timeout, the whole wait and the SNS topic', () => {
      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        KmsKeyArn: Match.anyValue(),
        Environment: {
          Variables: { ENDPOINT_PREFIX: 'emotion', LABELS: 'angry,happy,sad', FEATURE_SET: 'published', CONFIDENCE_THRESHOLD: '0', SAGEMAKER_TIMEOUT_MS: '5000', SAGEMAKER_WAIT_MS: '90000', NOTIFY_TOPIC_ARN: Match.anyValue() },
        },
        // the wait plus the time to read the device's list and publish: the function is never stopped mid-answer
        Timeout: 120,
      });
      for (const r of Object.values(synth.template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) assert.equal(r.Properties!.Runtime, 'nodejs24.x');
    });

    it('invokes it from iotsensors/infer with the thing name, only from this rule and account', () => {
      t.hasResourceProperties('AWS::IoT::TopicRule', {
        TopicRulePayload: Match.objectLike({ Sql: INFER_RULE_SQL, Actions: [{ Lambda: { FunctionArn: Match.anyValue() } }], ErrorAction: Match.anyValue() }),
      });
      assert.match(INFER_RULE_SQL, new RegExp(`clientid\\(\\) AS thing FROM '${INFER_TOPIC}'$`));
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'iot.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceInferRule'), 'Arn'] },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    });

    it('retries a failed invocation once, then keeps it in an encrypted dead-letter queue and tells the device through the on-failure function', () => {
      const resources = synth.template.Resources;
      const id = (prefix: string, type: string) => Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === type)!;
      const queue = id('InferenceDeadLetters', 'AWS::SQS::Queue');
      t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'emotion-infer-failed', KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 14 * 24 * 3600 });
      t.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
      const answer = id('InferenceAnswerFunction', 'AWS::Lambda::Function');
      const failed = id('InferenceFailedFunction', 'AWS::Lambda::Function');
      for (const fn of [answer, failed]) assert.deepEqual(resources[fn].Properties!.DeadLetterConfig, { TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } }, fn);
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: answer },
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failed, 'Arn'] } } },
      });
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: failed }, MaximumRetryAttempts: 2 });
    });

    it('lets the function call only the prefix\'s endpoints, read things\' participant lists, publish only result topics, and write its own log', () => {
      const fn = statementsOfRoleTrusting('lambda.amazonaws.com', 'sagemaker:InvokeEndpoint', 'iot:DescribeThing');
      assert.deepEqual(actionsOf(fn).sort(), [
        'iot:DescribeThing', 'iot:Publish', 'kms:Decrypt', 'kms:GenerateDataKey', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents',
        'sagemaker:InvokeEndpoint', 'sns:Publish', 'sqs:SendMessage',
      ]);
      const resources = JSON.stringify(fn.map((s) => s.Resource));
      assert.match(resources, /:endpoint\/emotion-\*/);
      assert.match(resources, new RegExp(`:topic/${RESULT_TOPIC_PREFIX}/\\*`));
      assert.match(resources, /:thing\/\*/);
    });
  });

  describe('devices and notifications', () => {
    it('gives each Pi least privilege: connect as its own thing, publish train/infer, receive its own answers', () => {
      const policy = Object.values(synth.template.Resources).find((r) => r.Type === 'AWS::IoT::Policy')!;
      assert.equal(policy.Properties!.PolicyName, 'emotion-device');
      const statements = (policy.Properties!.PolicyDocument as { Statement: { Action: string; Resource: unknown; Condition?: unknown }[] }).Statement;
      const flat = (v: unknown) => [v].flat().map((r) => JSON.stringify(r).replace(/.*"(:[a-z]+\/[^"]*)".*/, '$1'));
      assert.deepEqual(
        statements.map((s) => [s.Action, flat(s.Resource)]),
        [
          ['iot:Connect', [':client/${iot:Connection.Thing.ThingName}']],
          ['iot:Publish', [`:topic/${TRAIN_TOPIC}`, `:topic/${INFER_TOPIC}`]],
          ['iot:Subscribe', [`:topicfilter/${RESULT_TOPIC_PREFIX}/\${iot:Connection.Thing.ThingName}`]],
          ['iot:Receive', [`:topic/${RESULT_TOPIC_PREFIX}/\${iot:Connection.Thing.ThingName}`]],
        ],
      );
      assert.deepEqual(statements[0].Condition, { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } });
    });

    it('lets the participant gate read only things\' participant lists', () => {
      const gate = statementsOfRoleTrusting('lambda.amazonaws.com', 'iot:DescribeThing', 'logs:PutLogEvents', (ss) => !ss.some((s) => [s.Action].flat().includes('iot:Publish')));
      assert.deepEqual(actionsOf(gate).sort(), ['iot:DescribeThing', 'kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    });

    it('sends answers through a KMS-encrypted topic, each subscriber filtered to the participants named for them', () => {
      t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'emotion-emotion', KmsMasterKeyId: Match.anyValue() });
      // Ana's carer receives Ana's answers only (the participant's canonical key, as the Lambda sends it)
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'carer@example.com', FilterPolicy: { participant: ['ana'] } });
      // "*": everyone's, said on purpose: no filter
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+15555550100', FilterPolicy: Match.absent() });
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('puts in the outputs what cloud:device, cloud:notify, emotion-train and sns-notify read (region and prefix too)', () => {
      const outputs = (synth.template as unknown as { Outputs: Record<string, { Value: unknown }> }).Outputs;
      assert.deepEqual(Object.keys(outputs).sort(), ['AnswersTopic', 'DeliveryStream', 'DevicePolicyName', 'Endpoints', 'FailedDetections', 'Features', 'GlueTable', 'Prefix', 'RecordsBucket', 'Region', 'TrainingWorkflowArn']);
      assert.equal(outputs.Features.Value, 'published 10', 'the features and the window a Pi must send');
      assert.deepEqual(outputs.Region.Value, { Ref: 'AWS::Region' });
      assert.equal(outputs.Prefix.Value, 'emotion');
      assert.match(JSON.stringify(outputs.TrainingWorkflowArn.Value), /TrainingWorkflow/);
    });

    it('rotates the key, and lets CloudWatch Logs use it only for this account\'s log groups', () => {
      t.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: Match.anyValue() },
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
            }),
          ]),
        },
      });
    });
  });

  function statementsOfRoleTrusting(service: string, withAction?: string, alsoAction?: string, more: (ss: { Action?: unknown }[]) => boolean = () => true) {
    const roles = Object.entries(synth.template.Resources).filter(
      ([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties!.AssumeRolePolicyDocument).includes(service),
    );
    const all = roles.map(([id]) =>
      identityStatements(synth.template.Resources)
        .filter(({ where }) => JSON.stringify(synth.template.Resources[where].Properties!.Roles ?? []).includes(id))
        .map((s) => s.statement),
    );
    const has = (ss: { Action?: unknown }[], action?: string) => !action || ss.some((s) => [s.Action].flat().includes(action));
    const chosen = all.filter((ss) => has(ss, withAction) && has(ss, alsoAction) && more(ss));
    assert.equal(chosen.length, 1, `one role trusting ${service}${withAction ? ` with ${withAction}` : ''}`);
    return chosen[0];
  }
});

describe('cloud stack parameters', function () {
  this.timeout(SYNTH_TIMEOUT);

  it('names everything from the prefix, and always publishes answers (subscribers may come later with cloud:notify)', () => {
    const s = synthCloud({ prefix: 'lab2' }, { nag: false, bundle: false });
    try {
      const t = Template.fromJSON(s.template);
      t.resourceCountIs('AWS::SNS::Subscription', 0);
      t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ENDPOINT_PREFIX: 'lab2', NOTIFY_TOPIC_ARN: Match.anyValue() }) } });
      t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', { DeliveryStreamName: 'lab2-records' });
      t.hasResourceProperties('AWS::IoT::Policy', { PolicyName: 'lab2-device' });
      t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'lab2-infer-failed' });
    } finally {
      s.cleanup();
    }
  });

  it('reads prefix, region, per-participant subscriptions, labels, features, threshold, the wait and the endpoint kind from CDK context, and refuses bad ones', () => {
    const ctx = (values: Record<string, string>) => ({ tryGetContext: (k: string) => values[k] });
    const s = readSettings(
      ctx({ prefix: 'home', region: 'eu-west-1', emails: 'Ana:a@example.com, *:b@example.org', phones: 'Zoë:+447700900123', labels: 'calm,stressed', features: 'recommended', threshold: '0.6', inferWaitSeconds: '120', endpoint: 'instance', instanceType: 'ml.t3.medium' }),
      {},
    );
    assert.deepEqual(s, {
      prefix: 'home',
      subscribers: [
        { participant: 'Ana', protocol: 'email', endpoint: 'a@example.com' },
        { participant: '*', protocol: 'email', endpoint: 'b@example.org' },
        { participant: 'Zoë', protocol: 'sms', endpoint: '+447700900123' },
      ],
      labels: ['calm', 'stressed'], features: 'recommended', threshold: 0.6, inferWaitSeconds: 120, endpoint: { kind: 'instance', instanceType: 'ml.t3.medium' },
      env: { region: 'eu-west-1', account: undefined },
    });
    assert.deepEqual(readSettings(ctx({}), {}).endpoint, { kind: 'serverless' });
    assert.equal(readSettings(ctx({}), {}).inferWaitSeconds, 90);
    assert.equal(readSettings(ctx({}), {}).features, 'published', 'the published gsr, bpm unless asked');
    assert.throws(() => readSettings(ctx({ features: 'hrv' }), {}), /features must be published or recommended, not "hrv"/);
    assert.equal(readSettings(ctx({}), {}).env, undefined, 'no region, no account: an environment-agnostic template');
    assert.equal(readSettings(ctx({}), { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-west-2' }).env?.account, '123456789012');
    assert.throws(() => readSettings(ctx({ emails: 'carer@example.com' }), {}), /emails: "carer@example.com" names no participant: write Ana:carer@example.com for Ana's answers, or \*:carer@example.com for everyone's/);
    assert.throws(() => readSettings(ctx({ emails: 'Ana:not-an-address' }), {}), /emails: "not-an-address" is not an e-mail address/);
    assert.throws(() => readSettings(ctx({ phones: 'Ana:07700 900123' }), {}), /E\.164/);
    assert.throws(() => readSettings(ctx({ emails: '../x:a@example.com' }), {}), /invalid participant name/);
    assert.throws(() => readSettings(ctx({ threshold: '2' }), {}), /threshold/);
    assert.throws(() => readSettings(ctx({ inferWaitSeconds: '900' }), {}), /inferWaitSeconds must be a whole number of seconds from 5 to 840/);
    assert.throws(() => readSettings(ctx({ endpoint: 'gpu' }), {}), /endpoint must be serverless or instance/);
    assert.throws(() => checkPrefix('Emotion_Lab'), /lower-case/);
    assert.equal(checkPrefix('emotion'), 'emotion');
  });
});

function actionsOf(statements: { Action?: string | string[] }[]): string[] {
  return statements.flatMap((s) => [s.Action ?? []].flat());
}

function validate(path: string) {
  const engine = new RegoEngine();
  try {
    return engine.validateStandard(new TemplateFile(path)).diagnostics;
  } finally {
    engine.free();
  }
}
