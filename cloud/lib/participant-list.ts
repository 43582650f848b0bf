// Who a device may speak for: the participants `cloud:device -- <thing> --participants ana,ben` names,
// kept on the thing itself as one attribute (the registry is where IoT keeps per-device facts, and the
// certificate's thing is what a connection proves). Attribute values allow only ASCII letters, digits and
// _.,@/:#- (800 characters; IoT CreateThing API), so each person is their participantHash: one key per
// person (src/record/participant.ts), so "Ana", "ana" and "ANA" are one entry and "Zoë" is not "Zoe".
import { participantHash } from '../../src/aws/participant-endpoint';
import { participantName } from '../../src/record/participant';

/** The thing attribute holding the list. */
export const PARTICIPANTS_ATTRIBUTE = 'participants';
const MAX_ATTRIBUTE_CHARS = 800;

/** The attribute value for these names (each checked as a participant name), in the order given. */
export function participantsAttribute(names: readonly string[]): string {
  if (names.length === 0) throw new Error('name at least one participant the device records or detects for: --participants ana,ben');
  const hashes = [...new Set(names.map((n) => participantHash(participantName(n))))];
  const value = hashes.join(',');
  if (value.length > MAX_ATTRIBUTE_CHARS) {
    throw new Error(`${hashes.length} participants do not fit one thing (at most ${Math.floor((MAX_ATTRIBUTE_CHARS + 1) / 25)}): provision another device for the others`);
  }
  return value;
}

/** Whether the list (the attribute as read, or undefined when the thing has none) names this participant. */
export function listNames(attribute: string | undefined, participant: string): boolean {
  if (!attribute) return false;
  const hash = participantHash(participant);
  return attribute.split(',').includes(hash);
}

/** Names from the command line: comma-separated, blanks dropped. */
export function parseParticipantNames(text: string | undefined): string[] {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
