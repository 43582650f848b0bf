// npm run cloud:notify -- --participant <name> (--email <address> | --sms <+number>)
// npm run cloud:notify -- --list
// npm run cloud:notify -- --remove <subscription arn>
// Subscriptions to the deployed stack's answers topic, each filtered to one participant ("*": everyone's).
import { parseArgs } from 'node:util';
import { SNSClient } from '@aws-sdk/client-sns';
import { readStackOutputs } from '../lib/stack-outputs';
import { listSubscriptions, subscribe, unsubscribe } from '../lib/subscriptions';

const USAGE = 'usage: npm run cloud:notify -- --participant <name> (--email <address> | --sms <+number>) | --list | --remove <subscription arn>  [--outputs <file>] [--stack <name>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      participant: { type: 'string' },
      email: { type: 'string' },
      sms: { type: 'string' },
      list: { type: 'boolean' },
      remove: { type: 'string' },
      outputs: { type: 'string' },
      stack: { type: 'string' },
    },
  });
  const stack = readStackOutputs(values.outputs, values.stack);
  const client = new SNSClient({ region: stack.region });
  if (values.list) {
    for (const s of await listSubscriptions(client, stack.answersTopic)) console.log(`${s.protocol} ${s.endpoint}: ${s.receives}  (${s.arn})`);
    return;
  }
  if (values.remove) {
    await unsubscribe(client, values.remove);
    console.log(`removed ${values.remove}`);
    return;
  }
  if (!values.participant || (values.email === undefined) === (values.sms === undefined)) throw new Error(USAGE);
  const protocol = values.email !== undefined ? 'email' : 'sms';
  const endpoint = (values.email ?? values.sms)!;
  const arn = await subscribe(client, stack.answersTopic, { participant: values.participant, protocol, endpoint });
  const whose = values.participant === '*' ? 'everyone\'s answers' : `${values.participant}'s answers only`;
  console.log(`${endpoint} receives ${whose} (${arn})${protocol === 'email' ? ': it must confirm the e-mail AWS sends first' : ''}`);
}

main().catch((e: Error) => {
  console.error(`cloud:notify: ${e.message}`);
  process.exit(1);
});
