// The policy every provisioned Pi's certificate gets: connect only as its own thing, publish only
// records and inference requests, receive only its own answers.
import { Stack } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { INFER_TOPIC, RESULT_TOPIC_PREFIX, TRAIN_TOPIC } from '../../src/contracts/iot-topics';

/** An IoT policy variable, kept literal: the broker fills it in per connection. */
const THING = '${iot:Connection.Thing.ThingName}';

export interface DevicePolicyProps {
  prefix: string;
}

export class DevicePolicy extends Construct {
  readonly policy: iot.CfnPolicy;
  readonly policyName: string;

  constructor(scope: Construct, id: string, props: DevicePolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (resource: string, name: string) => stack.formatArn({ service: 'iot', resource, resourceName: name });
    this.policyName = `${props.prefix}-device`;
    this.policy = new iot.CfnPolicy(this, 'Policy', {
      policyName: this.policyName,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iot:Connect',
            Resource: arn('client', THING),
            // Only a certificate attached to that thing (cloud:device does AttachThingPrincipal).
            Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
          },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: [arn('topic', TRAIN_TOPIC), arn('topic', INFER_TOPIC)] },
          { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn('topicfilter', `${RESULT_TOPIC_PREFIX}/${THING}`) },
          { Effect: 'Allow', Action: 'iot:Receive', Resource: arn('topic', `${RESULT_TOPIC_PREFIX}/${THING}`) },
        ],
      },
    });
  }
}
