// SQL for block rows: registered with their writer's lease, collected only when unreferenced and past the grace.
import type { Tx } from '../meta/meta-store.ts';

export interface BlockInfo {
  id: string;
  size: number;
  /** sha256 of the stored bytes of a block written before encryption; empty for a sealed block (its tag checks it). */
  sha256: string;
  /** CRC-64/NVME of the whole block's plaintext, as a decimal string of the unsigned value. */
  crc64: string;
  /** The data key the block is sealed under; null for a block written before encryption (plaintext). */
  dekId: string | null;
  /** The bytes of a small block, stored as a row with the block's (see SmallBlockStore). */
  data?: Uint8Array;
}

const BATCH = 400;

/** Inserts block rows and the bytes of small blocks; rows that a checkpoint already inserted stay as they are. */
export async function insertBlocks(
  tx: Tx,
  blocks: readonly BlockInfo[],
  options: { leaseId: string | null; now: number },
): Promise<void> {
  for (let i = 0; i < blocks.length; i += BATCH) {
    const batch = blocks.slice(i, i + BATCH);
    const params: (string | number | null)[] = [];
    for (const b of batch)
      params.push(b.id, b.size, b.sha256, b.crc64, b.dekId, options.leaseId, options.now);
    await tx.run(
      `INSERT INTO blocks (id, size, sha256, crc64, dek_id, lease_id, created_at) VALUES ${batch
        .map(() => '(?, ?, ?, ?, ?, ?, ?)')
        .join(', ')} ON CONFLICT (id) DO NOTHING`,
      params,
    );
    const small = batch.filter((b) => b.data !== undefined);
    if (small.length > 0) {
      await tx.run(
        `INSERT INTO block_data (id, data, created_at) VALUES ${small
          .map(() => '(?, ?, ?)')
          .join(', ')} ON CONFLICT (id) DO NOTHING`,
        small.flatMap((b) => [b.id, b.data!, options.now]),
      );
    }
  }
}

/** Block rows by id. */
export async function getBlocks(tx: Tx, ids: readonly string[]): Promise<Map<string, BlockInfo>> {
  const out = new Map<string, BlockInfo>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const rows = await tx.all<Omit<BlockInfo, 'dekId'> & { dek_id: string | null }>(
      `SELECT id, size, sha256, crc64, dek_id FROM blocks WHERE id IN (${batch.map(() => '?').join(', ')})`,
      batch,
    );
    for (const { dek_id, ...r } of rows) out.set(r.id, { ...r, dekId: dek_id });
  }
  return out;
}
