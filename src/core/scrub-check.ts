// Checking one block for bit rot: its bytes read back, authenticated (GCM tag, or sha256 before encryption) and
// their CRC-64/NVME compared with the one recorded at write; and the files and uploads that reference a bad one.
import type { Tx } from '../meta/meta-store.ts';
import { readWholeBlock } from './block-read.ts';
import { Crc64Nvme } from './checksums/crc64nvme.ts';
import { type RingRow, unwrapRow } from './crypto/keys.ts';
import type { CoreDeps } from './deps.ts';
import { isStorageError } from './errors.ts';

export interface ScrubRow {
  id: string;
  size: number;
  sha256: string;
  crc64: string;
  dek_id: string | null;
}

export type BlockVerdict =
  | { ok: true }
  /** No key the server holds opens the block: every version of it is under a customer key (SSE-C). */
  | { ok: false; skipped: true }
  | { ok: false; skipped: false; reason: 'missing' | 'corrupted' | 'crc64'; message: string };

export interface BlockReference {
  project: string;
  path: string;
  versionId: string;
  /** The stream of the version the block belongs to: '' is the file's content, others are named streams. */
  stream: string;
}

export interface UploadReference {
  project: string;
  path: string;
  uploadId: string;
}

export interface BadBlock {
  id: string;
  size: number;
  /** Where the block's bytes live: a row of the metadata store (a small block) or the block store. */
  storedIn: 'metadata' | 'blocks';
  reason: 'missing' | 'corrupted' | 'crc64';
  message: string;
  references: BlockReference[];
  uploads: UploadReference[];
  /** More references exist than are listed. */
  referencesTruncated: boolean;
}

/** References listed per bad block; a block copied into many files names the first of them. */
const MAX_REFERENCES = 100;

/**
 * Finds the data keys of blocks: through a version or upload that references the block (indexed), else any ring
 * that holds the key. Keeps what it found (data keys are shared by many blocks), a bounded number at a time.
 */
export class ScrubKeys {
  readonly #deps: CoreDeps;
  readonly #known = new Map<string, Buffer | null>();

  constructor(deps: CoreDeps) {
    this.#deps = deps;
  }

