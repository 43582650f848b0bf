// The SNS topic answers go to by e-mail and SMS, encrypted with the stack's key. Every answer carries
// its participant (canonical key) as the message attribute `participant`, and every subscription has a
// filter policy on it, so a parent subscribed for one child receives that child's answers only (SNS
// message filtering; a subscription without a policy would receive everyone's). Subscriptions come from
// the deploy settings or, after deploy, from `npm run cloud:notify`. An e-mail subscription stays pending
// until its owner confirms it.
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PARTICIPANT_ATTRIBUTE } from '../../src/aws/sns-message';
import { participantKey } from '../../src/record/participant';

/** One subscriber: whose answers, how, where. `participant` "*" means every participant, said explicitly. */
export interface Subscriber {
  participant: string;
  protocol: 'email' | 'sms';
  endpoint: string;
}

/** What an address of each protocol looks like (SMS: E.164), and what to call it when it does not. */
export const SUBSCRIBER_ADDRESS: Record<Subscriber['protocol'], { pattern: RegExp; is: string }> = {
  email: { pattern: /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/, is: 'an e-mail address' },
  sms: { pattern: /^\+[1-9]\d{1,14}$/, is: 'an E.164 number such as +15555550100' },
};

/** The filter policy for one participant (or none for "*"), as SNS and `cloud:notify` write it. */
export function participantFilter(participant: string): Record<string, string[]> | undefined {
  return participant === '*' ? undefined : { [PARTICIPANT_ATTRIBUTE]: [participantKey(participant)] };
}

export interface NotifyProps {
  prefix: string;
  key: kms.IKey;
  subscribers: readonly Subscriber[];
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
    for (const s of props.subscribers) {
      const policy = participantFilter(s.participant);
      const filterPolicy = policy && { [PARTICIPANT_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: policy[PARTICIPANT_ATTRIBUTE] }) };
      this.topic.addSubscription(s.protocol === 'email' ? new subs.EmailSubscription(s.endpoint, { filterPolicy }) : new subs.SmsSubscription(s.endpoint, { filterPolicy }));
    }
  }
}
