// Appending data someone is told is stored: every byte must reach the file before the fsync that
// makes the append durable. On a nearly full disk write(2) may write part of a buffer and return a
// short count without an error; ignoring it acknowledged records that were never written.
import type { FileHandle } from 'node:fs/promises';
import { describeDiskError } from './disk-error';

/**
 * Writes all of `data` at the end of `fh` (opened for appending, `size` bytes long before this call)
 * and fsyncs it. Short writes are continued; any failure cuts the file back to `size`, so it never
 * ends in part of this append, and is thrown with a reason a user can act on.
 */
export async function appendDurably(fh: FileHandle, size: number, data: Buffer, what: string): Promise<void> {
  try {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await fh.write(data, written, data.length - written);
      if (bytesWritten <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
      written += bytesWritten;
    }
    await fh.datasync();
  } catch (e) {
    await fh.truncate(size).catch(() => undefined);
    throw describeDiskError(e, what);
  }
}
