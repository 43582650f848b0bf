// Prepares the user dir of the embedded default (`npm start`, and the end-to-end tests that start the
// same setup): the shipped flows as the flow file, and on first start a seeded demo participant with a
// trained model, so the Detect page answers at once.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelPath } from '../src/record/paths';
import { combineFlows, type FlowNode } from './combine-flows';
import { seedDemoParticipant, DEMO_PARTICIPANT, type SeedSummary } from './seed';

/** The flow files `npm start` runs, in the order their tabs appear. */
export const DEMO_FLOW_FILES = ['inference.json', 'training.json', 'watch.json'];

export interface PreparedUserDir {
  flowFile: string;
  /** true when this call wrote the flow file (first start) */
  wroteFlows: boolean;
  /** the seeding done by this call; undefined when the demo model already existed */
  seeded?: SeedSummary;
}

export interface PrepareOptions {
  /** where the shipped flows are (the repository's flows/) */
  flowsDir: string;
  /** changes the flows before they are written (the tests shorten the detection window) */
  adjustFlows?: (flows: FlowNode[]) => FlowNode[];
  /** the settings' credentialSecret: an encrypted empty credentials file is written with it when there is none */
  credentialSecret?: string;
}

export async function prepareDemoUserDir(userDir: string, opts: PrepareOptions): Promise<PreparedUserDir> {
  mkdirSync(userDir, { recursive: true, mode: 0o700 });
  const flowFile = join(userDir, 'flows.json');
  // An existing flow file holds the user's own edits from the editor: never overwrite it.
  const wroteFlows = !existsSync(flowFile);
  if (wroteFlows) {
    const files = DEMO_FLOW_FILES.map((f) => JSON.parse(readFileSync(join(opts.flowsDir, f), 'utf8')) as FlowNode[]);
    const flows = combineFlows(files);
    writeFileSync(flowFile, `${JSON.stringify(opts.adjustFlows ? opts.adjustFlows(flows) : flows, null, 2)}\n`);
  }
  const credentials = join(userDir, 'flows_cred.json');
  if (opts.credentialSecret && !existsSync(credentials)) writeFileSync(credentials, `${JSON.stringify(encryptedCredentials({}, opts.credentialSecret))}\n`, { mode: 0o600 });
  const seeded = existsSync(modelPath(userDir, DEMO_PARTICIPANT)) ? undefined : await seedDemoParticipant(userDir);
  return { flowFile, wroteFlows, seeded };
}

/**
 * Credentials as Node-RED stores them with a credentialSecret (aes-256-ctr, key = sha256 of the secret,
 * the IV in hex before the base64 text). The shipped flows hold no credentials, so Node-RED never writes
 * the file and would warn "Encrypted credentials not found" at every start.
 */
export function encryptedCredentials(credentials: object, secret: string): { $: string } {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(secret).digest(), iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}
