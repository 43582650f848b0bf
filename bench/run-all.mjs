// `npm run bench`: every bench/*.ts in turn (they share 2 cores, so never in parallel); figures go
// to stdout, and the measured ones are kept in bench/README.md.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(here).filter((f) => f.endsWith('.ts')).sort()) {
  if (only.length && !only.some((name) => file.startsWith(name))) continue;
  console.log(`\n=== ${file}`);
  execFileSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
}
