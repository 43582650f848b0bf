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

/** A new Error with the user-facing text, keeping the SDK's name and the original as `cause`. */
export function restate(e: unknown, text: string): Error {
  return Object.assign(new Error(text), { name: (e as SdkErrorLike)?.name ?? 'Error', cause: e });
}
