// Runs the CDK CLI with everything that would reach the network switched off (notices, version
// check, telemetry, version reporting): synth must work with no account and no connection.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
const [command, ...rest] = process.argv.slice(2);
const quiet = ['--no-notices', '--no-version-reporting'];
// A deploy leaves the stack's outputs (region, prefix, names) where cloud:device, cloud:notify and
// cloud:check read them (cloud/lib/stack-outputs.ts).
if (command === 'deploy' && !rest.some((a) => a.startsWith('--outputs-file'))) rest.push('--outputs-file', 'deployed.json');
const result = spawnSync(process.execPath, [cli, command, ...quiet, ...rest], {
  cwd: here,
  stdio: 'inherit',
  env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
process.exit(result.status ?? 1);
