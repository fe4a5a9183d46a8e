// Whether a subtree still fits under the path limit at another place. A directory's move or a tree copy gives every
// path below its source the new place's prefix, and no path may pass MAX_PATH_BYTES: one that did could be made but
// never named again (every lookup by path refuses it).
import type { Tx } from '../meta/meta-store.ts';
import { StorageError } from './errors.ts';
import { MAX_PATH_BYTES, prefixEnd } from './paths.ts';

/**
 * The longest path below the directory `dir` ('' for a project's root), in UTF-8 bytes, counted from just below it
 * (`a/b` for `x/a/b` below `x`); 0 when nothing is below. Files as they were at sequence `seq` when given (a copy at
 * a point in time), else every file there now; directories as they are now.
 */
export async function longestBelow(tx: Tx, projectId: string, dir: string, seq?: number): Promise<number> {
  const lo = dir === '' ? '' : `${dir}/`;
  const hi = prefixEnd(lo);
  // Below a project's root, from the first character a path may start with: rows out of sight (a tree copy's staged
  // files, retired rows) are under names that start with a control character.
  const from = dir === '' ? ' ' : lo;
  const files =
    seq === undefined
      ? await tx.get<{ n: number | null }>(
          `SELECT MAX(octet_length(path)) AS n FROM files
           WHERE project_id = ? AND type = 'file' AND hidden = 0 AND path >= ? AND path < ?`,
          [projectId, from, hi],
        )
      : await tx.get<{ n: number | null }>(
          `SELECT MAX(octet_length(f.path)) AS n FROM files f JOIN versions v ON v.file_id = f.id
             AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)
           WHERE f.project_id = ? AND f.hidden = 0 AND v.delete_marker = 0 AND f.path >= ? AND f.path < ?`,
          [seq, seq, projectId, from, hi],
        );
  // A directory's full path is its parent's, '/', and its name ('' is the root's).
  const dirs = await tx.get<{ n: number | null }>(
    `SELECT MAX(CASE WHEN parent = '' THEN octet_length(name) ELSE octet_length(parent) + 1 + octet_length(name) END)
       AS n FROM files
     WHERE project_id = ? AND type = 'directory' AND (parent = ? OR (parent >= ? AND parent < ?))`,
    [projectId, dir, from, hi],
  );
  const longest = Math.max(Number(files?.n ?? 0), Number(dirs?.n ?? 0));
  return longest === 0 ? 0 : longest - Buffer.byteLength(lo);
}

/**
 * Throws KeyTooLong when the subtree below `dir` would have a path past MAX_PATH_BYTES below `to` (a directory's
 * path without a trailing '/', '' for a project's root), before anything is moved or copied.
 */
export async function checkRoomBelow(
  tx: Tx,
  source: { projectId: string; dir: string; seq?: number },
  to: string,
): Promise<void> {
  const below = await longestBelow(tx, source.projectId, source.dir, source.seq);
  const longest = below + (to === '' ? 0 : Buffer.byteLength(to) + 1);
  if (below > 0 && longest > MAX_PATH_BYTES)
    throw new StorageError(
      'KeyTooLong',
      `Below '${to}' a path would be ${longest} bytes long, past the limit of ${MAX_PATH_BYTES}.`,
      { resource: to.slice(0, 64) },
    );
}
