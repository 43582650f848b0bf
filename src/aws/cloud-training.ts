// Starts the cloud training workflow for one participant and follows it to its end: StartExecution,
// then DescribeExecution (is it done?) and GetExecutionHistory (which states has it entered?) every poll.
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ModelMetrics } from '../model/model-file';
import { PUBLISHED_FEATURES, PUBLISHED_WINDOW_SECONDS } from '../signal/window-features';
import { parseEndpointPrefix } from './endpoint-prefix';
import { isTimeout, networkCode, restate, type SdkErrorLike } from './sdk-error';
import {
  metricsFromOutput,
  stageOfState,
  WORKFLOW_ERRORS,
  type CloudStage,
  type TrainingExecutionInput,
  type TrainingExecutionOutput,
} from './training-workflow';

export interface CloudProgress {
  stage: CloudStage;
  /** the workflow state it is in, when known */
  state?: string;
  elapsedMs: number;
  executionArn: string;
}

export interface CloudTrainingResult {
  metrics: ModelMetrics & { source: string; jobMetrics: Record<string, number> };
  endpointName: string;
  trainingJobName: string;
  executionArn: string;
  rows?: Record<string, unknown>;
  /** the features the endpoint learned, in its order, and their window */
  features: string[];
  windowSeconds: number;
  elapsedMs: number;
}

export interface CloudTrainingOptions {
  stateMachineArn: string;
  pollMs: number;
  onProgress: (progress: CloudProgress) => void;
  /** stops following (not the workflow: it runs on in the account) */
  signal?: AbortSignal;
  now?: () => number;
}

/** Step Functions execution names: 1-80 letters, digits, dashes and underscores. */
export function executionName(endpointName: string, startedAt: number): string {
  return `${endpointName}-${startedAt.toString(36)}`.slice(0, 80);
}

export async function runCloudTraining(client: SFNClient, input: TrainingExecutionInput, opts: CloudTrainingOptions): Promise<CloudTrainingResult> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  let executionArn: string;
  try {
    // A name chosen here makes a retried start (lost answer) the same execution, not a second job.
    const out = await client.send(
      new StartExecutionCommand({ stateMachineArn: opts.stateMachineArn, name: executionName(input.endpointName, startedAt), input: JSON.stringify(input) }),
    );
    executionArn = out.executionArn!;
  } catch (e) {
    throw describeSfnError(e, opts.stateMachineArn);
  }
  let stage: CloudStage = 'queued';
  let state: string | undefined;
  let lastEventId = 0;
  const report = () => opts.onProgress({ stage, state, elapsedMs: now() - startedAt, executionArn });
  report();
  for (;;) {
    await sleep(opts.pollMs, opts.signal);
    let execution: DescribeExecutionCommandOutput;
    try {
      execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status === 'RUNNING') {
        // every state entered since the last poll, so a stage shorter than a poll still shows
        for (const entered of await statesEnteredSince(client, executionArn, lastEventId)) {
          lastEventId = entered.id;
          state = entered.name;
          const next: CloudStage = stageOfState(entered.name) ?? stage;
          if (next !== stage) {
            stage = next;
            report();
          }
        }
      }
    } catch (e) {
      throw describeSfnError(e, executionArn);
    }
    if (execution.status === 'SUCCEEDED') {
      const output = parseOutput(execution.output);
      stage = 'ready';
      state = undefined;
      report();
      return {
        metrics: metricsFromOutput(output, input.labels),
        endpointName: output.endpointName,
        trainingJobName: output.trainingJobName,
        executionArn,
        rows: output.rows,
        ...learnedFeatures(output, input),
        elapsedMs: now() - startedAt,
      };
    }
    if (execution.status !== 'RUNNING') throw describeFailure(execution, input.participant);
    report();
  }
}

/** The states entered after event `afterId`, oldest first, from the newest history events. */
async function statesEnteredSince(client: SFNClient, executionArn: string, afterId: number): Promise<{ id: number; name: string }[]> {
  const history = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 25, includeExecutionData: false }));
  return (history.events ?? [])
    .filter((e) => e.id !== undefined && e.id > afterId && e.stateEnteredEventDetails?.name !== undefined)
    .map((e) => ({ id: e.id!, name: e.stateEnteredEventDetails!.name! }))
    .reverse();
}

function parseOutput(text: string | undefined): TrainingExecutionOutput {
  try {
    const output = JSON.parse(text ?? '') as TrainingExecutionOutput;
    if (typeof output?.endpointName === 'string' && typeof output.trainingJobName === 'string') return output;
  } catch {
    // reported below
  }
  throw new Error('the training workflow succeeded but its output has no endpointName / trainingJobName: is the stack up to date?');
}

/**
 * What the endpoint learned. A stack deployed before feature sets trains the published means whatever
 * the input asks, so a run that asked for others says so rather than name features the endpoint lacks.
 */
function learnedFeatures(output: TrainingExecutionOutput, input: TrainingExecutionInput): { features: string[]; windowSeconds: number } {
  if (output.features && output.windowSeconds) return { features: output.features, windowSeconds: output.windowSeconds };
  const published = { features: [...PUBLISHED_FEATURES], windowSeconds: PUBLISHED_WINDOW_SECONDS };
  if ((input.features ?? published.features).join(',') !== published.features.join(',')) {
    throw new Error(`cloud training of "${input.participant}": the stack was deployed before feature sets and trained mean GSR and BPM, not ${input.features!.join(', ')}: deploy the current cloud/ (npm run cloud:deploy), or set Features to published`);
  }
  return published;
}

