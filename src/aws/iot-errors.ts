// aws-crt reports failures two ways: operation promises reject with plain strings
// ("libaws-c-mqtt: AWS_ERROR_..., description") and events carry CrtError objects with error_name.
// Both become an Error whose message starts with a short human reason and ends with the CRT code.

export interface IotError extends Error {
  code?: string;
}

const CERT_HINT = "(the CA must be the one that signed the broker's certificate, and the broker must trust the device certificate)";

const REASONS: Array<[RegExp, string]> = [
  [/^AWS_IO_TLS_CTX_ERROR$/, 'TLS set-up failed: the device certificate, key or CA could not be loaded (a matching PEM pair?)'],
  [/^AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE$/, `TLS handshake failed: a certificate was not accepted ${CERT_HINT}`],
  [/^AWS_IO_TLS_/, `TLS handshake failed (a certificate not accepted? ${CERT_HINT.slice(1)}`],
  [/^AWS_IO_SOCKET_CONNECTION_REFUSED$/, 'connection refused'],
  [/^AWS_IO_SOCKET_TIMEOUT$|CONNACK_TIMEOUT$/, 'connection timed out'],
  [/^AWS_IO_DNS_/, 'host not found'],
  [/^AWS_ERROR_MQTT_UNEXPECTED_HANGUP$|^AWS_IO_SOCKET_CLOSED$/, 'connection lost'],
  [/OFFLINE_QUEUE_POLICY$/, 'not connected'],
  [/USER_REQUESTED_STOP$/, 'connection closed'],
  [/ACK_TIMEOUT$/, 'no acknowledgement from the broker'],
  [/CONNACK_CONNECTION_REFUSED$/, 'refused by the broker'],
];

function withCode(reason: string, code: string | undefined, cause: unknown): IotError {
  const err: IotError = new Error(code ? `${reason} (${code})` : reason, { cause });
  if (code) err.code = code;
  return err;
}

export function describeCode(code: string): string | undefined {
  return REASONS.find(([re]) => re.test(code))?.[1];
}

const CRT_TEXT = /^(?:lib[\w-]+: |aws-c-[\w-]+: )?(AWS_[A-Z0-9_]+)(?:, (.*))?$/s;

/** Normalises anything aws-crt throws, rejects or emits into an Error with a readable message. */
export function iotError(e: unknown): IotError {
  if (typeof e !== 'string' && !(e instanceof Error)) return new Error(String(e));
  const text = typeof e === 'string' ? e.trim() : e.message;
  const m = CRT_TEXT.exec(text);
  const name = e instanceof Error ? (e as { error_name?: unknown }).error_name : undefined;
  const code = typeof name === 'string' ? name : m?.[1];
  if (!code) return typeof e === 'string' ? new Error(e) : e;
  return withCode(describeCode(code) ?? m?.[2] ?? code, code, e);
}

/** A connection failure, adding the CONNACK reason when the broker answered and refused. */
export function connectionError(error: unknown, connack?: { reasonCode: number; reasonString?: string }): IotError {
  if (connack && connack.reasonCode >= 128) {
    const why = connack.reasonString ? `: ${connack.reasonString}` : '';
    return withCode(`refused by the broker, reason ${connack.reasonCode}${why}`, 'CONNACK', error);
  }
  return iotError(error);
}
