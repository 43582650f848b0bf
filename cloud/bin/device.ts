// npm run cloud:device -- <name> [--policy <name>] [--out <dir>] [--device-dir <dir>] [--region <r>]
// Provisions one Raspberry Pi (cloud/lib/provision-device.ts) with the credentials of whoever runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IoTClient } from '@aws-sdk/client-iot';
import { provisionDevice } from '../lib/provision-device';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      out: { type: 'string' },
      'device-dir': { type: 'string' },
      region: { type: 'string' },
    },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('usage: npm run cloud:device -- <thing name> [--policy <name>] [--out <dir>] [--device-dir <dir>] [--region <region>]');
  const prefix = (JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: { prefix: string } }).context.prefix;
  const client = new IoTClient(values.region ? { region: values.region } : {});
  const result = await provisionDevice(client, {
    thingName: name,
    policyName: values.policy ?? `${prefix}-device`,
    outDir: values.out ?? join(__dirname, '..', 'devices', name),
    deviceDir: values['device-dir'],
  });
  console.log(`thing ${result.thingName}: certificate ${result.certificateArn}
  endpoint    ${result.endpoint}
  certificate ${result.certPath} (0600)
  key         ${result.keyPath} (0600)
  broker      ${result.brokerPath}: copy the three files to the Pi, then Menu > Import this file in Node-RED`);
}

main().catch((e: Error) => {
  console.error(`cloud:device: ${e.message}`);
  process.exit(1);
});
