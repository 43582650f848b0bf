// The train rule's gate: its SQL calls this function (aws_lambda() in the WHERE clause) with the
// connection's thing and the record's participant, and keeps the record only when the answer says
// allowed. A refusal is logged here, since the rule drops the record silently. The entry point is
// participant-check-lambda.ts.
import type { ParticipantCheck } from './device-participants';

export interface CheckEvent {
  thing?: unknown;
  participant?: unknown;
}

export function createCheckHandler(check: ParticipantCheck, log: (line: string) => void): (event: CheckEvent) => Promise<{ allowed: boolean }> {
  return async (event) => {
    const thing = typeof event?.thing === 'string' ? event.thing : '';
    const participant = typeof event?.participant === 'string' ? event.participant : '';
    let reason: string;
    try {
      const permission = await check(thing, participant);
      if (permission.allowed) return { allowed: true };
      reason = permission.reason;
    } catch (e) {
      // a name that is no participant name, or no thing: refused, never an error that would retry
      if (!(e instanceof Error) || /ThrottlingException|ServiceUnavailable|InternalFailure/.test(e.name)) throw e;
      reason = e.message;
    }
    log(JSON.stringify({ refused: 'record', thing, participant: participant.slice(0, 64), reason }));
    return { allowed: false };
  };
}
