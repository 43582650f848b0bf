// emotion-infer: averages a collection window of records (or takes each record), predicts with the
// participant's local model or a SageMaker endpoint, and emits the label with msg.emotion.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { AwsClientSource } from '../../src/aws/client-config';
import { parseEndpointPrefix } from '../../src/aws/endpoint-prefix';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { checkEndpointName, createSageMakerBackend } from '../../src/aws/sagemaker-backend';
import { redactError } from '../../src/aws/sdk-error';
import { parseContentType } from '../../src/aws/sagemaker-format';
import { CollectionWindow } from '../../src/model/collection-window';
import { answerEmotion, type EmotionAnswer } from '../../src/model/emotion-answer';
import { endpointFeatureSet, fallbackForWindow } from '../../src/model/feature-choice';
import { answerLabels, labelsDifferFromModel, parseLabels, UNCERTAIN } from '../../src/model/label-map';
import { LocalModels, type OrderedBackend } from '../../src/model/local-backend';
import { loadModel } from '../../src/model/model-store';
import { readFeatures, type Features } from '../../src/model/window-average';
import { modelPath } from '../../src/record/paths';
import { messageParticipant } from '../../src/record/message-participant';
import { inCatalogue, translator, type Translate } from '../lib/i18n';
import { configNumber, dataDir, onInput, status, type Send, readSettingsOrFail, usePlausibleRanges, nodeError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface InferDef extends NodeDef {
  mode: 'window' | 'each';
  windowSeconds: string;
  participant: string;
  labels: string;
  threshold: string;
  backend: 'local' | 'sagemaker';
  aws: string;
  endpoint: string;
  endpointPrefix: string;
  contentType: string;
  timeoutMs: string;
  waitSeconds: string;
  fallback: boolean;
  /** absent in flows saved before it existed: on */
  followVerdict?: boolean;
  /** the SageMaker endpoint's feature set (a FEATURE_SETS name; flows saved before it: 'published') */
  featureSet?: string;
}

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  const t = translator(RED);
  function EmotionInfer(this: Node, def: InferDef) {
    RED.nodes.createNode(this, def);
    const dir = dataDir(RED, this);
    if (dir !== undefined) setup(this, def, dir);
  }

  function setup(node: Node, def: InferDef, dir: string) {
    const models = new LocalModels((p) => loadModel(dir, p), (p) => modelPath(dir, p));
    const read = readSettingsOrFail(node, () => readSettings(def, t));
    if (!read) return;
    const settings = read; // a const the nested functions below can rely on
    const { mode, windowMs, labels, threshold } = settings;
    const local = (p: string) => checkLabels(models.backend(p));
    const primary = settings.backend === 'sagemaker' ? sagemakerBackend(settings) : local;
    const fallback = settings.backend === 'sagemaker' && def.fallback;
    const win = new CollectionWindow(windowMs, (left) => status.busy(node, t('emotion-infer.status.collecting', { seconds: left })));

    function sagemakerBackend(s: typeof settings): (participant: string) => OrderedBackend {
      const aws = RED.nodes.getNode(def.aws) as unknown as AwsClientSource | null;
      return (participant) => {
        if (!aws) throw nodeError(t, 'emotion-infer.errors.noAws');
        const client = aws.client('sagemaker-runtime', (config) => new SageMakerRuntimeClient(config));
        // a blank endpoint means the participant's own, as the cloud training workflow names it
        const endpointName = s.sagemaker.endpointName || participantEndpointName(s.sagemaker.endpointPrefix, participant);
        const backend = createSageMakerBackend(client, {
          ...s.sagemaker,
          endpointName,
          numClasses: labels.length,
          timeoutMs: s.timeoutMs,
          waitMs: s.waitMs,
          onWarming: () => status.warn(node, t('emotion-infer.status.warming')),
        });
        // AWS error texts can quote the access key id (signature errors): keep it out of msgs and status.
        const redacted = (e: unknown) => Promise.reject(redactError(e, aws.redact));
        return { ...backend, predict: (features, gsrPhasic) => backend.predict(features, gsrPhasic).catch(redacted) };
      };
    }

    /** `windowSeconds`: the window the features were computed over (none for a single record) */
    async function answer(msg: NodeMessageInFlow, send: Send, features: Features, participant: string, backend: OrderedBackend, startedAt: number, windowSeconds?: number) {
      const emotion = await answerEmotion({
        backend,
        fallback: fallback ? () => inCatalogue(t, 'emotion-infer', () => fallbackForWindow(local(participant), windowSeconds)) : undefined,
        features,
        participant,
        labels: answerLabels(backend.labels, labels),
        threshold,
        followVerdict: settings.followVerdict,
        startedAt,
      });
      showAnswer(emotion);
      send(Object.assign(msg, { payload: emotion.label, emotion }));
    }

    const warned = new WeakSet<OrderedBackend>();
    function checkLabels(backend: OrderedBackend): OrderedBackend {
      if (!warned.has(backend) && labelsDifferFromModel(backend.labels, labels)) {
        warned.add(backend);
        node.warn(t('emotion-infer.errors.labelOrder', { trained: backend.labels!.join(', '), labels: labels.join(', ') }));
      }
      return backend;
    }

    function showAnswer(e: EmotionAnswer) {
      const vars = { label: e.label, percent: Math.round(e.confidence * 100) };
      const text = t(e.source.endsWith('-fallback') ? 'emotion-infer.status.answerFallback' : 'emotion-infer.status.answer', vars);
      if (e.label === UNCERTAIN || e.source.endsWith('-fallback')) status.warn(node, text);
      else status.ok(node, text);
    }

    /** Output 2: how long this window collects (a progress bar cannot know a model's own window), on a copy of the start msg. */
    function windowOpened(msg: NodeMessageInFlow, participant: string, seconds: number) {
      return Object.assign(RED.util.cloneMessage(msg), { topic: 'window', payload: { participant, seconds } });
    }

    function participantOf(msg: NodeMessageInFlow): string {
      const name = messageParticipant(msg, { configured: def.participant });
      if (name !== undefined) return name;
      // only a model file or a participant endpoint is per participant; a fixed endpoint answers for everyone
      if (settings.backend === 'sagemaker' && !fallback && settings.sagemaker.endpointName) return '';
      throw nodeError(t, 'emotion-infer.errors.participant');
    }

    onInput(node, async (msg, send) => {
      const command = commandOf(msg);
      if (mode === 'each') {
        if (command) throw nodeError(t, 'emotion-infer.errors.eachCommand', { command });
        const startedAt = performance.now();
        const participant = participantOf(msg);
        await answer(msg, send, readFeatures(msg.payload), participant, primary(participant), startedAt);
        return;
      }
      if (command === 'stop') {
        if (win.isOpen) status.idle(node, t('emotion-infer.status.stopped'));
        win.cancel();
        return;
      }
      if (command === 'start') {
        const participant = participantOf(msg);
        const backend = primary(participant); // a missing model is an error now, not after the window
        // a model of window features learned over its own window: collect that long
        const seconds = backend.windowSeconds ?? windowMs / 1000;
        send([null, windowOpened(msg, participant, seconds)]);
        const closed = await win.open(seconds * 1000);
        // a start over a running window answers the earlier one too: it was not forgotten, it was replaced
        if ('cancelled' in closed) {
          if (closed.cancelled === 'restarted') throw Object.assign(new Error(t('emotion-infer.errors.superseded')), { keepStatus: true });
          return;
        }
        await answer(msg, send, closed.average.mean(closed.durationMs), participant, backend, closed.closedAt, seconds);
        return;
      }
      if (msg.payload === null || typeof msg.payload !== 'object') {
        throw nodeError(t, 'emotion-infer.errors.payload');
      }
      win.add(msg.payload); // records outside a window are not needed: dropped quietly
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      win.cancel();
      status.clear(node);
      done();
    });
  }

  registerNodeType(RED, 'emotion-infer', EmotionInfer);
};

