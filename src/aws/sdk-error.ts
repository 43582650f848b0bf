// What the v3 SDK's errors look like when read for a user-facing message.

export interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The SDK names a dropped socket "TimeoutError" too, so a network code is checked before the name. */
export function networkCode(e: SdkErrorLike): string | undefined {
  return e.code !== undefined && NETWORK_CODES.has(e.code) ? e.code : undefined;
}

export function isTimeout(e: SdkErrorLike): boolean {
  return e.name === 'TimeoutError' || e.code === 'ETIMEDOUT';
}

/**
 * A new Error with the user-facing text. It keeps the SDK's name (NetworkError for a network code), and `code` (the network code or the
 * SDK's error name), which Node-RED copies into a Catch node's msg.error.code; the SDK error itself is
 * not attached, since its raw text can quote the access key id.
 */
export function restate(e: unknown, text: string): Error & { code: string; statusCode?: number } {
  const err = (e ?? {}) as SdkErrorLike;
  const network = networkCode(err);
  // The SDK calls a reset or refused connection "TimeoutError": name it for what happened.
  const name = network ? 'NetworkError' : (err.name ?? 'Error');
  return Object.assign(new Error(text), { name, code: network ?? name, statusCode: err.$metadata?.httpStatusCode });
}

/**
 * The error with `redact` applied to its text. A new Error, because the original's stack was captured
 * with the unredacted text and a Catch node receives msg.error.stack too.
 */
export function redactError(e: unknown, redact: (text: string) => string): Error {
  const err = (e ?? {}) as SdkErrorLike & { statusCode?: number };
  const text = redact(e instanceof Error ? e.message : String(e));
  return Object.assign(new Error(text), { name: err.name ?? 'Error', code: err.code, statusCode: err.statusCode });
}
