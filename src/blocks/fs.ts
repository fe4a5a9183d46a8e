// BlockStore on a local directory: write to a temp file, fsync, rename, fsync the directory.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, opendir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DIRECT_ALIGN, onPageBoundary } from './aligned.ts';
import {
  assertBlockId,
  BLOCK_ID,
  BlockMissingError,
  type BlockRef,
  type BlockStore,
  BlockStoreFullError,
  type PutOptions,
  type ReadOptions,
} from './block-store.ts';
import { keyToPath } from './secure-path.ts';

/** A temp file this old belongs to no write in progress. */
const STALE_TEMP_MS = 10 * 60 * 1000;

/** From this size, a block in page-aligned memory is written past the page cache (see #writeDirect). */
const DIRECT_FROM = 1024 * 1024;

const DIRECT_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT;

export class FsBlockStore implements BlockStore {
  readonly kind = 'fs';
  readonly #root: string;
  readonly #tmp: string;
  readonly #knownDirs = new Set<string>();
  /** Whether this file system takes direct writes: until it refuses one. */
  #direct = constants.O_DIRECT !== undefined;

  constructor(options: { root: string }) {
    this.#root = join(options.root, 'blocks');
    this.#tmp = join(options.root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    await mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    // Temp files are never referenced: a crash may leave some behind. Only old ones go, since another process on
    // the same directory (a live server beside `mimeo gc`) may be writing its own; a write takes seconds at most.
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(this.#tmp)) {
      const path = join(this.#tmp, name);
      const s = await stat(path).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  /** Throws BlockStoreFullError when the file system has no room (ENOSPC) or the quota is spent (EDQUOT). */
  async put(options: PutOptions): Promise<void> {
    assertBlockId(options.id);
    options.signal?.throwIfAborted();
    const target = keyToPath(this.#root, options.id);
    const tmp = join(this.#tmp, `${options.id}.${randomBytes(4).toString('hex')}`);
    try {
      await this.#write(tmp, target, options.data, options.copied);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'ENOSPC' || code === 'EDQUOT' ? new BlockStoreFullError(options.id, err) : err;
    }
  }

  async #write(tmp: string, target: string, data: Uint8Array, copied?: () => void): Promise<void> {
    // The bytes first: the caller's buffer is free once they are out of it, so nothing waits for the directories,
    // whose syncs queue behind other writes' syncs in the thread pool.
    const direct =
      this.#direct &&
      data.byteLength >= DIRECT_FROM &&
      onPageBoundary(data) &&
      (await this.#writeDirect(tmp, data, copied));
    if (!direct) await this.#writeBuffered(tmp, data, copied);
    const dir = dirname(target);
    if (!this.#knownDirs.has(dir)) {
      // A directory made here is synced into its parent before a block in it counts as written.
      const made = await mkdir(dir, { recursive: true, mode: 0o700 });
      if (made !== undefined) {
        for (let d = dir; d !== dirname(made); d = dirname(d)) await syncDir(dirname(d));
      }
      this.#knownDirs.add(dir);
    }
    await rename(tmp, target);
    await syncDir(dir);
  }

  async #writeBuffered(tmp: string, data: Uint8Array, copied?: () => void): Promise<void> {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await writeAll(fh, data, 0);
      // The bytes are in the page cache: the caller's buffer is free while they reach the disk.
      copied?.();
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  /**
   * Writes the block's whole pages with O_DIRECT, from the caller's memory to the disk, and the rest (its last
   * partial page, with the tag) through the page cache, from a copy taken first so that the caller's buffer is free
   * once the whole pages are on the device; then syncs the file. Filling the page cache cost about 1.2 ms of kernel
   * CPU per MiB on the machine of docs/benchmarks.md, more than sealing the block, against 0.15 for the direct
   * write. A block read later fills the cache then. False, with nothing left behind, when the file system refuses
   * direct writes (tmpfs on older kernels refuses the open): the caller writes the block through the page cache,
   * and so does every later write to this store.
   */
  async #writeDirect(tmp: string, data: Uint8Array, copied?: () => void): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(tmp, DIRECT_FLAGS, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      this.#direct = false;
      return false;
    }
    const whole = data.byteLength - (data.byteLength % DIRECT_ALIGN);
    let off = 0;
    try {
      // A short write that ends off a page boundary leaves the rest to the page cache.
      while (off < whole && off % DIRECT_ALIGN === 0) {
        const { bytesWritten } = await fh.write(data, off, whole - off, off);
        off += bytesWritten;
      }
    } catch (err) {
      await fh.close();
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      await unlink(tmp);
      this.#direct = false;
      return false;
    }
    try {
      const rest = Buffer.from(data.subarray(off));
      // The whole pages are on the device and the rest is copied: the caller's buffer is free.
      copied?.();
      if (rest.byteLength > 0) {
        const tail = await open(tmp, 'r+');
        try {
          await writeAll(tail, rest, off);
        } finally {
          await tail.close();
        }
      }
      // A file's sync covers what any descriptor wrote to it.
      await fh.datasync();
    } finally {
      await fh.close();
    }
    return true;
  }

  async read(options: ReadOptions): Promise<Buffer> {
    assertBlockId(options.id);
    const path = keyToPath(this.#root, options.id);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlockMissingError(options.id, err);
      throw err;
    }
    try {
      const offset = options.offset ?? 0;
      const length = options.length ?? (await fh.stat()).size - offset;
      const buf = options.into ? options.into.subarray(0, length) : Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got < length)
        throw new BlockMissingError(options.id, new Error(`short block: ${got} of ${length}`));
      return buf;
    } finally {
      await fh.close();
    }
  }

  async delete(options: BlockRef): Promise<void> {
    assertBlockId(options.id);
    await rm(keyToPath(this.#root, options.id), { force: true });
  }

  async *list(options: { signal?: AbortSignal } = {}): AsyncIterable<{ id: string; mtimeMs: number }> {
    for await (const path of walk(this.#root)) {
      options.signal?.throwIfAborted();
      const id = path.slice(path.lastIndexOf('/') + 1);
      if (!BLOCK_ID.test(id)) continue;
      const st = await stat(path).catch(() => undefined);
      if (st) yield { id, mtimeMs: st.mtimeMs };
    }
  }

  async close(): Promise<void> {}
}

/** Writes the whole of `data` at `position` in the file. */
async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < data.byteLength) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off, position + off);
    off += bytesWritten;
  }
}

async function* walk(dir: string): AsyncIterable<string> {
  let handle: Awaited<ReturnType<typeof opendir>>;
  try {
    handle = await opendir(dir);
  } catch {
    return;
  }
  for await (const entry of handle) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile()) yield p;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
