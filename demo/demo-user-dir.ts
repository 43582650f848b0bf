// Prepares the user dir of the embedded default (`npm start`, and the end-to-end tests that start the
// same setup): the shipped flows as the flow file, and on first start a seeded demo participant with a
// trained model, so the Detect page answers at once.
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
  const seeded = existsSync(modelPath(userDir, DEMO_PARTICIPANT)) ? undefined : await seedDemoParticipant(userDir);
  return { flowFile, wroteFlows, seeded };
}
