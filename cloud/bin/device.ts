// npm run cloud:device -- <name> --participants ana,ben [--out <dir>] [--device-dir <dir>] [--outputs <file>] [--stack <name>]
// npm run cloud:device -- <name> --set-participants ana,ben,cleo
// Provisions one Raspberry Pi (cloud/lib/provision-device.ts) with the credentials of whoever runs it, in
// the region and with the device policy of the deployed stack (its outputs in cloud/deployed.json).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IoTClient } from '@aws-sdk/client-iot';
import { parseParticipantNames } from '../lib/participant-list';
import { provisionDevice, setParticipants } from '../lib/provision-device';
import { readStackOutputs } from '../lib/stack-outputs';

const USAGE = 'usage: npm run cloud:device -- <thing name> --participants <names> [--out <dir>] [--device-dir <dir>] [--outputs <file>] [--stack <name>]\n' +
  '       npm run cloud:device -- <thing name> --set-participants <names>';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'participants': { type: 'string' },
      'set-participants': { type: 'string' },
      'out': { type: 'string' },
      'device-dir': { type: 'string' },
      'outputs': { type: 'string' },
      'stack': { type: 'string' },
    },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1 || (values.participants === undefined) === (values['set-participants'] === undefined)) throw new Error(USAGE);
  const stack = readStackOutputs(values.outputs, values.stack);
  const client = new IoTClient({ region: stack.region });
  if (values['set-participants'] !== undefined) {
    const names = parseParticipantNames(values['set-participants']);
    await setParticipants(client, name, names);
    console.log(`thing ${name} (stack ${stack.stackName}, ${stack.region}) may now record and detect for: ${names.join(', ')} (in effect within a minute)`);
    return;
  }
  const participants = parseParticipantNames(values.participants);
  const result = await provisionDevice(client, {
    thingName: name,
    policyName: stack.devicePolicyName,
    participants,
    outDir: values.out ?? join(__dirname, '..', 'devices', name),
    deviceDir: values['device-dir'],
  });
  console.log(`thing ${result.thingName} (stack ${stack.stackName}, ${stack.region}) for ${participants.join(', ')}: certificate ${result.certificateArn}
  endpoint    ${result.endpoint}
  certificate ${result.certPath} (0600)
  key         ${result.keyPath} (0600)
  broker      ${result.brokerPath}: copy the three files to the Pi, then Menu > Import this file in Node-RED
  detection   the stack's models answer ${stack.featureSet} features over ${stack.windowSeconds} s: set the aws-iot tab's DETECT_WINDOW_S to ${stack.windowSeconds}, emotion-train's Features to ${stack.featureSet}`);
}

main().catch((e: Error) => {
  console.error(`cloud:device: ${e.message}`);
  process.exit(1);
});
