// SQL for manifests and extents: create an immutable extent list, read the extents that overlap a range.
import type { Tx } from '../../meta/meta-store.ts';
import { newId } from '../ids.ts';
import type { Extent } from '../model.ts';

const INSERT_BATCH = 400;

/** Inserts a new manifest with its extents and returns its id. Extents must be sorted and must not overlap. */
export async function createManifest(
  tx: Tx,
  options: { size: number; extents: readonly Extent[]; now: number },
): Promise<string> {
  const id = newId('m');
  await tx.run('INSERT INTO manifests (id, size, extent_count, created_at) VALUES (?, ?, ?, ?)', [
    id,
    options.size,
    options.extents.length,
    options.now,
  ]);
  for (let i = 0; i < options.extents.length; i += INSERT_BATCH) {
    const batch = options.extents.slice(i, i + INSERT_BATCH);
    const params: (string | number)[] = [];
    for (const e of batch) params.push(id, e.fileOffset, e.length, e.blockId, e.blockOffset);
    await tx.run(
      `INSERT INTO extents (manifest_id, file_offset, length, block_id, block_offset) VALUES ${batch
        .map(() => '(?, ?, ?, ?, ?)')
        .join(', ')}`,
      params,
    );
  }
  return id;
}

/**
 * A new manifest made of others end to end (a multipart completion), in SQL: one statement per piece, and no
 * extent passes through memory however many there are.
 */
export async function concatManifests(
  tx: Tx,
  options: { pieces: readonly { manifestId: string; size: number }[]; now: number },
): Promise<{ id: string; size: number }> {
  const id = newId('m');
  const size = options.pieces.reduce((n, p) => n + p.size, 0);
  await tx.run('INSERT INTO manifests (id, size, extent_count, created_at) VALUES (?, ?, 0, ?)', [
    id,
    size,
    options.now,
  ]);
  let offset = 0;
  let count = 0;
  for (const piece of options.pieces) {
    const { changes } = await tx.run(
      `INSERT INTO extents (manifest_id, file_offset, length, block_id, block_offset)
       SELECT ?, file_offset + ?, length, block_id, block_offset FROM extents WHERE manifest_id = ? AND file_offset < ?`,
      [id, offset, piece.manifestId, piece.size],
    );
    count += changes;
    offset += piece.size;
  }
  await tx.run('UPDATE manifests SET extent_count = ? WHERE id = ?', [count, id]);
  return { id, size };
}

/**
 * A LIMIT written into the statement: SQLite runs `LIMIT ?` several times slower than a literal. Callers use a few
 * fixed limits, so the statement cache holds one statement for each.
 */
function limitOf(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid limit ${n}`);
  return n;
}

interface ExtentRow {
  file_offset: number;
  length: number;
  block_id: string;
  block_offset: number;
}

/**
 * Where the extents that overlap a range starting at `start` begin: the extent that contains `start` begins at or
 * before it, every other one inside the range. No query for a range from the first byte.
 */
async function firstOffset(tx: Tx, manifestId: string, start: number): Promise<number> {
  if (start === 0) return 0;
  const first = await tx.get<{ file_offset: number }>(
    'SELECT file_offset FROM extents WHERE manifest_id = ? AND file_offset <= ? ORDER BY file_offset DESC LIMIT 1',
    [manifestId, start],
  );
  return first?.file_offset ?? start;
}

/** Extents of a manifest that overlap [start, end), in file order; at most `limit` of them. */
export async function readExtents(
  tx: Tx,
  options: { manifestId: string; start: number; end: number; limit?: number },
): Promise<Extent[]> {
  const limit = options.limit ?? 1_000_000_000;
  const rows = await tx.all<ExtentRow>(
    `SELECT file_offset, length, block_id, block_offset FROM extents
     WHERE manifest_id = ? AND file_offset >= ? AND file_offset < ? ORDER BY file_offset LIMIT ${limitOf(limit + 1)}`,
    [options.manifestId, await firstOffset(tx, options.manifestId, options.start), options.end],
  );
  const extents = rows.map((r) => ({
    fileOffset: r.file_offset,
    length: r.length,
    blockId: r.block_id,
    blockOffset: r.block_offset,
  }));
  return extentsOverlapping(extents, options.start, options.end, limit);
}

export interface ExtentBlock extends Extent {
  block: { size: number; sha256: string; dekId: string | null; data: Uint8Array | undefined } | undefined;
}

/**
 * The columns of an extent with its block row and a small block's bytes (tables extents e, blocks b, block_data d),
 * each named with `prefix` first.
 */
export const extentBlockColumns = (prefix = '') =>
  ['e.file_offset', 'e.length', 'e.block_id', 'e.block_offset', 'b.size', 'b.sha256', 'b.dek_id', 'd.data']
    .map((c) => `${c} AS ${prefix}${c.slice(2)}`)
    .join(', ');

/** The joins extentBlockColumns reads, after extents e. */
export const EXTENT_BLOCK_JOINS =
  'LEFT JOIN blocks b ON b.id = e.block_id LEFT JOIN block_data d ON d.id = e.block_id';

export type ExtentBlockRow = ExtentRow & {
  size: number | null;
  sha256: string | null;
  dek_id: string | null;
  data: Uint8Array | null;
};

export function toExtentBlock(r: ExtentBlockRow): ExtentBlock {
  return {
    fileOffset: r.file_offset,
    length: r.length,
    blockId: r.block_id,
    blockOffset: r.block_offset,
    block:
      r.size === null
        ? undefined
        : { size: r.size, sha256: r.sha256!, dekId: r.dek_id, data: r.data ?? undefined },
  };
}

/** Of extents in file order, those that hold bytes of [start, end), at most `limit`. */
export function extentsOverlapping<E extends Extent>(
  extents: readonly E[],
  start: number,
  end: number,
  limit: number,
): E[] {
  const out: E[] = [];
  for (const e of extents) {
    if (e.fileOffset >= end || out.length === limit) break;
    if (e.fileOffset + e.length > start) out.push(e);
  }
  return out;
}

/**
 * Like readExtents, with each extent's block row and, for a block kept as a row, its bytes: a read's page in one
 * statement (two when the range starts past the first byte).
 */
export async function readExtentBlocks(
  tx: Tx,
  options: { manifestId: string; start: number; end: number; limit: number },
): Promise<ExtentBlock[]> {
  const from = await firstOffset(tx, options.manifestId, options.start);
  const rows = await tx.all<ExtentBlockRow>(
    `SELECT ${extentBlockColumns()} FROM extents e ${EXTENT_BLOCK_JOINS}
     WHERE e.manifest_id = ? AND e.file_offset >= ? AND e.file_offset < ? ORDER BY e.file_offset
     LIMIT ${limitOf(options.limit + 1)}`,
    [options.manifestId, from, options.end],
  );
  return extentsOverlapping(rows.map(toExtentBlock), options.start, options.end, options.limit);
}

export async function manifestSize(tx: Tx, manifestId: string): Promise<number> {
  const row = await tx.get<{ size: number }>('SELECT size FROM manifests WHERE id = ?', [manifestId]);
  return row?.size ?? 0;
}
