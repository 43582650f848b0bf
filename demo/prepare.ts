// `node --import tsx demo/prepare.ts <userDir> <flowsDir>`: start.mjs's first step, in a process of its own
// so that neither the TypeScript loader nor the seeding's heap stays beside Node-RED. Prints what it did
// (a PreparedUserDir) as JSON on stdout.
import { prepareDemoUserDir } from './demo-user-dir';

const [userDir, flowsDir] = process.argv.slice(2);
const { credentialSecret } = require('./settings.js') as { credentialSecret?: string };
void prepareDemoUserDir(userDir, { flowsDir, credentialSecret }).then((prepared) => process.stdout.write(JSON.stringify(prepared)));
