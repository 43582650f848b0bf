// File-system failures worded for the person who has to fix them ("the disk is full"), keeping the
// system's code (ENOSPC, ...) for searching and the original error as the cause.

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EIO: 'the disk reported an I/O error',
  ENOENT: 'its folder was removed',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** An Error saying "cannot <what>: <reason> (<CODE>)"; errors without a known code keep their message. */
export function describeDiskError(e: unknown, what: string): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && REASONS[code]) ?? (e instanceof Error ? e.message : String(e));
  return Object.assign(new Error(`cannot ${what}: ${reason}${code ? ` (${code})` : ''}`, { cause: e }), { code });
}
