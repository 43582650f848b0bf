// Which participant a message is about, by one rule in every node: msg.participant, else the participant of
// the record in msg.payload (or, where a node takes a bare name such as a dashboard text field, the payload
// itself), else the node's own setting. Blank names are passed over; the name found is checked and returned
// as stored (participantName, ./participant.ts).
import { participantName } from './participant';

export interface ParticipantSources {
  /** the node's Participant setting */
  configured?: unknown;
  /** a string msg.payload is a participant name (record-store's list, counts, export, delete) */
  payloadIsName?: boolean;
}

/** The participant's stored name, or undefined when neither the message nor the node names one; throws for an invalid name. */
export function messageParticipant(msg: { participant?: unknown; payload?: unknown }, sources: ParticipantSources = {}): string | undefined {
  const payload = msg.payload;
  const fromPayload = typeof payload === 'string' ? (sources.payloadIsName ? payload : undefined) : (payload as { participant?: unknown } | null | undefined)?.participant;
  const name = [msg.participant, fromPayload, sources.configured].find((p): p is string => typeof p === 'string' && p.trim() !== '');
  return name === undefined ? undefined : participantName(name);
}