/** A failed, timed-out or aborted execution as one sentence a user can act on. */
export function describeFailure(execution: Pick<DescribeExecutionCommandOutput, 'status' | 'error' | 'cause' | 'executionArn'>, participant: string): Error {
  const error = execution.error ?? '';
  const cause = readCause(execution.cause);
  const who = `cloud training of "${participant}"`;
  let text: string;
  if (execution.status === 'ABORTED') text = `${who} was stopped in Step Functions (aborted)`;
  else if (execution.status === 'TIMED_OUT' || error === 'States.Timeout') text = `${who} timed out: the workflow's time limit passed (see docs/cloud.md)`;
  else if (error === WORKFLOW_ERRORS.trainingData || error === WORKFLOW_ERRORS.featureSet) text = `${who}: ${cause}`;
  else if (/ResourceLimitExceeded|ServiceQuotaExceeded|LimitExceeded/.test(error) || /ResourceLimitExceeded/.test(cause)) {
    text = `${who}: an AWS quota was reached (${error}): ${cause.slice(0, 200)}. Request a higher SageMaker quota or wait for running jobs`;
  } else if (error === WORKFLOW_ERRORS.endpointFailed) text = `${who}: the endpoint failed to deploy: ${cause.slice(0, 200)}. The next training deletes it and creates it anew`;
  else if (error === WORKFLOW_ERRORS.updateFailed) {
    text = `${who}: the new model could not be deployed (${cause.slice(0, 200)}); the previous model keeps answering`;
  } else if (error === WORKFLOW_ERRORS.endpointUnusable) text = `${who}: the endpoint is in a state the workflow cannot fix: ${cause.slice(0, 200)}. Delete it in the SageMaker console, then train again`;
  else if (/FailureReason/.test(execution.cause ?? '')) text = `${who}: the SageMaker training job failed: ${cause.slice(0, 300)}`;
  else text = `${who} failed (${error || execution.status}): ${cause.slice(0, 300)}`;
  return Object.assign(new Error(text), { code: error || String(execution.status) });
}

/**
 * A cause is free text, or JSON: a Lambda's `{errorMessage}` or a training job's description with its
 * `FailureReason`; the useful sentence is pulled out of either.
 */
function readCause(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; FailureReason?: unknown; Cause?: unknown };
    for (const field of [parsed.FailureReason, parsed.errorMessage, parsed.Cause]) if (typeof field === 'string' && field) return field;
  } catch {
    // plain text
  }
  return cause;
}

/** SDK failures calling Step Functions itself (the workflow never started, or could not be followed). */
export function describeSfnError(e: unknown, what: string): Error {
  const err = e as SdkErrorLike;
  const detail = String(err.message ?? e).slice(0, 200);
  const name = err.name ?? '';
  let text: string;
  if (networkCode(err)) text = `Step Functions unreachable (${err.code}): check the network and the region/endpoint in aws-config`;
  else if (isTimeout(err)) text = 'Step Functions did not answer in time';
  else if (name === 'StateMachineDoesNotExist' || name === 'InvalidArn') {
    text = `no training workflow "${what}" (${name}): deploy the cloud stack and copy its TrainingWorkflowArn output into emotion-train`;
  } else if (name === 'ExecutionLimitExceeded') text = `too many training workflows are running (${name}): wait for one to finish`;
  else if (/Throttl/.test(name)) text = `Step Functions is throttling (${name}): try again in a moment`;
  else if (name === 'AccessDeniedException') text = `not allowed to start or follow the training workflow (${name}): ${detail}`;
  else text = `Step Functions failed (${name || 'error'}): ${detail}`;
  return restate(e, text);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('stopped following the training workflow'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new Error('stopped following the training workflow'));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/** emotion-train's cloud settings, as the editor stores them (strings). */
export interface CloudTrainingDef {
  backend?: string;
  stateMachineArn?: string;
  endpointPrefix?: string;
  pollSeconds?: string;
}

export interface CloudTrainingSettings {
  stateMachineArn: string;
  endpointPrefix: string;
  pollMs: number;
}

/** null for the local backend. */
export function readCloudTrainingSettings(def: CloudTrainingDef): CloudTrainingSettings | null {
  if (def.backend !== 'cloud') return null;
  const stateMachineArn = String(def.stateMachineArn ?? '').trim();
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
    throw new Error('training workflow: give the state machine ARN (the cloud stack output TrainingWorkflowArn)');
  }
  const poll = String(def.pollSeconds ?? '').trim() === '' ? 15 : Number(def.pollSeconds);
  if (!(poll >= 0.1 && poll <= 300)) throw new Error('poll interval must be 0.1-300 s');
  return { stateMachineArn, endpointPrefix: parseEndpointPrefix(def.endpointPrefix), pollMs: Math.round(poll * 1000) };
}

/** "45 s", "3 min 05 s": what a person reads on the status and the Training page. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
