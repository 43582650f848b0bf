// emotion-train: trains a participant's model from the local record store (clean, split, standardise,
// SMOTE when imbalanced, softmax linear learner), saves it, and emits the test metrics. With the cloud
// backend it starts the account's training workflow instead and emits the metrics that reports.
import { existsSync } from 'node:fs';
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { AwsClientSource } from '../../src/aws/client-config';
import { readCloudTrainingSettings, type CloudTrainingDef, type CloudTrainingSettings } from '../../src/aws/cloud-training';
import { trainParticipantInCloud } from '../../src/aws/participant-cloud-training';
import { redactError } from '../../src/aws/sdk-error';
import { parseLabels } from '../../src/model/label-map';
import { modelCard } from '../../src/model/model-card';
import type { ModelMetrics } from '../../src/model/model-file';
import { loadModel, saveModel } from '../../src/model/model-store';
import { trainingFeatures } from '../../src/model/feature-choice';
import { type TrainOptions } from '../../src/model/train';
import { trainInWorker } from '../../src/model/train-in-worker';
import { modelPath } from '../../src/record/paths';
import { messageParticipant } from '../../src/record/message-participant';
import { RecordStore } from '../../src/record/record-store';
import { inCatalogue, translator, type Translate } from '../lib/i18n';
import { configNumber, dataDir, onInput, status, readSettingsOrFail, usePlausibleRanges, type Send, nodeError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface EmotionTrainDef extends NodeDef, CloudTrainingDef {
  aws: string;
  participant: string;
  labels: string;
  optionalLabels: string;
  warmupSeconds: string;
  testFraction: string;
  seed: string;
  l2: string;
  smote: 'auto' | 'off';
  maxIterations: string;
  /** a FEATURE_SETS name (flows saved before it: 'published') */
  featureSet: string;
  /** one of WINDOW_CHOICES, for a set of window features; blank: the set's own window */
  windowSeconds: string;
}

interface TrainMsg extends NodeMessageInFlow {
  participant?: unknown;
  model?: unknown;
  card?: unknown;
}

type Hyperparameters = Omit<Partial<TrainOptions>, 'participant'>;

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  const t = translator(RED);
  function EmotionTrain(this: Node, def: EmotionTrainDef) {
    RED.nodes.createNode(this, def);
    const dir = dataDir(RED, this);
    if (dir !== undefined) setup(this, def, dir, (id) => RED.nodes.getNode(id) as unknown as AwsClientSource | null, t);
  }
  registerNodeType(RED, 'emotion-train', EmotionTrain);
};

function setup(node: Node, def: EmotionTrainDef, dir: string, awsNode: (id: string) => AwsClientSource | null, t: Translate): void {
  const options = readSettingsOrFail(node, () => readOptions(def, t));
  if (!options) return;
  const cloud = readSettingsOrFail(node, () => readCloudTrainingSettings(def));
  if (cloud === undefined) return;
  const stopFollowing = new AbortController();
  const store = new RecordStore(dir);
  let training: string | undefined;
  let closed = false;
  status.idle(node, t(cloud ? 'emotion-train.status.readyCloud' : 'emotion-train.status.ready'));

  onInput(node, async (input, send) => {
    const msg = input as TrainMsg;
    const participant = participantOf(msg, def.participant, t);
    if (msg.topic === 'model') {
      showModel(msg, participant);
      send(msg);
      return;
    }
    if (training !== undefined) {
      throw nodeError(t, 'emotion-train.errors.busy', { participant: training });
    }
    training = participant;
    try {
      if (cloud) {
        await trainInCloud({ node, aws: awsNode(def.aws), settings: cloud, options, participant, msg, send, signal: stopFollowing.signal, t });
        return;
      }
      status.busy(node, t('emotion-train.status.reading'));
      let shown = -1;
      // read and fit in a worker thread: the flows keep running meanwhile
      const { model, skipped } = await trainInWorker(dir, { ...options, participant }, (_stage, fraction) => {
        const percent = Math.round(fraction * 100);
        if (percent !== shown) status.busy(node, t('emotion-train.status.training', { percent: (shown = percent) }));
      });
      if (skipped.length > 0) {
        node.warn(t('emotion-train.warnings.skipped', { participant, count: skipped.length, line: skipped[0].line, reason: skipped[0].reason }));
      }
      // A delete (record-store) that ran while this trained must not see the model come back afterwards.
      if (!store.holds(participant)) {
        throw nodeError(t, 'emotion-train.errors.deleted', { participant });
      }
      const path = saveModel(dir, model);
      if (closed) return;
      showResult(node, t, participant, model.metrics, false);
      msg.payload = model.metrics;
      msg.model = { path, participant: model.participant, trainedAt: model.trainedAt, simulated: model.simulated, rows: model.rows };
      msg.card = modelCard(model);
      send(msg);
    } finally {
      training = undefined;
    }
  });

  /** topic "model": the saved model's metrics and card, without training (null when there is none yet). */
  function showModel(msg: TrainMsg, participant: string): void {
    const model = existsSync(modelPath(dir, participant)) ? loadModel(dir, participant) : undefined;
    msg.payload = model ? model.metrics : null;
    msg.card = model ? modelCard(model) : null;
  }

  node.on('close', (_removed: boolean, done: () => void) => {
    closed = true;
    stopFollowing.abort(); // the workflow runs on in the account; only this node stops waiting for it
    status.clear(node);
    done();
  });
}

