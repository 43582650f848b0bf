// The SNS topic answers go to by e-mail and SMS, encrypted with the stack's key; subscriptions come
// from the deploy parameters. An e-mail subscription stays pending until its owner confirms it.
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotifyProps {
  prefix: string;
  key: kms.IKey;
  emails: readonly string[];
  phones: readonly string[];
}

export class Notify extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.prefix}-emotion`,
      displayName: 'Emotion detector',
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const email of props.emails) this.topic.addSubscription(new subs.EmailSubscription(email));
    for (const phone of props.phones) this.topic.addSubscription(new subs.SmsSubscription(phone));
  }
}
