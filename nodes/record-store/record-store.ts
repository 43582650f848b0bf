// record-store: the local per-participant store (embedded default for Firehose -> S3). Appends records,
// and answers list / counts / export / delete requests, passing the msg on with the result. Also keeps
// each participant's recent detection answers (remember / history).
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { parseLabels } from '../../src/model/label-map';
import { linearLearnerChannels } from '../../src/model/linear-learner-csv';
import { deleteModel } from '../../src/model/model-store';
import { AnswerHistory, historyEntry, type HistoryRead } from '../../src/record/answer-history';
import { messageParticipant } from '../../src/record/message-participant';
import { participantName } from '../../src/record/participant';
import { RecordStore, type SkippedLine } from '../../src/record/record-store';
import { deleteSetAside } from '../../src/record/set-aside';
import { FEATURE_SETS, isFeatureSetName, type FeatureSetName } from '../../src/signal/window-features';
import { translator, type Translate } from '../lib/i18n';
import { dataDir, onInput, status, type Send, readSettingsOrFail, usePlausibleRanges, nodeError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface RecordStoreDef extends NodeDef {
  labels: string;
}

interface StoreMsg extends NodeMessageInFlow {
  action?: unknown;
  participant?: unknown;
  confirm?: unknown;
  format?: unknown;
  /** for counts, list and a linear-learner export: the model's FEATURE_SETS name (default: published) */
  featureSet?: unknown;
  filename?: string;
  stored?: number;
  skipped?: SkippedLine[];
  emotion?: unknown;
  history?: unknown;
  notice?: string;
}

const ACTIONS = ['append', 'list', 'counts', 'export', 'delete', 'remember', 'history'] as const;
type Action = (typeof ACTIONS)[number];

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  const t = translator(RED);
  function RecordStoreNode(this: Node, def: RecordStoreDef) {
    RED.nodes.createNode(this, def);
    const dir = dataDir(RED, this);
    if (dir !== undefined) setup(this, def, dir, t);
  }
  registerNodeType(RED, 'emotion-record-store', RecordStoreNode);
};

