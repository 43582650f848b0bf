// The worker thread behind trainInWorker: reads the participant's records and trains, posting progress,
// so the Node-RED thread (sensors, charts, other flows) never waits for the parse or the fit.
import { parentPort, workerData } from 'node:worker_threads';
import { RecordStore } from '../record/record-store';
import { trainModel } from './train';
import type { WorkerJob, WorkerReply } from './train-in-worker';

async function run(job: WorkerJob): Promise<WorkerReply> {
  const { records, skipped } = await new RecordStore(job.userDir).readStored(job.options.participant);
  post({ type: 'progress', stage: 'read', fraction: 0 });
  const model = trainModel(records, job.options, (stage, fraction) => post({ type: 'progress', stage, fraction }));
  // lines of the file that were no usable record (torn, edited, implausible) count as invalid rows too
  model.rows.total += skipped.length;
  model.rows.droppedInvalid += skipped.length;
  return { type: 'done', model, skipped };
}

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

run(workerData as WorkerJob).then(post, (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
