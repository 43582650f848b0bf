// Where a failing IoT rule action is reported: one encrypted log group, written by the rules' error
// action, so a record Firehose refused or a Lambda that could not be invoked is visible.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface RuleErrorsProps {
  key: kms.IKey;
}

export class RuleErrors extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RuleErrorsProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Log', {
      encryptionKey: props.key,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('iot.amazonaws.com') });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
  }

  /** The rule's error action. */
  get action(): iot.CfnTopicRule.ActionProperty {
    return { cloudwatchLogs: { logGroupName: this.logGroup.logGroupName, roleArn: this.role.roleArn } };
  }
}
