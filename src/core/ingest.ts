// Streams a body into blocks sealed under one new data key: md5, sha256 and CRC-64/NVME computed in flight,
// memory bounded by the blocks in flight. A large block goes through three threads in turn: the main thread fills
// it, the md5 worker hashes it, the block worker checksums and seals it; then it is written.
import { createHash } from 'node:crypto';
import type { BlockStore } from '../blocks/block-store.ts';
import type { DiskReserve } from '../blocks/reserve.ts';
import type { MetaStore } from '../meta/meta-store.ts';
import { type BlockBudget, type BufferLease, POOLED_FROM } from './block-budget.ts';
import type { BlockInfo } from './block-rows.ts';
import { blockWorker } from './block-worker.ts';
import { blockBuffers } from './buffer-pool.ts';
import { Checkpointer } from './checkpoint.ts';
import { crc64Combine, crc64ToBase64 } from './checksums/crc64nvme.ts';
import { type ExtraAlgorithm, incremental } from './checksums/extra.ts';
import { type DataKey, newDataKey, TAG_BYTES } from './crypto/seal.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';
import { newBlockId, newId } from './ids.ts';
import { BodyMd5 } from './md5-worker.ts';
import type { Extent } from './model.ts';
import { copyInto } from './shared-copy.ts';
import { SmallBlockStore } from './small-blocks.ts';
import { admitWrite, stillAdmitted } from './space.ts';
import { moved } from './young-gc.ts';

export interface IngestDeps {
  meta: MetaStore;
  blocks: BlockStore;
  blockSize: number;
  gcGraceSeconds: number;
  reserve?: DiskReserve;
  buffers: BlockBudget;
}

export interface IngestResult {
  /** The extra checksums asked for, base64. */
  extra: Partial<Record<ExtraAlgorithm, string>>;
  size: number;
  extents: Extent[];
  blocks: BlockInfo[];
  md5: string;
  /** Hex; empty when the writer did not want it (`wholeSha256: false`). */
  sha256: string;
  crc64nvme: string;
  /** The lease that protects the blocks until the caller's commit; release it after committing. */
  leaseId: string | null;
  /** The data key every block is sealed under: the caller's commit wraps it into the new version's key ring. */
  dek: DataKey;
}

/** A block this long or longer is filled in a shared buffer, which the block worker seals in place. */
const SHARE_FROM = POOLED_FROM;

/**
 * Blocks holding a buffer at most at once: being hashed, sealed, or copied into the block store. Blocks are sealed
 * in place, so each holds one block buffer, until the store has copied it (see BlockStore.put); when the budget has
 * no room for more, fewer are held. When a block still held its buffer through its sync, four gave about 12% more
 * than two, and three within 5% of four with 8 to 14 MiB less resident memory for a 1 GiB upload.
 */
const BUFFERS_IN_FLIGHT = 3;

/**
 * Blocks in flight at most at once, those whose buffer is free again and whose file is being synced included. A
 * block's sync holds no buffer, only a file and a thread of the pool that waits for the disk. A block's syncs (its
 * file, its directory) took 40-55 ms under a 1 GiB upload, when filling, hashing and sealing it took 25-35: with six
 * in flight the main thread waited for a sync about as long as for a buffer, with twelve it seldom did.
 */
const BLOCKS_IN_FLIGHT = 12;

/**
 * Reads `body` to its end and stores it as blocks placed from file offset `at`. Throws EntityTooLarge past
 * `maxSize`, IncompleteBody when the body is shorter than `expectedSize`, BadDigest when `expectedMd5` (base64)
 * differs, and InsufficientStorage when writes wait for room (see space.ts) or the block store has none. The blocks
 * are unreferenced until the caller commits metadata that points to them; when it throws, the blocks it wrote are
 * deleted again.
 *
 * A body that will fill a block buffer waits for room in the budget before its first byte is read, and is refused
 * with SlowDown when none comes in time; a body of unknown length waits when it first needs a buffer.
 */
