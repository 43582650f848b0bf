// Disk faults for durability tests: a real full disk (a small tmpfs, only as root, as CI runs) and
// short or failing writes (FileHandle.write wrapped, as a nearly full disk behaves).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Mounts a tmpfs of `size` (e.g. '256k') for the enclosing describe block; tests using the returned
 * getter are skipped, with the reason, when not running as root.
 */
export function withSmallDisk(size: string): () => string {
  let dir = '';
  before(function () {
    if (process.getuid?.() !== 0) {
      console.log(`      (skipped: mounting a ${size} tmpfs to fill the disk needs root, as CI runs the tests)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  });
  after(() => {
    if (!dir) return;
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** Fills the file system holding `dir` up to the last byte, with a file named filler-…; returns its path. */
export async function fillDisk(dir: string): Promise<string> {
  const path = join(dir, `filler-${Date.now()}-${Math.random()}`);
  const fh = await open(path, 'a');
  const block = Buffer.alloc(4096, 0x78);
  try {
    for (;;) await fh.write(block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    await fh.close();
  }
  return path;
}

type WriteResult = Promise<{ bytesWritten: number; buffer: Buffer }>;
/** Gets the write's buffer, offset and length, and the real write (which it may call with a shorter length). */
type WriteHook = (buffer: Buffer, offset: number, length: number, write: (length: number) => WriteResult) => WriteResult;

/**
 * Wraps every FileHandle.write and writev in this process with `hook` until the returned restore
 * function is called. The hook may shorten the length (a short write) or throw (a failing disk).
 */
export async function wrapFileWrites(hook: WriteHook): Promise<() => void> {
  const probe = await open(__filename, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<'write' | 'writev', (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  const { write, writev } = proto;
  const hooked = (handle: FileHandle, buffer: Buffer, offset: number, length: number, position: unknown) =>
    hook(buffer, offset, length, (n) => write.call(handle, buffer, offset, n, position) as WriteResult);
  proto.write = function (this: FileHandle, ...args: unknown[]) {
    const [data, offset, length, position] = args;
    if (typeof data === 'string') {
      // write(string, position?, encoding?)
      const buffer = Buffer.from(data, typeof length === 'string' ? (length as BufferEncoding) : 'utf8');
      return hooked(this, buffer, 0, buffer.length, offset).then(({ bytesWritten }) => ({ bytesWritten, buffer: data }));
    }
    if (!Buffer.isBuffer(data)) return write.apply(this, args);
    const from = typeof offset === 'number' ? offset : 0;
    return hooked(this, data, from, typeof length === 'number' ? length : data.length - from, position);
  };
  proto.writev = function (this: FileHandle, buffers: unknown, position: unknown) {
    const all = Buffer.concat(buffers as Buffer[]);
    return hooked(this, all, 0, all.length, position).then(({ bytesWritten }) => ({ bytesWritten, buffers }));
  };
  return () => {
    Object.assign(proto, { write, writev });
  };
}

/** A hook writing at most `max` bytes per call, as write(2) may on a nearly full disk. */
export function shortWrites(max: number): WriteHook {
  return (_buffer, _offset, length, write) => write(Math.min(length, max));
}

export function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}
