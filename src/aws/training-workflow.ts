// The contract between the cloud training workflow (cloud/lib, Step Functions) and what starts and
// follows it (emotion-train's cloud backend): the execution input, the state names that mark its
// stages, the error names its steps fail with, and the output it ends with. One module, so the state
// machine and the node cannot drift apart.
import { metricsFromConfusion } from '../model/metrics';
import type { ModelMetrics } from '../model/model-file';

/** What StartExecution gets: whose model, where it is served, and the local trainer's data options. */
export interface TrainingExecutionInput {
  participant: string;
  /** participantEndpointName(prefix, participant) */
  endpointName: string;
  /** label per class index */
  labels: string[];
  warmupSeconds?: number;
  testFraction?: number;
  seed?: number;
}

/** The state names of the workflow, in the order they run (create or update the endpoint, not both). */
export const WORKFLOW_STATES = {
  prepare: 'Prepare channels',
  train: 'Train Linear Learner',
  model: 'Create model',
  endpointConfig: 'Create endpoint config',
  findEndpoint: 'Find endpoint',
  createEndpoint: 'Create endpoint',
  updateEndpoint: 'Update endpoint',
  waitEndpoint: 'Wait for endpoint',
  checkEndpoint: 'Check endpoint',
  evaluate: 'Evaluate on validation rows',
  ready: 'Ready',
} as const;

export type CloudStage = 'queued' | 'preparing' | 'training' | 'deploying' | 'ready';

/** The stage a state belongs to; undefined for a state that does not change it (a Choice, a Pass). */
export function stageOfState(name: string): CloudStage | undefined {
  const s = WORKFLOW_STATES;
  if (name === s.prepare) return 'preparing';
  if (name === s.train) return 'training';
  if (name === s.ready) return 'ready';
  const deploying: string[] = [s.model, s.endpointConfig, s.findEndpoint, s.createEndpoint, s.updateEndpoint, s.waitEndpoint, s.checkEndpoint, s.evaluate];
  return deploying.includes(name) ? 'deploying' : undefined;
}

/** Error names the workflow's own steps fail with (a Lambda's error type, or a Fail state's error). */
export const WORKFLOW_ERRORS = {
  /** no rows, or too few of a mood after cleaning: the message says which and what to record */
  trainingData: 'TrainingDataError',
  /** the endpoint ended Failed instead of InService */
  endpointFailed: 'EndpointFailed',
} as const;

/** What the workflow ends with (its last state's output). */
export interface TrainingExecutionOutput {
  participant: string;
  endpointName: string;
  trainingJobName: string;
  /** DescribeTrainingJob.FinalMetricDataList: e.g. validation:multiclass_accuracy */
  finalMetrics?: { MetricName?: string; Value?: number }[];
  /** the new endpoint's answers on the validation rows: confusion[actual][predicted] */
  evaluation?: { confusion: number[][] };
  rows?: Record<string, unknown>;
  /** the Prepare step's held-out evaluation of the same records (heldOutSummary); absent from older stacks */
  heldOut?: HeldOutSummary;
}

/** The held-out figures of a training, without what the workflow's state need not carry (curves, the random split). */
export type HeldOutSummary = Omit<ModelMetrics, 'roc' | 'randomSplit' | 'randomSplitAccuracy'>;

export function heldOutSummary(metrics: ModelMetrics): HeldOutSummary {
  const { roc: _roc, randomSplit: _split, randomSplitAccuracy: _accuracy, ...summary } = metrics;
  return summary;
}

/**
 * The metrics in the local trainer's shape. The headline figures are the held-out ones the Prepare step
 * measured with the local trainer on the same records (windows held out in time, the verdict); the
 * endpoint's own answers on the validation rows (the random split of seconds, as published) are kept as
 * `randomSplit`, per class exactly as the local ones. Without the endpoint's confusion matrix, accuracy
 * and the macro averages come from the job's final validation metrics. A stack from before the held-out
 * step gives the random split as the headline, as it did then.
 */
export function metricsFromOutput(
  output: TrainingExecutionOutput,
  labels: readonly string[],
): ModelMetrics & { source: 'endpoint-validation' | 'training-job'; jobMetrics: Record<string, number> } {
  const jobMetrics: Record<string, number> = {};
  for (const m of output.finalMetrics ?? []) {
    if (typeof m.MetricName === 'string' && typeof m.Value === 'number') jobMetrics[m.MetricName] = m.Value;
  }
  const confusion = output.evaluation?.confusion;
  let split: ModelMetrics & { accuracy: number };
  let source: 'endpoint-validation' | 'training-job';
  if (Array.isArray(confusion) && confusion.length === labels.length && confusion.every((r) => Array.isArray(r) && r.length === labels.length)) {
    [split, source] = [metricsFromConfusion(confusion, labels), 'endpoint-validation'];
  } else {
    const accuracy = jobMetrics['validation:multiclass_accuracy'];
    if (accuracy === undefined) throw new Error('the workflow reported no validation accuracy (validation:multiclass_accuracy)');
    [split, source] = [{ accuracy, labels: [...labels], confusion: [], perClass: [] }, 'training-job'];
  }
  if (!output.heldOut) return { ...split, source, jobMetrics };
  const testRows = split.confusion.flat().reduce((a, b) => a + b, 0);
  const randomSplit = { accuracy: split.accuracy, confusion: split.confusion, perClass: split.perClass, testRows };
  return { ...output.heldOut, randomSplitAccuracy: split.accuracy, randomSplit, source, jobMetrics };
}
