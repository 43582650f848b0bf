// One deadline for a whole SDK call. The SDK's requestTimeout counts per attempt and its retries multiply
// it (3 attempts: a "5 s" timeout ends after ~15 s); an abort signal given to send() ends the attempt in
// flight, the back-off between attempts and every later attempt, so the setting means what it says.

/**
 * Runs `call` with a signal that aborts after `ms` (or when `outer` aborts). When the deadline ends the
 * call, it rejects with a TimeoutError naming the deadline, whatever the SDK made of the abort.
 */
export async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const deadline = AbortSignal.timeout(ms);
  try {
    return await call(outer ? AbortSignal.any([outer, deadline]) : deadline);
  } catch (e) {
    if (deadline.aborted && !outer?.aborted) {
      throw Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError', cause: e });
    }
    throw e;
  }
}
