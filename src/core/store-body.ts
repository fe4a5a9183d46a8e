// A body stored as blocks and committed as metadata in one transaction: the write path of every upload.
import { MetaStoreFullError, type Tx } from '../meta/meta-store.ts';
import { insertBlocks } from './block-rows.ts';
import type { ExtraAlgorithm } from './checksums/extra.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { discardBlocks, type IngestOptions, type IngestResult, ingest, ingestDepsOf } from './ingest.ts';
import { releaseLease } from './ingest-lease.ts';
import { createManifest } from './repo/manifests.ts';

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

export const checksOf = (c: BodyChecks): IngestOptions => ({
  expectedSize: c.size,
  expectedMd5: c.contentMd5,
  wholeSha256: c.wholeSha256,
  algorithms: c.algorithms,
  expected: c.expected,
  signal: c.signal,
});

/**
 * Stores a body, then runs `commit` in one transaction in which the body's blocks are registered and a manifest
 * made for them. When that transaction surely did not commit (`commit` threw, or the store had no room), nothing
 * points at the blocks and they are deleted at once; otherwise GC takes what nothing references. The upload's lease
 * is released either way.
 */
export async function storeBody<T>(
  deps: CoreDeps,
  body: AsyncIterable<Uint8Array>,
  options: IngestOptions,
  commit: (tx: Tx, stored: IngestResult & { manifestId: string }, now: number) => Promise<T>,
): Promise<T> {
  const stored = await ingest(ingestDepsOf(deps), body, options);
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
