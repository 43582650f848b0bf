// The training workflow's first step: one participant's records, as Firehose stored them (Parquet under
// records/participant=<name>/), become the Linear Learner train and validation channels, written by the
// same code as record-store's export (linearLearnerChannels: the local trainer's cleaning and split), and
// are evaluated held out in time by the local trainer (the figures the workflow reports first).
import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { heldOutSummary, WORKFLOW_ERRORS, type HeldOutSummary, type TrainingExecutionInput } from '../../src/aws/training-workflow';
import { linearLearnerChannels } from '../../src/model/linear-learner-csv';
import { resolveOptions, trainModel } from '../../src/model/train';
import type { SensorRecord } from '../../src/record/record';
import { FEATURE_SETS, type FeatureSetName } from '../../src/signal/window-features';

/** The execution input as given, and the execution's name (the state machine passes $$.Execution.Name). */
export interface PrepareEvent {
  input: TrainingExecutionInput;
  executionName: string;
}

/** What the later states read: names for this run's SageMaker resources and where its data is. */
export interface PreparedRun {
  participant: string;
  /** the stack's name for the participant's endpoint (IAM allows only names with its prefix) */
  endpointName: string;
  trainingJobName: string;
  modelName: string;
  endpointConfigName: string;
  /** the Linear Learner image to train and serve with */
  trainingImage: string;
  trainS3Uri: string;
  validationS3Uri: string;
  validationKey: string;
  outputS3Uri: string;
  /** hyperparameters are strings */
  numClasses: string;
  featureDim: string;
  /** the model's features in the channels' column order, and the window they are computed over */
  features: string[];
  windowSeconds: number;
  miniBatchSize: string;
  rows: Record<string, unknown>;
  /** the local trainer's held-out evaluation of the same records: the figures a person will really get */
  heldOut: HeldOutSummary;
}

/** Linear Learner's default mini-batch; a smaller training set uses one batch of all its rows. */
const MINI_BATCH = 1000;

/**
 * Names for this run: the endpoint name (it starts with the stack prefix, which IAM scopes on) cut to
 * leave room for a hash of the execution name, so two runs never share a job, model or config name.
 */
export function runNames(endpointName: string, executionName: string): Pick<PreparedRun, 'trainingJobName' | 'modelName' | 'endpointConfigName'> {
  const hash = createHash('sha256').update(executionName).digest('hex').slice(0, 8);
  const name = `${endpointName.slice(0, 54).replace(/-+$/, '')}-${hash}`;
  return { trainingJobName: name, modelName: name, endpointConfigName: name };
}

/** Where a participant's records are (the Glue table's partition path). */
export function participantPrefix(recordsPrefix: string, participant: string): string {
  return `${recordsPrefix}participant=${participant}/`;
}

/**
 * A Firehose Parquet file back into records. The participant is the partition (the path), not a column;
 * Parquet's int64 timestamp comes as a BigInt. Values are passed on as stored: cleaning judges them.
 */
export async function readParquetRecords(file: ArrayBuffer, participant: string): Promise<SensorRecord[]> {
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map((row) => ({
    ...row,
    participant,
    timestamp: typeof row.timestamp === 'bigint' ? Number(row.timestamp) : row.timestamp,
  })) as SensorRecord[];
}

/** A failure the user fixes by recording more data: the workflow's TrainingDataError. */
export class TrainingDataError extends Error {
  override name = WORKFLOW_ERRORS.trainingData;
}

/**
 * The channels' files and the run's description. Too few rows is a TrainingDataError carrying the
 * local trainer's own sentence (which mood, how many, what to record).
 */
