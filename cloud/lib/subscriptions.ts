// `npm run cloud:notify`: who is told of whose answers, after deploy. Each subscription to the answers
// topic gets a filter policy on the `participant` message attribute (cloud/lib/notify.ts), so a carer
// subscribed for Ana receives Ana's answers and nobody else's; "*" subscribes to everyone's, on purpose.
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { participantFilter, SUBSCRIBER_ADDRESS, type Subscriber } from './notify';
import { PARTICIPANT_ATTRIBUTE } from '../../src/aws/sns-message';
import { participantName } from '../../src/record/participant';

export async function subscribe(client: SNSClient, topicArn: string, s: Subscriber): Promise<string> {
  if (!SUBSCRIBER_ADDRESS[s.protocol].pattern.test(s.endpoint)) throw new Error(`"${s.endpoint}" is not ${SUBSCRIBER_ADDRESS[s.protocol].is}`);
  const participant = s.participant === '*' ? '*' : participantName(s.participant);
  const filter = participantFilter(participant);
  const out = await client.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      ReturnSubscriptionArn: true,
      ...(filter ? { Attributes: { FilterPolicy: JSON.stringify(filter), FilterPolicyScope: 'MessageAttributes' } } : {}),
    }),
  );
  return out.SubscriptionArn ?? '';
}

export interface Listed {
  arn: string;
  protocol: string;
  endpoint: string;
  /** the participant keys it receives, or "everyone" */
  receives: string;
}

export async function listSubscriptions(client: SNSClient, topicArn: string): Promise<Listed[]> {
  const listed: Listed[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
    for (const sub of page.Subscriptions ?? []) {
      const arn = sub.SubscriptionArn ?? '';
      let receives = 'not confirmed yet';
      if (arn.startsWith('arn:')) {
        const attributes = (await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
        const policy = attributes.FilterPolicy ? (JSON.parse(attributes.FilterPolicy) as Record<string, string[]>) : undefined;
        const participants = policy?.[PARTICIPANT_ATTRIBUTE];
        receives = participants ? participants.join(', ') : policy ? 'a filter of its own' : 'everyone';
      }
      listed.push({ arn, protocol: sub.Protocol ?? '', endpoint: sub.Endpoint ?? '', receives });
    }
    token = page.NextToken;
  } while (token);
  return listed;
}

export async function unsubscribe(client: SNSClient, subscriptionArn: string): Promise<void> {
  await client.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
}
