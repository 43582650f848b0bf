// The inference Lambda behind the iotsensors/infer rule: the participant's SageMaker endpoint answers
// the features of the device's window (the stack's feature set, computed from the window's records by the
// same function the local trainer and emotion-infer use), and the answer (the same msg.emotion emotion-infer emits) goes back to the device
// on iotsensors/infer/result/<thing>, and to the SNS topic with the participant as filter attribute.
// Every failure a user can act on becomes an error result on the same topic, never a silent drop; a
// device asking for someone it was not provisioned for is refused and logged; a cold start is announced
// ("warming up") before the answer follows.
import { performance } from 'node:perf_hooks';
import { PublishCommand as IotPublishCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { SNSClient } from '@aws-sdk/client-sns';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { createSageMakerBackend } from '../../src/aws/sagemaker-backend';
import { asciiSubjectValue, compileTemplate, DEFAULT_MESSAGE_TEMPLATE, publishInput } from '../../src/aws/sns-message';
import { publish as snsPublish } from '../../src/aws/sns-publish';
import { WARMING_UP, resultTopic, type InferError, type InferWarming } from '../../src/contracts/iot-topics';
import { answerEmotion, type EmotionAnswer } from '../../src/model/emotion-answer';
import { readFeatures, WindowAverage, type Features } from '../../src/model/window-average';
import { MIN_WINDOW_FILL, needsWindows } from '../../src/model/window-rows';
import { participantKey } from '../../src/record/participant';
import { FEATURE_SETS, type FeatureSetName } from '../../src/signal/window-features';
import type { ParticipantCheck } from './device-participants';
import { echo, ECHO_LIMITS } from './echo';

/** What the rule's SQL hands the function: the device's payload fields plus its thing name. */
export interface InferEvent {
  participant?: unknown;
  /** the window's records ({ timestamp, gsr, bpm }, time order); a device of the published system sends only the means */
  records?: unknown;
  gsr?: unknown;
  bpm?: unknown;
  requestId?: unknown;
  thing?: unknown;
}

export type InferResult = (EmotionAnswer & { requestId?: string }) | InferError;

export interface InferDeps {
  sagemaker: SageMakerRuntimeClient;
  iotData: IoTDataPlaneClient;
  /** set when answers also go out by SMS / e-mail */
  sns?: { client: SNSClient; topicArn: string };
  /** the stack's name prefix: endpoints are named participantEndpointName(prefix, participant) */
  endpointPrefix: string;
  labels: readonly string[];
  /** the features every endpoint of the stack was trained with (default: published) */
  featureSet?: FeatureSetName;
  threshold: number;
  /** how long a warm endpoint takes at most; past it the device hears "warming up" */
  timeoutMs: number;
  /** the whole wait for an answer, a cold start included */
  waitMs: number;
  /** whether the thing may ask for this participant (its participant list) */
  mayAsk: ParticipantCheck;
  log: (line: string) => void;
}

/** Lambda's context, as far as it is used: the time left before the function is stopped. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Kept free at the end of the function's time for publishing the answer. */
const PUBLISH_MARGIN_MS = 10_000;

const SUBJECT = compileTemplate('Emotion detector: {{label}}', false, asciiSubjectValue);
const MESSAGE = compileTemplate(DEFAULT_MESSAGE_TEMPLATE);

export function createInferHandler(deps: InferDeps): (event: InferEvent, context?: InvocationContext) => Promise<InferResult> {
  return async (event, context) => {
    const startedAt = performance.now();
    // No valid thing name means nowhere to answer: the rule SQL always sets it, so this is a bug.
    const thing = String(event?.thing ?? '');
    const topic = resultTopic(thing);
    // whatever size a request's fields have, what goes back (and to the log) is short
    const requestId = typeof event.requestId === 'string' && event.requestId !== '' ? echo(event.requestId, ECHO_LIMITS.requestId) : undefined;
    const participant = typeof event.participant === 'string' && event.participant.trim() !== '' ? echo(event.participant.trim(), ECHO_LIMITS.participant) : undefined;
    const send = (body: unknown) => deps.iotData.send(new IotPublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(body)) }));
    const waitMs = Math.min(deps.waitMs, (context?.getRemainingTimeInMillis() ?? Infinity) - PUBLISH_MARGIN_MS);
    let warning: Promise<unknown> = Promise.resolve();
    const onWarming = () => {
      const notice: InferWarming = { status: WARMING_UP, message: `the model is starting (a cold start): the answer follows within ${Math.round(waitMs / 1000)} s`, participant, requestId, timestamp: Date.now() };
      warning = send(notice).catch((e: Error) => deps.log(`"warming up" not sent to ${topic}: ${e.message}`));
    };
    let result: InferResult;
    try {
      result = { ...(await answer(deps, event, thing, { startedAt, waitMs, onWarming })), ...(requestId ? { requestId } : {}) };
    } catch (e) {
      const err = e as Error & { code?: string };
      const message = echo(String(err.message), ECHO_LIMITS.message);
      result = {
        error: { message, code: echo(String(err.code ?? err.name ?? 'Error'), ECHO_LIMITS.code) },
        ...(participant ? { participant } : {}),
        ...(requestId ? { requestId } : {}),
        timestamp: Date.now(),
      };
      deps.log(`no answer for ${topic}: ${message}`);
    }
    await warning; // "warming up" goes out before the answer it announces
    // A failed publish throws: Lambda retries the asynchronous invocation; after the last retry the
    // event goes to the dead-letter queue and the on-failure destination tells the device (infer-failed-handler.ts).
    await send(result);
    if (deps.sns && !('error' in result)) await notify(deps, result);
    return result;
  };
}

