// Garbage collection by reachability: no reference counts. Metadata goes first, bytes after it commits.
import { getBlocks } from './block-rows.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { sweepExpired } from './expiry.ts';
import { freeing } from './space.ts';

export interface GcReport {
  /** Files whose current version had expired, deleted before the collection (see expiry.ts). */
  expiredFilesDeleted: number;
  manifestsCondemned: number;
  manifestsDeleted: number;
  blocksDeleted: number;
  bytesFreed: number;
  orphanFilesDeleted: number;
  /** Wrapped data keys of purged versions and ended uploads: once gone, nothing can open those blocks. */
  keysDeleted: number;
  /** Bytes the metadata store gave back to the disk (the room of deleted rows, small blocks among them). */
  metaBytesReturned: number;
}

const BATCH = 500;

/**
 * One collection pass.
 * - Files whose current version has expired are deleted first, so that their blocks go in the same pass.
 * - A manifest that no stream or multipart part references is condemned; one condemned for longer than the grace period and still
 *   unreferenced is deleted with its extents (readers of a just-deleted version keep the grace period).
 * - A block that no extent references, older than the grace period and not under a live upload lease, is deleted.
 *   The extents' foreign key keeps a block alive while a copy that references it commits: the delete and the
 *   insert conflict, and exactly one of them wins.
 * - A block file with no row, older than the grace period, is an orphan of a crash and is deleted.
 * - The wrapped data keys of versions and uploads that no longer exist are deleted.
 * On a full disk, a pass that finds no room for its transactions gives up the disk reserve and runs again; what it
 * frees may then be room enough to make the reserve anew, which lets writes resume.
 */
export async function collectGarbage(
  deps: CoreDeps,
  options: { signal?: AbortSignal; graceSeconds?: number } = {},
): Promise<GcReport> {
  const report = await freeing(deps.reserve, async () => {
    const r = await collect(deps, options);
    // Deleted small blocks leave their room in the metadata store: it goes back to the disk.
    r.metaBytesReturned = await deps.meta.compact({ signal: options.signal });
    return r;
  });
  await deps.reserve?.restore();
  return report;
}

async function collect(
  deps: CoreDeps,
  options: { signal?: AbortSignal; graceSeconds?: number },
): Promise<GcReport> {
  const grace = (options.graceSeconds ?? deps.gcGraceSeconds) * 1000;
  const now = nowOf(deps);
  const cutoff = now - grace;
  const report: GcReport = {
    expiredFilesDeleted: await sweepExpired(deps, options),
    manifestsCondemned: 0,
    manifestsDeleted: 0,
    blocksDeleted: 0,
    bytesFreed: 0,
    orphanFilesDeleted: 0,
    keysDeleted: 0,
    metaBytesReturned: 0,
  };
  // A key ring goes once neither its owner nor a version that shares it (ring_of) exists.
  report.keysDeleted = await deps.meta.tx(
    async (tx) =>
      (
        await tx.run(
          `DELETE FROM version_keys WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = version_keys.version_id)
             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.ring_of = version_keys.version_id)`,
        )
      ).changes +
      (
        await tx.run(
          'DELETE FROM upload_keys WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = upload_keys.upload_id)',
        )
      ).changes,
  );
  // A manifest is referenced by a row of streams, by a version's row (its default stream) or by an upload's part.
  const unreferencedManifest = `NOT EXISTS (SELECT 1 FROM streams s WHERE s.manifest_id = manifests.id)
     AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.manifest_id = manifests.id)
     AND NOT EXISTS (SELECT 1 FROM parts p WHERE p.manifest_id = manifests.id)`;

  report.manifestsCondemned = (
    await deps.meta.tx(async (tx) => {
      await tx.run(
        `UPDATE manifests SET condemned_at = NULL WHERE condemned_at IS NOT NULL AND NOT (${unreferencedManifest})`,
      );
      return tx.run(
        `UPDATE manifests SET condemned_at = ? WHERE condemned_at IS NULL AND created_at <= ? AND ${unreferencedManifest}`,
        [now, cutoff],
      );
    })
  ).changes;

  for (;;) {
    options.signal?.throwIfAborted();
    const n = await deps.meta.tx(
      async (tx) =>
        (
          await tx.run(
            `DELETE FROM manifests WHERE id IN (SELECT id FROM manifests WHERE condemned_at IS NOT NULL AND condemned_at <= ? AND ${unreferencedManifest} LIMIT ${BATCH})`,
            [cutoff],
          )
        ).changes,
    );
    report.manifestsDeleted += n;
    if (n < BATCH) break;
  }

  for (;;) {
    options.signal?.throwIfAborted();
    const gone = await deps.meta.tx((tx) =>
      tx.all<{ id: string; size: number }>(
        `DELETE FROM blocks WHERE id IN (
           SELECT b.id FROM blocks b WHERE b.created_at <= ?
             AND NOT EXISTS (SELECT 1 FROM extents e WHERE e.block_id = b.id)
             AND (b.lease_id IS NULL OR NOT EXISTS (SELECT 1 FROM leases l WHERE l.id = b.lease_id AND l.expires_at > ?))
           LIMIT ${BATCH})
         RETURNING id, size`,
        [cutoff, now],
      ),
    );
    // Committed: now the bytes can go.
    for (const b of gone) await deps.blocks.delete({ id: b.id });
    report.blocksDeleted += gone.length;
    report.bytesFreed += gone.reduce((a, b) => a + b.size, 0);
    if (gone.length < BATCH) break;
  }

  let candidates: string[] = [];
  const sweep = async () => {
    const known = await deps.meta.tx((tx) => getBlocks(tx, candidates), { readOnly: true });
    for (const id of candidates) {
      if (!known.has(id)) {
        await deps.blocks.delete({ id });
        report.orphanFilesDeleted++;
      }
    }
    candidates = [];
  };
  for await (const b of deps.blocks.list({ signal: options.signal })) {
    if (b.mtimeMs > cutoff) continue;
    candidates.push(b.id);
    if (candidates.length >= BATCH) await sweep();
  }
  if (candidates.length > 0) await sweep();

  await deps.meta.tx(async (tx) => {
    await tx.run('DELETE FROM leases WHERE expires_at < ?', [now]);
    await tx.run('DELETE FROM tokens WHERE expires_at < ?', [now]);
  });
  return report;
}