export async function ingest(
  deps: IngestDeps,
  body: AsyncIterable<Uint8Array>,
  options: {
    at?: number;
    expectedSize?: number;
    maxSize?: number;
    expectedMd5?: string;
    /** Whether to compute the sha256 of the whole body (default true): S3 computes it only when asked. */
    wholeSha256?: boolean;
    /** Checksums to compute besides md5, sha256 and CRC-64/NVME. */
    algorithms?: readonly ExtraAlgorithm[];
    /** Checksums the body must have (base64), read once the body has ended (they may come in trailers). */
    expected?: () => Partial<Record<ExtraAlgorithm | 'sha256' | 'crc64nvme', string>>;
    signal?: AbortSignal;
    /** The data key to seal the blocks under; a new one by default. */
    dek?: DataKey;
  } = {},
): Promise<IngestResult> {
  const at0 = options.at ?? 0;
  const md5 = new BodyMd5();
  const sha = options.wholeSha256 === false ? undefined : createHash('sha256');
  const extras = (options.algorithms ?? []).map((a) => [a, incremental(a)] as const);
  const blocks: BlockInfo[] = [];
  const crcs: bigint[] = [];
  const extents: Extent[] = [];
  const inflight = new Set<Promise<void>>();
  /** The blocks in flight that still hold their buffer, each as the promise that it gives it back. */
  const holding = new Set<Promise<void>>();
  let failure: unknown;
  let size = 0;
  /** Bytes already cut into blocks. */
  let flushed = 0;
  /**
   * The block being filled: its first chunks are kept by reference; past SHARE_FROM bytes it moves into a shared
   * block buffer and later chunks are copied in as they come, so they die young instead of living a whole block.
   */
  let parts: Uint8Array[] = [];
  let filling: Buffer | undefined;
  let fill = 0;
  await admitWrite(deps);
  const dek = options.dek ?? newDataKey(newId('k'));
  const bufferSize = deps.blockSize + TAG_BYTES;
  let lease: BufferLease | undefined;
  if (deps.blockSize >= SHARE_FROM && (options.expectedSize ?? 0) >= SHARE_FROM)
    lease = await deps.buffers.lease(bufferSize, { direction: 'upload', signal: options.signal });
  const checkpoint = new Checkpointer(deps, blocks);
  /** Blocks handed to the store: deleted again if the ingest fails. */
  const written: string[] = [];

  const flush = async (last: boolean) => {
    if (fill === 0) return;
    const length = fill;
    // The body's small tail goes in with the caller's commit: one block at most, so memory stays bounded.
    const inline = last && deps.blocks instanceof SmallBlockStore && deps.blocks.holds(length);
    const shared = filling;
    const data = shared ? shared.subarray(0, length) : Buffer.allocUnsafe(length);
    if (!shared) {
      let at = 0;
      for (const p of parts) {
        data.set(p, at);
        at += p.byteLength;
      }
    }
    parts = [];
    filling = undefined;
    fill = 0;
    const index = blocks.length;
    const id = newBlockId();
    blocks.push({ id, size: length, sha256: '', crc64: '', dekId: dek.id });
    extents.push({ fileOffset: at0 + flushed, length, blockId: id, blockOffset: 0 });
    flushed += length;
    while (holding.size >= BUFFERS_IN_FLIGHT) await Promise.race(holding);
    while (inflight.size >= BLOCKS_IN_FLIGHT) await Promise.race(inflight);
    if (failure) {
      if (shared) blockBuffers.give(shared);
      throw failure;
    }
    // A large block's buffer goes back to the pool once nothing reads it: when the store has copied it (its sync
    // may go on), or when the block settles, written or not.
    const { promise: freed, resolve: free } = Promise.withResolvers<void>();
    const giveBack = () => {
      if (!holding.delete(freed)) return;
      if (shared) blockBuffers.give(shared);
      free();
    };
    holding.add(freed);
    // The block is sealed in place, so only once its md5 is taken; the md5 worker meanwhile goes on to the next.
    const p: Promise<void> = md5
      .update(data)
      .then(() => blockWorker.hash(data, { key: dek.key, blockId: id }))
      .then(async (d) => {
        const info: BlockInfo = {
          id,
          size: length,
          sha256: '',
          crc64: d.crc64.toString(),
          dekId: dek.id,
        };
        crcs[index] = d.crc64;
        if (inline) info.data = shared ? Buffer.from(d.sealed) : d.sealed;
        else {
          await stillAdmitted(deps);
          written.push(id);
          await deps.blocks.put({ id, data: d.sealed, signal: options.signal, copied: giveBack });
        }
        // Registered by a checkpoint only once written: a row is written once and never corrected.
        blocks[index] = info;
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        giveBack();
        inflight.delete(p);
      });
    inflight.add(p);
  };

  try {
    for await (const chunk of body) {
      options.signal?.throwIfAborted();
      if (failure) throw failure;
      size += chunk.byteLength;
      if (options.maxSize !== undefined && size > options.maxSize) {
        throw new StorageError('EntityTooLarge', `The body is larger than ${options.maxSize} bytes.`);
      }
      if (options.expectedSize !== undefined && size > options.expectedSize) {
        throw new StorageError('InvalidArgument', 'The body is longer than its declared length.');
      }
      moved(chunk.byteLength);
      sha?.update(chunk);
      for (const [, h] of extras) h.update(chunk);
      let off = 0;
      while (off < chunk.byteLength) {
        const n = Math.min(deps.blockSize - fill, chunk.byteLength - off);
        const piece = off === 0 && n === chunk.byteLength ? chunk : chunk.subarray(off, off + n);
        if (filling) copyInto(filling, piece, fill);
        else {
          parts.push(piece);
          if (fill + n >= SHARE_FROM) {
            lease ??= await deps.buffers.lease(bufferSize, { direction: 'upload', signal: options.signal });
            filling = lease.tryTake(bufferSize) ?? (await lease.take(bufferSize, options.signal));
            let at = 0;
            for (const p of parts) {
              copyInto(filling, p, at);
              at += p.byteLength;
            }
            parts = [];
          }
        }
        fill += n;
        off += n;
        if (fill === deps.blockSize) await flush(false);
      }
    }
    await flush(true);
    await Promise.all(inflight);
    if (failure) throw failure;
    let crc = 0n;
    for (const [i, c] of crcs.entries()) crc = i === 0 ? c : crc64Combine(crc, c, blocks[i]!.size);
    if (options.expectedSize !== undefined && size < options.expectedSize) {
      throw new StorageError(
        'IncompleteBody',
        `The body has ${size} of ${options.expectedSize} declared bytes.`,
      );
    }
    await checkpoint.stop();
    const md5b = await md5.digest();
    if (options.expectedMd5 !== undefined && md5b.toString('base64') !== options.expectedMd5) {
      throw new StorageError('BadDigest', 'The Content-MD5 you specified did not match what was received.');
    }
    const result: IngestResult = {
      size,
      extents,
      blocks,
      md5: md5b.toString('hex'),
      sha256: sha ? sha.digest('hex') : '',
      crc64nvme: crc64ToBase64(crc),
      extra: Object.fromEntries(extras.map(([a, h]) => [a, h.digest()])),
      leaseId: checkpoint.leaseId,
      dek,
    };
    const computed: Record<string, string | undefined> = {
      ...result.extra,
      sha256: sha ? Buffer.from(result.sha256, 'hex').toString('base64') : undefined,
      crc64nvme: result.crc64nvme,
    };
    for (const [algorithm, value] of Object.entries(options.expected?.() ?? {})) {
      if (value === undefined) continue;
      if (computed[algorithm] === undefined) {
        throw new StorageError(
          'InvalidArgument',
          `The ${algorithm} checksum was not computed for this request.`,
        );
      }
      if (computed[algorithm] !== value) {
        throw new StorageError(
          'BadDigest',
          `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
          {
            details: { algorithm },
          },
        );
      }
    }
    return result;
  } catch (err) {
    await Promise.allSettled(inflight);
    await checkpoint.release();
    await discardBlocks(
      deps.blocks,
      written.map((id) => ({ id })),
    );
    throw err;
  } finally {
    // The block being filled when the body failed; every block in flight has settled and given its buffer back.
    if (filling) blockBuffers.give(filling);
    lease?.close();
    md5.close();
  }
}

export const ingestDepsOf = (deps: CoreDeps): IngestDeps => ({
  meta: deps.meta,
  blocks: deps.blocks,
  blockSize: deps.limits.blockSize,
  gcGraceSeconds: deps.gcGraceSeconds,
  reserve: deps.reserve,
  buffers: deps.buffers,
});

export type IngestOptions = Parameters<typeof ingest>[2];

/**
 * Deletes the blocks of a write that will never commit, those in the block store (a small block kept in the commit
 * went with it). Best effort: what is left, the collector takes after the grace period.
 */
export async function discardBlocks(
  store: BlockStore,
  blocks: readonly { id: string; data?: Uint8Array }[],
): Promise<void> {
  for (const b of blocks) if (b.data === undefined) await store.delete({ id: b.id }).catch(() => {});
}
