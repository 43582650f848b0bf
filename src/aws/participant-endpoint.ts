import { createHash } from 'node:crypto';
import { participantKey } from '../record/participant';
import { checkEndpointName } from './sagemaker-backend';

/**
 * The SageMaker endpoint (and model, training-job prefix) name of one participant's cloud model, so the
 * cloud training workflow, the inference Lambda and emotion-infer find it from the participant alone.
 * Endpoint names allow only ASCII letters, digits and dashes (63 at most), so the readable part keeps
 * those and a hash of the participant's canonical key (src/record/participant.ts: the key that names
 * their folder on the Pi) keeps two people apart whose names read alike, e.g. "Zoë" and "Zoe", and
 * gives one person one endpoint however the name is typed ("İpek", "ipek").
 */
export function participantEndpointName(prefix: string, participant: string): string {
  const hash = participantHash(participant);
  const key = participantKey(participant);
  const readable = key.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const head = `${prefix}-${readable}`.slice(0, 63 - hash.length - 1).replace(/-+$/, '');
  return checkEndpointName(`${head}-${hash}`);
}

/**
 * 24 hex digits standing for one person (a hash of their canonical key): their endpoint name's tail, and
 * how a device's participant list names them where only ASCII fits (an IoT thing attribute). 96 bits: a
 * pair of names sharing a shorter hash can be searched for (32 bits took seconds).
 */
export function participantHash(participant: string): string {
  if (!String(participant ?? '').trim()) throw new Error('participant is required');
  return createHash('sha256').update(participantKey(participant)).digest('hex').slice(0, 24);
}
