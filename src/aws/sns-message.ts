// What sns-notify publishes: the text from a {{placeholder}} template over msg.emotion, the target
// (topic ARN or phone number) and the SMS attributes, checked before anything is sent.
import { randomUUID } from 'node:crypto';
import type { MessageAttributeValue, PublishCommandInput } from '@aws-sdk/client-sns';
import { participantEndpointName } from './participant-endpoint';
import { participantKey } from '../record/participant';

/** The fields a template may use. gsr and bpm are raw physiology: only when explicitly allowed. */
export const PLACEHOLDERS = ['participant', 'label', 'confidence', 'time', 'source'] as const;
export const PHYSIOLOGY_PLACEHOLDERS = ['gsr', 'bpm'] as const;

export interface EmotionLike {
  label?: unknown;
  confidence?: unknown;
  participant?: unknown;
  timestamp?: unknown;
  source?: unknown;
  features?: { gsr?: unknown; bpm?: unknown };
}

/** What an answer says by SMS or e-mail unless the user writes their own template. */
export const DEFAULT_MESSAGE_TEMPLATE = '{{participant}} seems {{label}} ({{confidence}} sure) at {{time}}.';

export type Template = (emotion: EmotionLike) => string;

/** Compiles once at deploy, so a typo in a placeholder is a config error, not a broken SMS. `clean` is applied to each filled-in value. */
export function compileTemplate(text: string, allowPhysiology = false, clean: (value: string) => string = (v) => v): Template {
  const allowed = new Set<string>([...PLACEHOLDERS, ...(allowPhysiology ? PHYSIOLOGY_PLACEHOLDERS : [])]);
  for (const [, name] of text.matchAll(/{{\s*([^}]*?)\s*}}/g)) {
    if (!allowed.has(name)) {
      const hint = (PHYSIOLOGY_PLACEHOLDERS as readonly string[]).includes(name)
        ? ' (raw physiology: tick "allow gsr/bpm in messages" first)'
        : ` (use ${[...allowed].join(', ')})`;
      throw new Error(`unknown placeholder {{${name}}}${hint}`);
    }
  }
  return (emotion) => text.replace(/{{\s*([^}]*?)\s*}}/g, (_, name: string) => clean(field(emotion, name)));
}

/**
 * A value as SNS accepts it in a Subject (printable ASCII): accents dropped ("Zoë" -> "Zoe"), anything
 * else as "?", so a participant's name cannot make every notification to a topic fail.
 */
export function asciiSubjectValue(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^\x20-\x7e]/g, '?');
}

function field(e: EmotionLike, name: string): string {
  switch (name) {
    case 'confidence':
      return typeof e.confidence === 'number' ? `${Math.round(e.confidence * 100)}%` : '?';
    case 'time': {
      const t = typeof e.timestamp === 'number' ? new Date(e.timestamp) : new Date();
      return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    }
    case 'gsr':
    case 'bpm': {
      const v = e.features?.[name];
      return typeof v === 'number' ? String(Math.round(v * 10) / 10) : '?';
    }
    default: {
      const v = (e as Record<string, unknown>)[name];
      return v === undefined || v === null ? '?' : String(v);
    }
  }
}

export type Target = { TopicArn: string } | { PhoneNumber: string };

/** A topic ARN (e-mail and SMS subscribers) or an E.164 phone number (one SMS). */
export function parseTarget(value: unknown): Target {
  const v = String(value ?? '').trim();
  if (/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(v)) return { TopicArn: v };
  if (/^\+[1-9]\d{1,14}$/.test(v)) return { PhoneNumber: v };
  throw new Error(
    v === ''
      ? 'no target: set a topic ARN or phone number, or send msg.topicArn / msg.phoneNumber'
      : `"${v.slice(0, 80)}" is neither an SNS topic ARN nor an E.164 phone number (+15555550100)`,
  );
}

