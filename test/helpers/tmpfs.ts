// A small tmpfs to fill up: a real file system that runs out of room. Mounting takes root.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Tmpfs {
  path: string;
  /** Bytes free to an unprivileged writer. */
  free(): Promise<number>;
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `size` (as mount takes it: `64m`), or says why it cannot: the reason a test skips with. */
export async function mountTmpfs(size: string): Promise<Tmpfs | { skip: string }> {
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs takes root, and this runs as another user' };
  const path = await mkdtemp(join(tmpdir(), 'mimeo-tmpfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', path]);
  } catch (err) {
    await rm(path, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}` };
  }
  return {
    path,
    free: async () => {
      const s = await statfs(path);
      return s.bavail * s.bsize;
    },
    unmount: async () => {
      await run('umount', [path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}