  /** The key that opens the block, or null when only a customer holds one. */
  async keyOf(blockId: string, dekId: string): Promise<Buffer | null> {
    const known = this.#known.get(dekId);
    if (known !== undefined) return known;
    const key = await this.#deps.meta.tx(
      async (tx) => {
        const row = await serverRing(tx, blockId, dekId);
        if (!row) return null;
        try {
          return await unwrapRow(tx, this.#deps, row, {});
        } catch (err) {
          // A disabled or deleted KMS key leaves the block unreadable by anyone: nothing to check it with.
          if (isStorageError(err, 'KmsKeyDisabled') || isStorageError(err, 'NoSuchKmsKey')) return null;
          throw err;
        }
      },
      { readOnly: true },
    );
    if (this.#known.size >= 1024) this.#known.clear();
    this.#known.set(dekId, key);
    return key;
  }
}

async function serverRing(tx: Tx, blockId: string, dekId: string): Promise<RingRow | undefined> {
  const cols = 'k.dek_id, k.wrapped, k.wrapped_by';
  return (
    (await tx.get<RingRow>(
      `SELECT ${cols} FROM extents e JOIN streams s ON s.manifest_id = e.manifest_id
         JOIN versions v ON v.id = s.version_id
         JOIN version_keys k ON k.version_id = COALESCE(v.ring_of, v.id) AND k.dek_id = ?
       WHERE e.block_id = ? AND k.wrapped_by <> 'customer' LIMIT 1`,
      [dekId, blockId],
    )) ??
    (await tx.get<RingRow>(
      `SELECT ${cols} FROM extents e JOIN versions v ON v.manifest_id = e.manifest_id
         JOIN version_keys k ON k.version_id = COALESCE(v.ring_of, v.id) AND k.dek_id = ?
       WHERE e.block_id = ? AND k.wrapped_by <> 'customer' LIMIT 1`,
      [dekId, blockId],
    )) ??
    (await tx.get<RingRow>(
      `SELECT ${cols} FROM extents e JOIN parts p ON p.manifest_id = e.manifest_id
         JOIN upload_keys k ON k.upload_id = p.upload_id AND k.dek_id = ?
       WHERE e.block_id = ? AND k.wrapped_by <> 'customer' LIMIT 1`,
      [dekId, blockId],
    )) ??
    // An unreferenced block (GC has not collected it yet): a scan, but such blocks are few.
    (await tx.get<RingRow>(
      `SELECT ${cols} FROM version_keys k WHERE k.dek_id = ? AND k.wrapped_by <> 'customer' LIMIT 1`,
      [dekId],
    )) ??
    (await tx.get<RingRow>(
      `SELECT ${cols} FROM upload_keys k WHERE k.dek_id = ? AND k.wrapped_by <> 'customer' LIMIT 1`,
      [dekId],
    ))
  );
}

/** Reads a block whole and checks it. Throws only what is not the block's fault (a store that fails to answer). */
export async function checkBlock(deps: CoreDeps, keys: ScrubKeys, row: ScrubRow): Promise<BlockVerdict> {
  const size = Number(row.size);
  let ring = new Map<string, Buffer>();
  if (row.dek_id !== null) {
    const key = await keys.keyOf(row.id, row.dek_id);
    if (!key) return { ok: false, skipped: true };
    ring = new Map([[row.dek_id, key]]);
  }
  let plain: Buffer;
  try {
    plain = await readWholeBlock(deps, { id: row.id, size, sha256: row.sha256, dekId: row.dek_id }, ring);
  } catch (err) {
    if (!isStorageError(err, 'DataCorrupted')) throw err;
    const missing = err.message.endsWith('is missing.');
    return { ok: false, skipped: false, reason: missing ? 'missing' : 'corrupted', message: err.message };
  }
  // Blocks written before CRC-64/NVME was recorded have none to compare with.
  if (row.crc64 !== '' && new Crc64Nvme().update(plain).digestBigInt().toString() !== row.crc64) {
    return {
      ok: false,
      skipped: false,
      reason: 'crc64',
      message: `Block ${row.id} failed its CRC-64/NVME check.`,
    };
  }
  return { ok: true };
}

/**
 * What a bad block is, where it lives and who references it; undefined when its row is gone (GC collected it
 * while the scrub read it, so its bytes going missing was no damage).
 */
export async function describeBadBlock(
  deps: CoreDeps,
  row: ScrubRow,
  verdict: { reason: BadBlock['reason']; message: string },
): Promise<BadBlock | undefined> {
  return deps.meta.tx(
    async (tx) => {
      if (!(await tx.get('SELECT id FROM blocks WHERE id = ?', [row.id]))) return undefined;
      const inRow = await tx.get('SELECT id FROM block_data WHERE id = ?', [row.id]);
      const refs = await tx.all<{ project: string; path: string; version_id: string; stream: string }>(
        `SELECT DISTINCT p.name AS project, f.path, v.version_id, s.name AS stream, v.created_seq
         FROM (SELECT s.version_id, s.name FROM extents e JOIN streams s ON s.manifest_id = e.manifest_id
               WHERE e.block_id = ?
               UNION ALL
               SELECT v.id, '' FROM extents e JOIN versions v ON v.manifest_id = e.manifest_id WHERE e.block_id = ?) s
           JOIN versions v ON v.id = s.version_id JOIN files f ON f.id = v.file_id JOIN projects p ON p.id = f.project_id
         ORDER BY p.name, f.path, v.created_seq, s.name LIMIT ${MAX_REFERENCES + 1}`,
        [row.id, row.id],
      );
      const ups = await tx.all<{ project: string; path: string; upload_id: string }>(
        `SELECT DISTINCT p.name AS project, u.path, u.id AS upload_id
         FROM extents e JOIN parts pa ON pa.manifest_id = e.manifest_id JOIN uploads u ON u.id = pa.upload_id
           JOIN projects p ON p.id = u.project_id
         WHERE e.block_id = ? ORDER BY p.name, u.path, u.id LIMIT ${MAX_REFERENCES + 1}`,
        [row.id],
      );
      return {
        id: row.id,
        size: Number(row.size),
        storedIn: inRow ? 'metadata' : 'blocks',
        reason: verdict.reason,
        message: verdict.message,
        references: refs
          .slice(0, MAX_REFERENCES)
          .map((r) => ({ project: r.project, path: r.path, versionId: r.version_id, stream: r.stream })),
        uploads: ups
          .slice(0, MAX_REFERENCES)
          .map((u) => ({ project: u.project, path: u.path, uploadId: u.upload_id })),
        referencesTruncated: refs.length > MAX_REFERENCES || ups.length > MAX_REFERENCES,
      } satisfies BadBlock;
    },
    { readOnly: true },
  );
}