async function answer(deps: InferDeps, event: InferEvent, thing: string, run: { startedAt: number; waitMs: number; onWarming: () => void }): Promise<EmotionAnswer> {
  if (typeof event.participant !== 'string') throw Object.assign(new Error('no participant in the request: send { participant, records }'), { code: 'BadRequest' });
  const participant = event.participant.trim();
  const featureSet = deps.featureSet ?? 'published';
  const set = FEATURE_SETS[featureSet];
  const features = (() => {
    try {
      participantKey(participant);
      return windowOf(event, set);
    } catch (e) {
      throw Object.assign(e as Error, { code: 'BadRequest' });
    }
  })();
  const permission = await deps.mayAsk(thing, participant);
  if (!permission.allowed) {
    deps.log(JSON.stringify({ refused: 'detection', thing, participant, reason: permission.reason }));
    throw Object.assign(new Error(permission.reason), { code: 'NotPermitted' });
  }
  const endpointName = participantEndpointName(deps.endpointPrefix, participant);
  const backend = createSageMakerBackend(deps.sagemaker, {
    endpointName,
    contentType: 'text/csv',
    featureSet,
    numClasses: deps.labels.length,
    timeoutMs: Math.min(deps.timeoutMs, run.waitMs),
    waitMs: run.waitMs,
    onWarming: run.onWarming,
  });
  try {
    return await answerEmotion({ backend, features, participant, labels: deps.labels, threshold: deps.threshold, startedAt: run.startedAt });
  } catch (e) {
    const err = e as Error & { code?: string };
    // InvokeEndpoint on a missing endpoint is a 400 ValidationError "Endpoint … not found".
    if (err.name === 'ValidationError' && /not found|could not find/i.test(err.message)) {
      throw Object.assign(new Error(`no model for participant "${participant}": endpoint ${endpointName} does not exist; train one in the cloud first`), {
        code: 'NoEndpoint',
      });
    }
    throw e;
  }
}

/**
 * The features of the device's window. A window of the published set may come as its means (the published
 * device's `{ gsr, bpm }`); any other set needs the records themselves, covering the window its models
 * learned from, or the answer would come from numbers unlike any they saw.
 */
function windowOf(event: InferEvent, set: (typeof FEATURE_SETS)[FeatureSetName]): Features {
  const seconds = set.windowSeconds;
  const windowed = needsWindows(set.features);
  if (!Array.isArray(event.records)) {
    if (windowed) throw new Error(`this stack's models answer ${seconds}-s windows of records: send { participant, records: [{ timestamp, gsr, bpm }, …] } (flows/aws-iot.json does)`);
    return readFeatures(event);
  }
  const window = new WindowAverage();
  for (const record of windowed ? lastSeconds(event.records, seconds) : event.records) window.add(record);
  if (window.count === 0) {
    const why = window.rejected > 0 ? ` (${window.rejected} unusable, last: ${window.lastRejection})` : '';
    throw new Error(`the window holds no usable records${why}: check the sensors are on and touching the skin`);
  }
  // the trainer's windows span their length at a record a second (src/model/window-rows.ts): one tick's slack at each end
  if (windowed && (window.count < MIN_WINDOW_FILL * seconds || window.spanMs < (seconds - 2) * 1000)) {
    throw new Error(
      `the window holds ${window.count} usable records over ${Math.round(window.spanMs / 1000)} s; this stack's models learned from ${seconds}-s windows (a record a second): set the aws-iot tab's DETECT_WINDOW_S to ${seconds}`,
    );
  }
  return window.mean(seconds * 1000);
}

/**
 * The records of the window's last `seconds`, in time order: a longer window would give numbers unlike
 * any the models learned from (more skin responses, another slope). A record without a time cannot be
 * placed in the window and is left out.
 */
function lastSeconds(records: readonly unknown[], seconds: number): { timestamp: number }[] {
  const timed = records.filter((r): r is { timestamp: number } => Number.isFinite((r as { timestamp?: unknown } | null)?.timestamp));
  const newest = timed.reduce((t, r) => Math.max(t, r.timestamp), -Infinity);
  return timed.filter((r) => r.timestamp > newest - seconds * 1000).sort((a, b) => a.timestamp - b.timestamp);
}

/** SMS / e-mail is a courtesy: the device already has its answer, so a failure is logged, not retried. */
async function notify(deps: InferDeps, emotion: EmotionAnswer): Promise<void> {
  if (!deps.sns) return;
  try {
    await snsPublish(deps.sns.client, publishInput({ TopicArn: deps.sns.topicArn }, MESSAGE(emotion), SUBJECT(emotion), {}, emotion.participant));
  } catch (e) {
    deps.log(`answer for ${emotion.participant} not sent by SNS: ${(e as Error).message}`);
  }
}
