// Seals and checksums blocks on a worker thread, so uploads do that in parallel with the main thread: the
// CRC-64/NVME of the plaintext, and the block sealed under its data key. What is stored needs no digest of its own:
// its GCM tag authenticates it.
import { Worker } from 'node:worker_threads';
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { sealBlock, TAG_BYTES } from './crypto/seal.ts';

export interface BlockDigest {
  /** CRC-64/NVME of the plaintext. */
  crc64: bigint;
  /** What to store: ciphertext and tag. For a large block, a view of its shared buffer, sealed in place. */
  sealed: Buffer;
}

export interface SealWith {
  key: Buffer;
  blockId: string;
}

/** Below this size a block is hashed inline: posting it to a worker costs more than hashing it. */
const INLINE_BELOW = 256 * 1024;

export function hashInline(data: Uint8Array, seal: SealWith): BlockDigest {
  const sealed = sealBlock(seal.key, seal.blockId, data);
  return {
    crc64: new Crc64Nvme().update(data).digestBigInt(),
    sealed,
  };
}

/** A worker that had no block for this long stops, and gives back its memory; the next large block starts one. */
const IDLE_MS = 1000;

/** One worker, started on first use and never keeping the process alive. It seals blocks in place. */
class BlockWorker {
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (m: Reply) => void; reject: (e: unknown) => void }>();

  #start(): Worker {
    const w = new Worker(new URL('./block-worker-thread.ts', import.meta.url), { name: 'mimeo-blocks' });
    w.unref();
    w.on('message', (m: Reply) => {
      const p = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) {
        w.unref();
        this.#idle = setTimeout(() => {
          this.#worker = undefined;
          void w.terminate();
        }, IDLE_MS).unref();
      }
      p?.resolve(m);
    });
    const fail = (err: unknown) => {
      // A worker stopped for idleness is no longer this.#worker, and had nothing waiting.
      if (this.#worker !== w) return;
      for (const p of this.#waiting.values()) p.reject(err);
      this.#waiting.clear();
      this.#worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`block worker exited with ${code}`)));
    return w;
  }

  /**
   * Seals `data` under the data key and hashes it. A small block is sealed into a buffer of its own. A large block
   * is sealed in place: `data` must then be a view of a buffer in shared memory (`blockBuffers`) with TAG_BYTES of room after it,
   * and `sealed` is a view of that same buffer, to give back once it is written. Its plaintext is gone.
   */
  async hash(data: Uint8Array, seal: SealWith): Promise<BlockDigest> {
    if (data.byteLength < INLINE_BELOW) return hashInline(data, seal);
    const buffer = data.buffer;
    if (
      !(buffer instanceof SharedArrayBuffer) ||
      buffer.byteLength < data.byteOffset + data.byteLength + TAG_BYTES
    )
      throw new Error('a large block is sealed in place: it needs a shared buffer with room for its tag');
    clearTimeout(this.#idle);
    this.#worker ??= this.#start();
    const id = this.#next++;
    const d = await new Promise<Reply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker!.ref();
      this.#worker!.postMessage({
        id,
        buffer,
        offset: data.byteOffset,
        length: data.byteLength,
        key: seal.key,
        blockId: seal.blockId,
      } satisfies Job);
    });
    const sealed = Buffer.from(buffer, data.byteOffset, data.byteLength + TAG_BYTES);
    return { crc64: d.crc64, sealed };
  }
}

/** A job for the worker: the block is `length` bytes at `offset` of `buffer`, its tag right after it. */
export interface Job {
  id: number;
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
  key: Uint8Array;
  blockId: string;
}

/** The worker's answer: the digests of a sealed block. */
export interface Reply {
  id: number;
  crc64: bigint;
}

export const blockWorker = new BlockWorker();
