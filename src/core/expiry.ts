// Files whose current version has expired (a SAS file's `expirationTimeStamp`): reads and listings stop seeing them
// at once (see isExpired and NOT_EXPIRED in entries.ts); each collection pass then deletes them, as their writer
// would, so that their blocks are collected like those of any deleted file.

import { removeCurrent } from './delete.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { isExpired } from './entries.ts';
import { getProjectById } from './permissions.ts';
import { getVersionByRowId } from './repo/versions.ts';
import { freeing } from './space.ts';

/** Files swept per transaction: a pass holds no transaction long. */
const BATCH = 200;

/**
 * Deletes every file whose current version expired at or before now: a removal, or a delete marker in a versioned
 * project (the expired version then stays as a noncurrent one). Each file goes in its own transaction, checked again
 * there, so that a file written anew meanwhile stays. Returns how many were deleted.
 */
export async function sweepExpired(deps: CoreDeps, options: { signal?: AbortSignal } = {}): Promise<number> {
  let swept = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const now = nowOf(deps);
    const due = await deps.meta.tx(
      (tx) =>
        tx.all<{ file_id: string; version_id: string; project_id: string; path: string }>(
          `SELECT f.id AS file_id, v.id AS version_id, f.project_id, f.path FROM versions v
             JOIN files f ON f.current_version_id = v.id
           WHERE v.expires_at IS NOT NULL AND v.expires_at <= ? AND v.delete_marker = 0
           ORDER BY v.expires_at LIMIT ?`,
          [now, BATCH],
        ),
      { readOnly: true },
    );
    let deleted = 0;
    for (const d of due) {
      const done = await freeing(deps.reserve, () =>
        deps.meta.tx(async (tx) => {
          const file = await tx.get<{ id: string; current_version_id: string | null }>(
            'SELECT id, current_version_id FROM files WHERE id = ?',
            [d.file_id],
          );
          const project = await getProjectById(tx, d.project_id);
          if (!file || !project || file.current_version_id !== d.version_id) return false;
          const live = await getVersionByRowId(tx, d.version_id);
          if (!live || live.deleteMarker || !isExpired(live, now)) return false;
          await removeCurrent(tx, {
            deps,
            project,
            path: d.path,
            file,
            live,
            principalId: live.createdBy,
            now,
          });
          return true;
        }),
      );
      if (done) deleted++;
    }
    swept += deleted;
    if (due.length < BATCH || deleted === 0) return swept;
  }
}