function setup(node: Node, def: RecordStoreDef, dir: string, t: Translate): void {
  const store = new RecordStore(dir);
  const answers = new AnswerHistory(dir);
  const labels = readSettingsOrFail(node, () => parseLabels(def.labels));
  if (!labels) return;
  let storedSinceStart = 0;
  // Requests still writing or reading: close waits for them, so a stop or redeploy never drops a record
  // that arrived before it (Node-RED exits once every node's close is done).
  const inFlight = new Set<Promise<void>>();
  status.idle(node, t('record-store.status.stored', { count: 0 }));

  onInput(node, (input, send) => {
    const job = handle(input as StoreMsg, send);
    const settled = job.catch(() => undefined); // the failure itself goes to done(err)
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return job;
  });

  async function handle(msg: StoreMsg, send: Send): Promise<void> {
    const action = actionOf(msg, t);
    if (action === 'append') await append(msg, send);
    else if (action === 'list') {
      const names = await store.participants();
      const featureSet = featureSetOf(msg, t);
      msg.payload = await Promise.all(names.map((p) => store.counts(p, labels, featureSet)));
      send(msg);
    } else if (action === 'counts') {
      msg.payload = await store.counts(participantOf(msg, t), labels, featureSetOf(msg, t));
      send(msg);
    } else if (action === 'remember') {
      const emotion = historyEntry(msg.payload, msg.emotion);
      msg.history = noticed(msg, emotion.participant, await answers.add(emotion));
      send(msg);
    } else if (action === 'history') {
      const participant = participantOf(msg, t);
      msg.payload = noticed(msg, participant, await answers.recent(participant));
      send(msg);
    } else if (action === 'export') {
      await exportRecords(msg, send);
    } else {
      await remove(msg, send);
    }
  }

  /** A damaged answer history was moved aside: the log and msg.notice (for the page) say where. */
  function noticed(msg: StoreMsg, participant: string, read: HistoryRead): HistoryRead['rows'] {
    if (read.setAside) {
      msg.notice = t('record-store.warnings.historySetAside', { participant, reason: read.setAside.reason, path: read.setAside.path });
      node.warn(msg.notice);
    }
    return read.rows;
  }

  node.on('close', (_removed: boolean, done: () => void) => {
    void Promise.all(inFlight).then(() => {
      status.clear(node);
      done();
    });
  });

  /** A record or an array of them: the valid ones are stored even when some are rejected. */
  async function append(msg: StoreMsg, send: Send): Promise<void> {
    const records: unknown[] = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
    const result = await store.append(records);
    storedSinceStart += result.stored;
    status.ok(node, t('record-store.status.stored', { count: storedSinceStart }));
    if (result.rejected.length > 0) {
      const first = result.rejected[0];
      const vars = { rejected: result.rejected.length, total: records.length, index: first.index, reason: first.reason };
      throw nodeError(t, Array.isArray(msg.payload) ? 'record-store.errors.rejectedFirst' : 'record-store.errors.rejected', vars);
    }
    msg.stored = result.stored;
    send(msg);
  }

  /**
   * CSV for a person (the default), or with msg.format "linear-learner" the SageMaker Linear Learner
   * training and validation channels the cloud workflow writes, as two msgs (one file each).
   */
  async function exportRecords(msg: StoreMsg, send: Send): Promise<void> {
    const participant = participantOf(msg, t);
    const format = msg.format ?? 'csv';
    if (format === 'csv') {
      const { csv, skipped } = await store.exportCsv(participant);
      msg.payload = csv;
      msg.filename = `${participantName(participant)}-records.csv`;
      msg.skipped = skipped;
      if (skipped.length > 0) {
        const first = skipped[0];
        node.warn(t('record-store.errors.exportSkipped', { participant, skipped: skipped.length, line: first.line, reason: first.reason }));
      }
      send(msg);
      return;
    }
    if (format !== 'linear-learner') throw nodeError(t, 'record-store.errors.format', { format: String(JSON.stringify(format)) });
    const { features, windowSeconds } = FEATURE_SETS[featureSetOf(msg, t)];
    const channels = linearLearnerChannels(await store.read(participant), { participant, labels: labels!, features: [...features], windowSeconds });
    const file = (channel: 'train' | 'validation') => ({
      ...msg,
      payload: channels[channel],
      filename: `${participantName(participant)}-${channel}.csv`,
      channel,
      linearLearner: { labels: channels.labels, features: channels.features, rows: channels.rows },
    });
    send([[file('train'), file('validation')]]);
  }

  /** Health data: deleting a participant's records and model needs msg.confirm === true. */
  async function remove(msg: StoreMsg, send: Send): Promise<void> {
    const participant = participantOf(msg, t);
    if (msg.confirm !== true) {
      throw nodeError(t, 'record-store.errors.confirm', { participant });
    }
    const records = await store.delete(participant);
    const model = deleteModel(dir, participant);
    await answers.delete(participant);
    const setAside = deleteSetAside(dir, participant);
    status.ok(node, t('record-store.status.deleted', { participant }));
    msg.payload = { participant, deleted: { records, model, setAside } };
    send(msg);
  }
}

/** msg.action, or msg.topic when it names an action (a dashboard button sets the topic easily). */
function actionOf(msg: StoreMsg, t: Translate): Action {
  const requested = msg.action ?? (ACTIONS.includes(msg.topic as Action) && msg.topic !== 'append' ? msg.topic : 'append');
  if (!ACTIONS.includes(requested as Action)) {
    throw nodeError(t, 'record-store.errors.action', { action: String(JSON.stringify(requested)), actions: ACTIONS.join(', ') });
  }
  return requested as Action;
}

/** msg.participant, or a bare name in msg.payload (a dashboard text field). */
function participantOf(msg: StoreMsg, t: Translate): string {
  const name = messageParticipant(msg, { payloadIsName: true });
  if (name === undefined) throw nodeError(t, 'record-store.errors.participant');
  return name;
}

/** msg.featureSet: the feature set of the model the records are for (absent: published). */
function featureSetOf(msg: StoreMsg, t: Translate): FeatureSetName {
  const name = msg.featureSet ?? 'published';
  if (!isFeatureSetName(name)) throw nodeError(t, 'record-store.errors.featureSet', { value: String(JSON.stringify(name)).slice(0, 40) });
  return name;
}
