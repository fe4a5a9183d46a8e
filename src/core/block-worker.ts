// Seals and checksums blocks on a worker thread, so uploads do that in parallel with the main thread: the
// CRC-64/NVME of the plaintext, and the block sealed under its data key. What is stored needs no digest of its own:
// its GCM tag authenticates it.
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { sealBlock, TAG_BYTES } from './crypto/seal.ts';
import { WorkerClient } from './worker-client.ts';

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

/** The block worker: it seals blocks in place. */
class BlockWorker {
  readonly #client = new WorkerClient<Job, Reply>(
    new URL('./block-worker-thread.ts', import.meta.url),
    'mimeo-blocks',
  );

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
    const d = await this.#client.request({
      id: this.#client.nextId(),
      buffer,
      offset: data.byteOffset,
      length: data.byteLength,
      // A key of its own memory: a Buffer is often a view of a larger pool, which a message would copy whole.
      key: new Uint8Array(seal.key),
      blockId: seal.blockId,
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
