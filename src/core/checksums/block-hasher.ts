// Hashes blocks (sha256 and CRC-64/NVME) on a worker thread, so uploads hash in parallel with the main thread.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Crc64Nvme } from './crc64nvme.ts';

export interface BlockDigest {
  sha256: string;
  crc64: bigint;
}

/** Below this size a block is hashed inline: posting it to a worker costs more than hashing it. */
const INLINE_BELOW = 256 * 1024;

export function hashInline(data: Uint8Array): BlockDigest {
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    crc64: new Crc64Nvme().update(data).digestBigInt(),
  };
}

/**
 * One worker, started on first use and never keeping the process alive. A block in shared memory is read in
 * place; any other block is copied to the worker.
 */
class BlockHasher {
  #worker: Worker | undefined;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (d: BlockDigest) => void; reject: (e: unknown) => void }>();

  #start(): Worker {
    const w = new Worker(new URL('./block-hash-worker.ts', import.meta.url));
    w.unref();
    w.on('message', (m: { id: number } & BlockDigest) => {
      const p = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) w.unref();
      p?.resolve({ sha256: m.sha256, crc64: m.crc64 });
    });
    const fail = (err: unknown) => {
      for (const p of this.#waiting.values()) p.reject(err);
      this.#waiting.clear();
      this.#worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`block hasher exited with ${code}`)));
    return w;
  }

  hash(data: Uint8Array): Promise<BlockDigest> {
    if (data.byteLength < INLINE_BELOW) return Promise.resolve(hashInline(data));
    this.#worker ??= this.#start();
    const id = this.#next++;
    const shared = data.buffer instanceof SharedArrayBuffer;
    const buffer = shared ? data.buffer : data.slice().buffer;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker!.ref();
      this.#worker!.postMessage({
        id,
        buffer,
        offset: shared ? data.byteOffset : 0,
        length: data.byteLength,
      });
    });
  }
}

export const blockHasher = new BlockHasher();

const spare = new Map<number, Buffer[]>();
const SPARE_PER_SIZE = 4;

/** A block buffer in shared memory, which the worker reads without a copy. Reused after `releaseShared`. */
export function takeShared(size: number): Buffer {
  return spare.get(size)?.pop() ?? Buffer.from(new SharedArrayBuffer(size));
}

/** Returns a buffer from `takeShared` once nothing reads it any more. */
export function releaseShared(buf: Buffer): void {
  const list = spare.get(buf.byteLength) ?? [];
  if (list.length < SPARE_PER_SIZE) list.push(buf);
  spare.set(buf.byteLength, list);
}
