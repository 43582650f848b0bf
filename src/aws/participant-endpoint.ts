import { createHash } from 'node:crypto';
import { checkEndpointName } from './sagemaker-backend';

/**
 * The SageMaker endpoint (and model, training-job prefix) name of one participant's cloud model, so the
 * cloud training workflow, the inference Lambda and emotion-infer find it from the participant alone.
 * Endpoint names allow only ASCII letters, digits and dashes (63 at most), so the readable part keeps
 * those and a hash of the whole name (case-folded and NFC-normalised, as participant names compare)
 * keeps two names that read alike, e.g. "Zoë" and "Zoe", on different endpoints.
 */
export function participantEndpointName(prefix: string, participant: string): string {
  const name = String(participant ?? '').trim().normalize('NFC').toLowerCase();
  if (!name) throw new Error('participant is required for a participant endpoint name');
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const readable = name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const head = `${prefix}-${readable}`.slice(0, 63 - hash.length - 1).replace(/-+$/, '');
  return checkEndpointName(`${head}-${hash}`);
}
