// Room held back on the data directory's file system: a file given up when the disk is full, so that deletes and
// GC, which need a little room to record what they free, can always run.
import { randomBytes, randomFill } from 'node:crypto';
import { open, rename, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const RESERVE_FILE = 'reserve';

const fillRandom = promisify(randomFill);
const CHUNK = 1024 * 1024;
/** How long a reserve seen in place is taken to be there without looking again: every write asks. */
const SEEN_MS = 1000;

/**
 * The reserve is a file of `bytes` bytes in the data directory; whether it is in place is read from the file
 * itself, so that every process on the directory (the server, `mimeo gc`) agrees.
 */
export class DiskReserve {
  /** The reserve's size; 0 turns it off. */
  readonly bytes: number;
  readonly #dir: string;
  readonly #path: string;
  /** Restores and releases of this process run one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Until when the reserve is known to be in place; this process's releases end it at once. */
  #seenUntil = 0;

  constructor(options: { dir: string; bytes: number }) {
    this.bytes = options.bytes;
    this.#dir = options.dir;
    this.#path = join(options.dir, RESERVE_FILE);
  }

  /** Whether the reserve is in place; always, when it is off. */
  async held(): Promise<boolean> {
    if (this.bytes === 0 || Date.now() < this.#seenUntil) return true;
    return this.#seen((await this.#size()) === this.bytes);
  }

  /**
   * Makes the reserve when it is missing, if the file system has room for it twice over: once it is made, as much is
   * left for writes. Resolves with whether the reserve is in place. The file is filled with random bytes, which a
   * compressing file system cannot store in less room, and appears whole or not at all.
   */
  restore(): Promise<boolean> {
    // Every write asks: a reserve seen in place a moment ago is taken to be there still, as held() does.
    if (this.bytes === 0 || Date.now() < this.#seenUntil) return Promise.resolve(true);
    return this.#serial(async () => {
      if (this.bytes === 0) return true;
      const size = await this.#size();
      if (size === this.bytes) return this.#seen(true);
      // A reserve of another size (the setting changed) is made anew.
      if (size >= 0) await unlink(this.#path).catch(() => {});
      const fs = await statfs(this.#dir);
      if (fs.bavail * fs.bsize < 2 * this.bytes) return false;
      const tmp = join(this.#dir, 'tmp', `${RESERVE_FILE}.${randomBytes(4).toString('hex')}`);
      try {
        await write(tmp, this.bytes);
        await rename(tmp, this.#path);
      } catch (err) {
        await unlink(tmp).catch(() => {});
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT') return false;
        throw err;
      }
      return this.#seen(true);
    });
  }

  /** Deletes the reserve file, giving its room to the file system. Resolves with whether there was one. */
  release(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.bytes === 0) return false;
      this.#seenUntil = 0;
      try {
        await unlink(this.#path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    });
  }

  #seen(held: boolean): boolean {
    this.#seenUntil = held ? Date.now() + SEEN_MS : 0;
    return held;
  }

  /** The reserve file's size, -1 when there is none. */
  #size(): Promise<number> {
    return stat(this.#path).then(
      (s) => s.size,
      () => -1,
    );
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

async function write(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, bytes));
    for (let at = 0; at < bytes; ) {
      await fillRandom(buf);
      const { bytesWritten } = await fh.write(buf, 0, Math.min(buf.length, bytes - at), at);
      at += bytesWritten;
    }
  } finally {
    await fh.close();
  }
}