/** SNS: "Subject must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long." */
export function checkSubject(subject: string): string {
  if (subject.length >= 100) throw new Error(`subject is ${subject.length} characters: SNS needs fewer than 100`);
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) throw new Error('subject must be printable ASCII on one line, not starting with a space');
  return subject;
}

export interface SmsOptions {
  /** "Transactional" (default for alerts: delivered even to numbers opted out of marketing) or "Promotional"; "" leaves the account default */
  smsType?: string;
  senderId?: string;
  originationNumber?: string;
}

export function smsAttributes(opts: SmsOptions): Record<string, MessageAttributeValue> {
  const attrs: Record<string, MessageAttributeValue> = {};
  const put = (name: string, value: string) => (attrs[name] = { DataType: 'String', StringValue: value });
  if (opts.smsType) {
    if (opts.smsType !== 'Transactional' && opts.smsType !== 'Promotional') {
      throw new Error(`SMS type must be Transactional or Promotional, not "${opts.smsType}"`);
    }
    put('AWS.SNS.SMS.SMSType', opts.smsType);
  }
  if (opts.senderId) {
    if (!/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/.test(opts.senderId)) {
      throw new Error('sender ID: 1-11 letters, digits or dashes, with at least one letter');
    }
    put('AWS.SNS.SMS.SenderID', opts.senderId);
  }
  if (opts.originationNumber) {
    if (!/^\+[1-9]\d{1,14}$/.test(opts.originationNumber)) throw new Error('origination number must be E.164, e.g. +15555550100');
    put('AWS.MM.SMS.OriginationNumber', opts.originationNumber);
  }
  return attrs;
}

/** A FIFO topic's name ends in ".fifo"; SNS refuses a Publish to it without a MessageGroupId. */
export function isFifoTopic(target: Target | PublishCommandInput): boolean {
  return 'TopicArn' in target && target.TopicArn?.endsWith('.fifo') === true;
}

/**
 * What a FIFO topic needs with each message: a group (messages of one group are delivered in order; here
 * one per participant) and a deduplication id. The id is new for each answer and the same for the SDK's
 * retries of it, so SNS drops a second copy of one answer but never drops a later answer whose text
 * happens to be the same (as content-based deduplication would); with content-based deduplication on,
 * an explicit id takes precedence, so sending it always is right.
 */
function fifoFields(participant: string): Pick<PublishCommandInput, 'MessageGroupId' | 'MessageDeduplicationId'> {
  return {
    MessageGroupId: participant.trim() ? participantEndpointName('emotion', participant) : 'emotion-iot',
    MessageDeduplicationId: randomUUID(),
  };
}

/**
 * The message attribute a topic's subscription filter policy matches on (`{"participant": ["ana"]}`):
 * the participant's canonical key (src/record/participant.ts), so a subscriber to "Ana" also receives
 * answers sent for "ana" or "ANA", and nobody else's (SNS message filtering).
 */
export const PARTICIPANT_ATTRIBUTE = 'participant';

export function participantAttribute(participant: string): Record<string, MessageAttributeValue> {
  return { [PARTICIPANT_ATTRIBUTE]: { DataType: 'String', StringValue: participantKey(participant) } };
}

/** The Publish request for one answer. The subject only goes with a topic (e-mail subscribers see it;
 * SMS ignores it); it is checked after its placeholders are filled. To a topic, a named participant goes
 * along as the filter attribute. */
export function publishInput(
  target: Target,
  message: string,
  subject: string,
  sms: Record<string, MessageAttributeValue>,
  participant = '',
): PublishCommandInput {
  if (message.trim() === '') throw new Error('the message is empty: check the template');
  const attributes = { ...sms, ...('TopicArn' in target && participant.trim() ? participantAttribute(participant) : {}) };
  return {
    ...target,
    Message: message,
    ...('TopicArn' in target && subject ? { Subject: checkSubject(subject) } : {}),
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    ...(isFifoTopic(target) ? fifoFields(participant) : {}),
  };
}
