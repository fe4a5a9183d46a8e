// A body stored as blocks and committed as metadata in one transaction: the write path of every upload.
import { MetaStoreFullError, type Tx } from '../meta/meta-store.ts';
import { insertBlocks } from './block-rows.ts';
import { releaseLease } from './checkpoint.ts';
import type { ExtraAlgorithm } from './checksums/extra.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { StorageError } from './errors.ts';
import { discardBlocks, type IngestOptions, type IngestResult, ingest, ingestDepsOf } from './ingest.ts';
import { createManifest } from './repo/manifests.ts';
import { checkSize } from './size-limit.ts';

/** What a writer may say about the body it sends: its length, its MD5, the checksums to compute and expect. */
export interface BodyChecks {
  /** Declared length; a shorter body fails with IncompleteBody. */
  size?: number;
  /** Base64 MD5 the body must have. */
  contentMd5?: string;
  /** Checksums to compute besides md5, sha256 and CRC-64/NVME, and the values the body must have. */
  algorithms?: readonly ExtraAlgorithm[];
  expected?: () => Partial<Record<ExtraAlgorithm | 'sha256' | 'crc64nvme', string>>;
  signal?: AbortSignal;
  /** Whether the version gets the sha256 of its whole body; yes unless the writer says no. */
  wholeSha256?: boolean;
}

/** A Content-MD5 is the base64 of 16 bytes: anything else is InvalidDigest, refused before the body is read. */
export function checkContentMd5(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]{22}==$/.test(value))
    throw new StorageError('InvalidDigest', 'The Content-MD5 you specified is not valid.');
  return value;
}

export const checksOf = (c: BodyChecks): IngestOptions => ({
  expectedSize: c.size,
  expectedMd5: checkContentMd5(c.contentMd5),
  wholeSha256: c.wholeSha256,
  algorithms: c.algorithms,
  expected: c.expected,
  signal: c.signal,
});

/**
 * Stores a body, then runs `commit` in one transaction in which the body's blocks are registered and a manifest
 * made for them. When that transaction surely did not commit (`commit` threw, or the store had no room), nothing
 * points at the blocks and they are deleted at once; otherwise GC takes what nothing references. The upload's lease
 * is released either way. A body is at most the largest object (`limits.maxObjectSize`): EntityTooLarge past it,
 * before a byte is read when its declared size says so.
 */
export async function storeBody<T>(
  deps: CoreDeps,
  body: AsyncIterable<Uint8Array>,
  options: IngestOptions,
  commit: (tx: Tx, stored: IngestResult & { manifestId: string }, now: number) => Promise<T>,
): Promise<T> {
  const maxSize = Math.min(options?.maxSize ?? Number.MAX_SAFE_INTEGER, deps.limits.maxObjectSize);
  if (options?.expectedSize !== undefined) checkSize(deps, options.expectedSize);
  const stored = await ingest(ingestDepsOf(deps), body, { ...options, maxSize });
  const now = nowOf(deps);
  let refused = false;
  try {
    return await deps.meta.tx(async (tx) => {
      refused = false;
      await insertBlocks(tx, stored.blocks, { leaseId: null, now });
      const manifestId = await createManifest(tx, { size: stored.size, extents: stored.extents, now });
      try {
        return await commit(tx, { ...stored, manifestId }, now);
      } catch (err) {
        refused = true;
        throw err;
      }
    });
  } catch (err) {
    if (refused || err instanceof MetaStoreFullError) await discardBlocks(deps.blocks, stored.blocks);
    throw err;
  } finally {
    await releaseLease(deps.meta, stored.leaseId);
  }
}
