// What a request filled in, echoed back short in an error answer (or a log line): the inference function
// and its on-failure function answer the same device, so both cut the same fields the same way.
import { MAX_NAME_LENGTH } from '../../src/record/participant';

/** The longest each field a request can fill is echoed back in an error result (or the log). */
export const ECHO_LIMITS = { participant: MAX_NAME_LENGTH, requestId: 128, message: 300, code: 64 } as const;

/** At most `max` characters (code points) of `text`, with "…" when it was longer. */
export function echo(text: string, max: number): string {
  const head = [...text.slice(0, 2 * max + 2)];
  return head.length > max ? `${head.slice(0, max - 1).join('')}…` : text;
}