export function prepareRun(
  records: readonly SensorRecord[],
  event: PrepareEvent,
  where: { bucket: string; trainingPrefix: string; endpointPrefix: string; trainingImage: string; unreadableFiles: number; recordsFrom: string; featureSet: FeatureSetName },
): { files: { key: string; body: string }[]; run: PreparedRun } {
  const { participant, labels, warmupSeconds, testFraction, seed } = event.input;
  const { features, windowSeconds } = checkFeatureSet(event.input, where.featureSet);
  const options = { participant, labels, warmupSeconds, testFraction, seed, features, windowSeconds };
  const { labels: checked } = resolveOptions(options); // a bad option is the caller's mistake, not missing data
  if (checked.length < 3) throw new Error(`Linear Learner's multiclass_classifier needs at least 3 labels, got ${checked.join(', ')}`);
  const endpointName = checkEndpointName(event.input, where.endpointPrefix);
  let channels;
  try {
    channels = linearLearnerChannels(records, options);
  } catch (e) {
    const hint = records.length === 0 ? ` (none under ${where.recordsFrom}; Firehose delivers within its buffer time)` : '';
    throw new TrainingDataError(`${(e as Error).message}${hint}`);
  }
  const names = runNames(endpointName, event.executionName);
  const base = `${where.trainingPrefix}${endpointName}/${names.trainingJobName}/`;
  const uri = (key: string) => `s3://${where.bucket}/${key}`;
  const trainKey = `${base}train/train.csv`;
  const validationKey = `${base}validation/validation.csv`;
  return {
    files: [
      { key: trainKey, body: channels.train },
      { key: validationKey, body: channels.validation },
    ],
    run: {
      participant,
      endpointName,
      ...names,
      trainingImage: where.trainingImage,
      trainS3Uri: uri(`${base}train/`),
      validationS3Uri: uri(`${base}validation/`),
      validationKey,
      outputS3Uri: uri(`${base}output/`),
      numClasses: String(channels.labels.length),
      featureDim: String(channels.features.length),
      features: channels.features,
      windowSeconds,
      miniBatchSize: String(Math.min(MINI_BATCH, channels.rows.train)),
      rows: { ...channels.rows, records: records.length, unreadableFiles: where.unreadableFiles, simulated: channels.simulated },
      // Linear Learner trains once, on the random split's rows; how the model does on sessions it did not
      // learn from is measured here, by the local trainer (the same model family) on the same records
      heldOut: heldOutSummary(trainModel([...records], options).metrics),
    },
  };
}

/**
 * The stack answers every detection with one feature list (its `features` setting: the inference Lambda
 * computes those features from the device's window), so every model it trains uses that list. A request
 * for another (emotion-train set to other features) is refused with what to change, not trained into an
 * endpoint whose answers would all fail.
 */
function checkFeatureSet(input: TrainingExecutionInput, setName: FeatureSetName): { features: string[]; windowSeconds: number } {
  const set = FEATURE_SETS[setName];
  const asked = { features: input.features ?? set.features, windowSeconds: input.windowSeconds ?? set.windowSeconds };
  if (asked.features.join(',') !== set.features.join(',') || asked.windowSeconds !== set.windowSeconds) {
    const which = (s: { features: readonly string[]; windowSeconds: number }) => `${s.features.join(', ')} over ${s.windowSeconds} s`;
    throw Object.assign(new Error(`this stack trains and answers the "${setName}" features (${which(set)}), not ${which(asked)}: set emotion-train's Features to "${setName}", or deploy the stack with -c features=<set>`), {
      name: WORKFLOW_ERRORS.featureSet,
    });
  }
  return { features: [...set.features], windowSeconds: set.windowSeconds };
}

/**
 * The endpoint is always the stack's name for the participant: an input naming another (emotion-train
 * set to a different prefix) would train a model nobody finds, so it is refused with what to change.
 */
function checkEndpointName(input: TrainingExecutionInput, prefix: string): string {
  const name = participantEndpointName(prefix, input.participant);
  if (input.endpointName !== undefined && input.endpointName !== name) {
    throw Object.assign(new Error(`the endpoint "${input.endpointName}" is not this stack's name for "${input.participant}" (${name}): set emotion-train's and emotion-infer's Prefix to "${prefix}"`), {
      name: 'EndpointNameMismatch',
    });
  }
  return name;
}
