// Reading a block's plaintext: a whole block is authenticated (GCM tag, or sha256 for a block written before
// encryption); a part of one is deciphered alone, from the 16-byte boundary below it.
import { createHash } from 'node:crypto';
import { BlockMissingError } from '../blocks/block-store.ts';
import {
  alignedStart,
  BlockAuthError,
  openBlock,
  openBlockInTurns,
  openBlockRange,
  TAG_BYTES,
} from './crypto/seal.ts';
import type { CoreDeps } from './deps.ts';
import { StorageError } from './errors.ts';

export interface BlockRef {
  id: string;
  /** Plaintext size. */
  size: number;
  sha256: string;
  dekId: string | null;
  /** The stored bytes of a block kept as a row, when the caller has them. */
  data?: Uint8Array | undefined;
}

/** The data keys a read may need, by id; from the key ring of the version read. */
export type Keys = ReadonlyMap<string, Buffer>;

function keyOf(block: BlockRef, keys: Keys): Buffer {
  const key = keys.get(block.dekId!);
  if (!key)
    throw new StorageError('InternalError', `No data key opens block ${block.id}.`, { resource: block.id });
  return key;
}

const corrupted = (id: string, why: string, cause?: unknown) =>
  new StorageError('DataCorrupted', `Block ${id} ${why}.`, { resource: id, cause });

/**
 * The whole plaintext of a block, authenticated. Given `into` (a buffer of the block's stored size), a block from
 * the block store is read into it and deciphered in place; the caller keeps `into` whether this succeeds or not.
 */
export async function readWholeBlock(
  deps: CoreDeps,
  block: BlockRef,
  keys: Keys,
  into?: Buffer,
): Promise<Buffer> {
  if (into && !block.data && block.dekId !== null)
    return open(block, keys, await fetch(deps, block, { length: into.length, into }));
  const stored = await fetch(deps, block, {});
  if (block.dekId === null) {
    if (stored.length !== block.size || createHash('sha256').update(stored).digest('hex') !== block.sha256)
      throw corrupted(block.id, 'failed its sha256 check');
    return stored;
  }
  return open(block, keys, stored);
}

/** A block this large is deciphered in turns, letting other requests run between its pieces. */
const IN_TURNS_FROM = 1024 * 1024;

/** Deciphers a sealed block in place and checks its tag. */
async function open(block: BlockRef, keys: Keys, stored: Buffer): Promise<Buffer> {
  if (stored.length !== block.size + TAG_BYTES) throw corrupted(block.id, 'has the wrong length');
  const key = keyOf(block, keys);
  try {
    if (block.size >= IN_TURNS_FROM) return await openBlockInTurns(key, block.id, stored);
    return openBlock(key, block.id, stored);
  } catch (err) {
    if (err instanceof BlockAuthError) throw corrupted(block.id, 'failed its authentication', err);
    throw err;
  }
}

/** Plaintext bytes [offset, offset + length) of a block, not authenticated (the whole block is not read). */
export async function readBlockRange(
  deps: CoreDeps,
  block: BlockRef,
  keys: Keys,
  offset: number,
  length: number,
): Promise<Buffer> {
  if (block.dekId === null) return fetch(deps, block, { offset, length });
  const from = alignedStart(offset);
  const cipher = await fetch(deps, block, { offset: from, length: offset + length - from });
  return openBlockRange(keyOf(block, keys), block.id, from, cipher).subarray(offset - from);
}

async function fetch(
  deps: CoreDeps,
  block: BlockRef,
  range: { offset?: number; length?: number; into?: Buffer },
) {
  try {
    if (block.data) {
      // A copy: the row's bytes may be read again for another extent of the same block, and a whole block is
      // deciphered in place.
      const all = Buffer.from(block.data);
      return range.offset === undefined ? all : all.subarray(range.offset, range.offset + range.length!);
    }
    return await deps.blocks.read({ id: block.id, ...range });
  } catch (err) {
    if (err instanceof BlockMissingError) throw corrupted(block.id, 'is missing', err);
    throw err;
  }
}