function commandOf(msg: NodeMessageInFlow): 'start' | 'stop' | undefined {
  for (const v of [msg.payload, msg.topic]) if (v === 'start' || v === 'stop') return v;
  return undefined;
}

function readSettings(def: InferDef, t: Translate) {
  const backend = def.backend === 'sagemaker' ? 'sagemaker' : 'local';
  return {
    mode: def.mode === 'each' ? ('each' as const) : ('window' as const),
    windowMs: Math.round(configNumber(t, def.windowSeconds, 'windowSeconds', { min: 0.05, max: 600, fallback: 10 }) * 1000),
    labels: parseLabels(def.labels),
    threshold: configNumber(t, def.threshold, 'threshold', { min: 0, max: 1, fallback: 0 }),
    followVerdict: def.followVerdict !== false,
    backend,
    timeoutMs: configNumber(t, def.timeoutMs, 'timeoutMs', { min: 100, max: 120000, fallback: 5000 }),
    // a cold start's wait (src/aws/sagemaker-backend.ts)
    waitMs: Math.round(configNumber(t, def.waitSeconds, 'waitSeconds', { min: 0, max: 900, fallback: 90 }) * 1000),
    sagemaker: {
      /** blank: each participant's endpoint (participantEndpointName) */
      endpointName: fixedEndpoint(def),
      endpointPrefix: parseEndpointPrefix(def.endpointPrefix),
      contentType: parseContentType(def.contentType),
      // read only for the SageMaker backend (a local model file names its own features)
      featureSet: backend === 'sagemaker' ? inCatalogue(t, 'emotion-infer', () => endpointFeatureSet(def.featureSet, def.mode === 'each' ? 'each' : 'window')) : ('published' as const),
    },
  };
}

function fixedEndpoint(def: InferDef): string {
  const name = String(def.endpoint ?? '').trim();
  return def.backend === 'sagemaker' && name ? checkEndpointName(name) : '';
}
