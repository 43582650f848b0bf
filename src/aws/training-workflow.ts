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
  /** the model's features (FEATURE_NAMES) and window; absent: the stack's (the published gsr, bpm over 10 s) */
  features?: string[];
  windowSeconds?: number;
}

/**
 * The state names of the workflow. One run goes Prepare -> Train -> Create model -> Create endpoint
 * config -> Find endpoint, then by the endpoint's state (DescribeEndpoint's EndpointStatus):
 * none yet: create it; InService: note the config and model it serves, update it; Failed or
 * OutOfService (DeleteEndpoint is the only operation a failed endpoint takes): note them, delete it, wait
 * until it is gone, create it anew; busy (Creating, Updating, SystemUpdating, RollingBack, Deleting): wait
 * and look again. Then wait until it is no longer busy: serving the new config means deployed (evaluate,
 * then remove the config and model it replaced); InService with the old config means the update failed
 * (SageMaker keeps the old model serving and gives a FailureReason): remove the unused new config and
 * model and fail with EndpointUpdateFailed.
 */
export const WORKFLOW_STATES = {
  prepare: 'Prepare channels',
  train: 'Train Linear Learner',
  model: 'Create model',
  endpointConfig: 'Create endpoint config',
  findEndpoint: 'Find endpoint',
  endpointState: 'Endpoint state?',
  waitBusy: 'Wait while endpoint busy',
  readServing: 'Read serving config',
  updateEndpoint: 'Update endpoint',
  readFailed: 'Read failed config',
  deleteFailed: 'Delete failed endpoint',
  waitDeleted: 'Wait for deletion',
  checkDeleted: 'Check deleted',
  createEndpoint: 'Create endpoint',
  waitEndpoint: 'Wait for endpoint',
  checkEndpoint: 'Check endpoint',
  deployed: 'Deployed?',
  evaluate: 'Evaluate on validation rows',
  anythingReplaced: 'Anything replaced?',
  removeReplacedConfig: 'Remove replaced config',
  removeReplacedModel: 'Remove replaced model',
  ready: 'Ready',
  removeUnusedConfig: 'Remove unused config',
  removeUnusedModel: 'Remove unused model',
  updateFailed: 'Update failed',
  endpointFailed: 'Endpoint failed',
  endpointUnusable: 'Endpoint unusable',
} as const;

export type CloudStage = 'queued' | 'preparing' | 'training' | 'deploying' | 'ready';

/** The stage a state belongs to; undefined for a state that does not change it (a Choice, a Fail). */
export function stageOfState(name: string): CloudStage | undefined {
  const s = WORKFLOW_STATES;
  if (name === s.prepare) return 'preparing';
  if (name === s.train) return 'training';
  if (name === s.ready) return 'ready';
  const notStages: string[] = [s.endpointState, s.deployed, s.anythingReplaced, s.updateFailed, s.endpointFailed, s.endpointUnusable];
  if (notStages.includes(name)) return undefined;
  return (Object.values(s) as string[]).includes(name) ? 'deploying' : undefined;
}

/** Error names the workflow's own steps fail with (a Lambda's error type, or a Fail state's error). */
export const WORKFLOW_ERRORS = {
  /** no rows, or too few of a mood after cleaning: the message says which and what to record */
  trainingData: 'TrainingDataError',
  /** the run asked for other features than the stack trains and answers with: the message says what to change */
  featureSet: 'FeatureSetMismatch',
  /** the endpoint ended Failed instead of InService (a new one: the next run deletes and recreates it) */
  endpointFailed: 'EndpointFailed',
  /** the update to the new model failed; the endpoint still serves the previous model (cause: FailureReason) */
  updateFailed: 'EndpointUpdateFailed',
  /** in a state no operation of the workflow can fix (e.g. UpdateRollbackFailed): needs a person */
  endpointUnusable: 'EndpointUnusable',
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
  /** the features the endpoint learned, in its order, and their window; absent from stacks before them (gsr, bpm; 10 s) */
  features?: string[];
  windowSeconds?: number;
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
