// The devices: the policy every provisioned Pi's certificate gets (connect only as its own thing,
// publish only records and inference requests, receive only its own answers), and the participant
// gate that keeps a device to the participants on its thing's list (cloud:device --participants): the
// train rule's SQL asks the gate for every record, the inference function asks for every request. A
// policy cannot check this: the participant is in the payload, not the topic.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INFER_TOPIC, RESULT_TOPIC_PREFIX, TRAIN_TOPIC } from '../../src/contracts/iot-topics';
import { EmotionFunction } from './function';
import { acknowledgeWildcardResources } from './nag';

/** An IoT policy variable, kept literal: the broker fills it in per connection. */
const THING = '${iot:Connection.Thing.ThingName}';

export interface DevicesProps {
  prefix: string;
  key: kms.IKey;
}

export class Devices extends Construct {
  readonly policy: iot.CfnPolicy;
  readonly policyName: string;
  /** called by the train rule's SQL (aws_lambda) with { thing, participant }; answers { allowed } */
  readonly gate: EmotionFunction;

  constructor(scope: Construct, id: string, props: DevicesProps) {
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

    this.gate = new EmotionFunction(this, 'Gate', {
      entry: 'participant-check-lambda.ts',
      key: props.key,
      timeout: Duration.seconds(10),
      memorySize: 256,
      environment: {},
      invocation: { kind: 'sync', caller: 'the train rule\'s SQL (aws_lambda)' },
    });
    const things = arn('thing', '*');
    this.gate.addToRolePolicy(new iam.PolicyStatement({ actions: ['iot:DescribeThing'], resources: [things] }));
    acknowledgeWildcardResources(this.gate.role, 'it reads the participant list of whichever thing published; things are made by cloud:device after deploy', [things]);
  }
}
