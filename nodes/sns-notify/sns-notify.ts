// sns-notify: publishes an emotion answer as SMS / e-mail through an SNS topic or to a phone number,
// at most once per interval per participant.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { AwsClientSource } from '../../src/aws/client-config';
import { asciiSubjectValue, compileTemplate, DEFAULT_MESSAGE_TEMPLATE, parseTarget, publishInput, smsAttributes, type EmotionLike } from '../../src/aws/sns-message';
import { publish, snsClientFor } from '../../src/aws/sns-publish';
import { MinInterval } from '../../src/aws/sns-rate-limit';
import { participantKey } from '../../src/record/participant';
import { redactError } from '../../src/aws/sdk-error';
import { translator, type Translate } from '../lib/i18n';
import { configNumber, onInput, status, readSettingsOrFail, nodeError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface SnsNotifyDef extends NodeDef {
  aws: string;
  target: string;
  subject: string;
  template: string;
  allowPhysiology: boolean;
  smsType: string;
  senderId: string;
  originationNumber: string;
  intervalSeconds: string;
  suppressedOutput: boolean;
}

export = function (RED: NodeAPI) {
  const t = translator(RED);

  function SnsNotify(this: Node, def: SnsNotifyDef) {
    RED.nodes.createNode(this, def);
    setup(this, def);
  }

  function setup(node: Node, def: SnsNotifyDef) {
    const aws = RED.nodes.getNode(def.aws) as unknown as AwsClientSource | null;
    const settings = readSettingsOrFail(node, () => readSettings(def, t));
    if (!settings) return;
    const { message, subject, sms, limit } = settings;

    onInput(node, async (msg, send) => {
      const emotion = (msg as { emotion?: EmotionLike }).emotion;
      if (!emotion || typeof emotion !== 'object' || typeof emotion.label !== 'string') {
        throw nodeError(t, 'sns-notify.errors.noEmotion');
      }
      if (!aws) throw nodeError(t, 'sns-notify.errors.noConfig');
      const participant = String(emotion.participant ?? (msg as { participant?: unknown }).participant ?? '');
      const input = publishInput(parseTarget(targetOf(msg) ?? def.target), message(emotion), subject(emotion), sms, participant);
      const slot = limit.take(rateKey(participant));
      if (!slot.ok) {
        const seconds = Math.ceil(slot.retryInMs / 1000);
        status.warn(node, t(participant ? 'sns-notify.status.suppressedFor' : 'sns-notify.status.suppressed', { participant, seconds }));
        if (def.suppressedOutput) send([null, Object.assign(msg, { sns: { suppressed: true, retryInMs: slot.retryInMs } })]);
        return;
      }
      status.busy(node, t('sns-notify.status.publishing'));
      let messageId: string;
      try {
        messageId = await publish(aws.client(...snsClientFor(input)), input);
      } catch (e) {
        slot.release(); // a failed publish must not silence the next answer
        throw redactError(e, aws.redact);
      }
      status.ok(node, t(participant ? 'sns-notify.status.sentTo' : 'sns-notify.status.sent', { label: emotion.label, participant }));
      const out = Object.assign(msg, { sns: { messageId } });
      send(def.suppressedOutput ? [out, null] : out);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      status.clear(node);
      done();
    });
  }

  registerNodeType(RED, 'emotion-sns-notify', SnsNotify);
};

function targetOf(msg: NodeMessageInFlow): unknown {
  const m = msg as { topicArn?: unknown; phoneNumber?: unknown };
  return m.topicArn ?? m.phoneNumber;
}

function readSettings(def: SnsNotifyDef, t: Translate) {
  if (String(def.target ?? '').trim() !== '') parseTarget(def.target); // a typo shows at deploy, not at the first answer
  return {
    message: compileTemplate(def.template || DEFAULT_MESSAGE_TEMPLATE, def.allowPhysiology === true),
    subject: compileTemplate(def.subject ?? '', def.allowPhysiology === true, asciiSubjectValue),
    sms: smsAttributes({ smsType: def.smsType ?? 'Transactional', senderId: def.senderId?.trim(), originationNumber: def.originationNumber?.trim() }),
    limit: new MinInterval(configNumber(t, def.intervalSeconds, 'intervalSeconds', { min: 0, max: 86400, fallback: 300 }) * 1000),
  };
}

/** One interval per person however the name is typed (its canonical key, as the topic's filter uses); a
 * name that is not a participant name (an SMS target never checks it) is limited as typed. */
function rateKey(participant: string): string {
  try {
    return participant.trim() ? participantKey(participant) : '';
  } catch {
    return participant.trim();
  }
}
