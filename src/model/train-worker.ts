// The worker thread behind trainInWorker: reads the participant's records and trains, posting progress,
// so the Node-RED thread (sensors, charts, other flows) never waits for the parse or the fit.
import { parentPort, workerData } from 'node:worker_threads';
import { RecordStore } from '../record/record-store';
import { trainModel } from './train';
import type { WorkerJob, WorkerReply } from './train-in-worker';

async function run(job: WorkerJob): Promise<WorkerReply> {
  const records = await new RecordStore(job.userDir).read(job.options.participant);
  post({ type: 'progress', stage: 'read', fraction: 0 });
  const model = trainModel(records, job.options, (stage, fraction) => post({ type: 'progress', stage, fraction }));
  return { type: 'done', model };
}

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

run(workerData as WorkerJob).then(post, (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
