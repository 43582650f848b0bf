import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SkippedLine } from '../record/record-store';
import type { ModelFile } from './model-file';
import type { Progress, TrainOptions } from './train';

export interface WorkerJob {
  userDir: string;
  options: Partial<TrainOptions> & { participant: string };
}

export type WorkerReply =
  | { type: 'progress'; stage: string; fraction: number }
  | { type: 'done'; model: ModelFile; skipped: SkippedLine[] }
  | { type: 'error'; message: string };

/** The trained model, and the stored lines that were not usable records (counted in rows.droppedInvalid). */
export interface Trained {
  model: ModelFile;
  skipped: SkippedLine[];
}

/**
 * Reads a participant's records from the local store and trains their model in a worker thread
 * (train-worker.ts): parsing 11,000 records takes ~0.1 s and the fit up to a second here, several on a
 * Pi 3, and the Node-RED thread must keep serving sensors, charts and other flows meanwhile.
 */
export function trainInWorker(userDir: string, options: WorkerJob['options'], onProgress: Progress = () => undefined): Promise<Trained> {
  const file = join(__dirname, `train-worker${extname(__filename)}`); // .js once built
  const workerData: WorkerJob = { userDir, options };
  // The tests run the sources (.ts) through tsx, whose loader a worker thread does not inherit.
  const worker =
    extname(file) === '.ts'
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData })
      : new Worker(file, { workerData });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') onProgress(reply.stage, reply.fraction);
      else if (reply.type === 'done') settle(() => resolve({ model: reply.model, skipped: reply.skipped }));
      else settle(() => reject(new Error(reply.message)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the training worker stopped (exit code ${code})`))));
  });
}
