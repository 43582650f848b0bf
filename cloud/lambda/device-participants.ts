// Who a device may speak for, read from its thing (cloud/lib/participant-list.ts) and kept for a
// minute per function container: a record arrives every second while recording, and a changed list
// (`cloud:device -- <thing> --set-participants ...`) takes effect within that minute.
import { DescribeThingCommand, type IoTClient } from '@aws-sdk/client-iot';
import { listNames, PARTICIPANTS_ATTRIBUTE } from '../lib/participant-list';

export type Permission = { allowed: true } | { allowed: false; reason: string };

export type ParticipantCheck = (thing: string, participant: string) => Promise<Permission>;

export function createParticipantCheck(iot: IoTClient, opts: { ttlMs?: number; now?: () => number } = {}): ParticipantCheck {
  const ttlMs = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { list: string | undefined; known: boolean; at: number }>();
  async function listOf(thing: string) {
    const hit = cache.get(thing);
    if (hit && now() - hit.at < ttlMs) return hit;
    let entry;
    try {
      const out = await iot.send(new DescribeThingCommand({ thingName: thing }));
      entry = { list: out.attributes?.[PARTICIPANTS_ATTRIBUTE], known: true, at: now() };
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
      entry = { list: undefined, known: false, at: now() };
    }
    cache.set(thing, entry);
    return entry;
  }
  return async (thing, participant) => {
    const { list, known } = await listOf(thing);
    const change = `npm run cloud:device -- ${thing} --set-participants <names>`;
    if (!known) return { allowed: false, reason: `device "${thing}" is not a registered thing` };
    if (!list) return { allowed: false, reason: `device "${thing}" has no participant list: give it one with ${change}` };
    if (!listNames(list, participant)) return { allowed: false, reason: `device "${thing}" is not provisioned for participant "${participant}": add them with ${change}` };
    return { allowed: true };
  };
}
