/**
 * The prefix of every participant endpoint name (participantEndpointName): the cloud stack's setting,
 * repeated in emotion-train and emotion-infer so they find the endpoints it creates. "emotion" unless
 * the stack was deployed with another.
 */
export const DEFAULT_ENDPOINT_PREFIX = 'emotion';

/** Letters, digits and single dashes, short enough to leave room for the participant and the hash. */
export function parseEndpointPrefix(value: unknown): string {
  const prefix = String(value ?? '').trim() || DEFAULT_ENDPOINT_PREFIX;
  if (!/^[a-zA-Z0-9](-?[a-zA-Z0-9]){0,29}$/.test(prefix)) {
    throw new Error(`endpoint prefix "${prefix.slice(0, 40)}" is not valid: up to 30 letters, digits and single dashes`);
  }
  return prefix;
}