interface CloudRun {
  node: Node;
  aws: AwsClientSource | null;
  settings: CloudTrainingSettings;
  options: Hyperparameters;
  participant: string;
  msg: TrainMsg;
  send: Send;
  signal: AbortSignal;
  t: Translate;
}

/**
 * The cloud backend: runs the account's training workflow for the participant (docs/cloud.md), shows its
 * stage and elapsed time in the status and as progress msgs on output 2, and ends like a local training
 * with the metrics on output 1; msg.model names the participant's endpoint instead of a model file.
 */
async function trainInCloud({ node, aws, settings, options, participant, msg, send, signal, t }: CloudRun): Promise<void> {
  if (!aws) throw nodeError(t, 'emotion-train.errors.noAws');
  const client = aws.client('sfn', (config) => new SFNClient(config));
  let result;
  try {
    result = await trainParticipantInCloud(client, participant, options, {
      ...settings,
      signal,
      onProgress: (payload) => {
        status.busy(node, `${payload.stage} ${payload.elapsed}`);
        send([null, { topic: 'progress', participant, payload }]);
      },
    });
  } catch (e) {
    if (signal.aborted) return; // the node closed: the workflow runs on, nobody is waiting for this msg
    throw redactError(e, aws.redact); // AWS error texts can quote the access key id
  }
  showResult(node, t, participant, result.metrics, true);
  msg.payload = result.metrics;
  msg.model = result.model;
  send([msg, null]);
}

/** The status after a training: the held-out balanced accuracy and the verdict; green only when the moods are told apart. */
function showResult(node: Node, t: Translate, participant: string, m: ModelMetrics, cloud: boolean): void {
  const figure = m.balancedAccuracy ?? m.accuracy;
  const vars = {
    participant,
    accuracy: figure === null || figure === undefined ? '–' : (figure * 100).toFixed(1),
    verdict: m.verdict ? t(`emotion-train.verdict.${m.verdict}`) : '',
  };
  const text = t(m.verdict ? 'emotion-train.status.heldOut' : 'emotion-train.status.accuracy', vars) + (cloud ? t('emotion-train.label.cloudSuffix') : '');
  if (m.verdict === undefined || m.verdict === 'separable') status.ok(node, text);
  else status.warn(node, text);
}

/** Blank editor fields leave the trainer's defaults (see docs/training.md). */
function readOptions(def: EmotionTrainDef, t: Translate): Hyperparameters {
  const optional = (value: string, field: string, opts: { min?: number; max?: number }) =>
    value === '' || value === undefined ? undefined : configNumber(t, value, field, opts);
  const smote = def.smote || undefined;
  if (smote !== undefined && smote !== 'auto' && smote !== 'off') throw nodeError(t, 'emotion-train.errors.smote');
  return {
    ...inCatalogue(t, 'emotion-train', () => trainingFeatures(def.featureSet, def.windowSeconds)),
    labels: parseLabels(def.labels),
    optionalLabels: String(def.optionalLabels ?? '').split(',').map((l) => l.trim()).filter((l) => l !== ''),
    warmupSeconds: optional(def.warmupSeconds, 'warmupSeconds', { min: 0 }),
    testFraction: optional(def.testFraction, 'testFraction', { min: 0.01, max: 0.99 }),
    seed: optional(def.seed, 'seed', {}),
    l2: optional(def.l2, 'l2', { min: 0 }),
    smote,
    maxIterations: optional(def.maxIterations, 'maxIterations', { min: 1 }),
  };
}

function participantOf(msg: TrainMsg, configured: string, t: Translate): string {
  const name = messageParticipant(msg, { configured });
  if (name === undefined) throw nodeError(t, 'emotion-train.errors.participant');
  return name;
}
