// Snapshot rows: found by id, number or (in a project) name, numbered as they are made, and the paths a directory's
// snapshot shows.
import type { Tx } from '../meta/meta-store.ts';
import { StorageError } from './errors.ts';

export interface SnapshotRow {
  id: string;
  project_id: string | null;
  /** The project's name, joined; null for a snapshot of the whole tree. */
  project_name: string | null;
  name: string;
  seq: number;
  number: number;
  dir_path: string | null;
  expires_at: number | null;
  hidden: number;
  created_at: number;
}

/** Selects SnapshotRow: snapshots `s` with their project's name. */
export const SNAPSHOT_SELECT = `SELECT s.id, s.project_id, p.name AS project_name, s.name, s.seq, s.number,
  s.dir_path, s.expires_at, s.hidden, s.created_at FROM snapshots s LEFT JOIN projects p ON p.id = s.project_id`;

/** A condition on snapshots `s`: not expired at the time given as its parameter. */
export const UNEXPIRED = '(s.expires_at IS NULL OR s.expires_at > ?)';

/** The number a ref gives, when it is a decimal one (no sign, no leading zero); an id otherwise. */
function refNumber(ref: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(ref)) return undefined;
  const n = Number(ref);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The snapshot a ref names, by its id or its decimal number, if it exists and has not expired at `now`. Hidden
 * snapshots are found too: callers that show snapshots skip them. Given a project, a ref that is neither may also
 * be the name of a snapshot of that project or of the whole tree (ids and numbers win over names); a name that
 * several such snapshots share is refused as ambiguous rather than one of them chosen.
 */
export async function findSnapshot(
  tx: Tx,
  ref: string,
  now: number,
  projectId?: string,
): Promise<SnapshotRow | undefined> {
  const n = refNumber(ref);
  const row = await tx.get<SnapshotRow>(
    // A hidden snapshot (a tree copy's pin) is named by its id only, by the work that made it.
    `${SNAPSHOT_SELECT} WHERE ${n === undefined ? 's.id = ?' : 's.number = ? AND s.hidden = 0'} AND ${UNEXPIRED}`,
    [n ?? ref, now],
  );
  if (row || projectId === undefined) return row;
  const named = await tx.all<SnapshotRow>(
    `${SNAPSHOT_SELECT} WHERE s.name = ? AND s.hidden = 0 AND (s.project_id = ? OR s.project_id IS NULL)
     AND ${UNEXPIRED} LIMIT 2`,
    [ref, projectId, now],
  );
  if (named.length > 1)
    throw new StorageError(
      'InvalidArgument',
      `More than one snapshot is named '${ref}': name the one you mean by its id or number.`,
      { resource: ref },
    );
  return named[0];
}

/**
 * What a snapshot shows of a project, for reads at it (named by id, number, or name in the project): its sequence and the directory it is scoped to (null for
 * the whole project). Throws NoSuchSnapshot when the ref names no unexpired snapshot of the project or of the whole
 * tree. Expiry is checked against the wall clock: a read has no other.
 */
export async function snapshotAt(
  tx: Tx,
  projectId: string,
  ref: string,
): Promise<{ seq: number; dir: string | null; otherProject: boolean }> {
  const row = await findSnapshot(tx, ref, Date.now(), projectId);
  if (!row)
    throw new StorageError('NoSuchSnapshot', `The snapshot '${ref}' does not exist.`, { resource: ref });
  const otherProject = row.project_id !== null && row.project_id !== projectId;
  return { seq: Number(row.seq), dir: row.dir_path || null, otherProject };
}

/**
 * Whether a snapshot scoped to `dir` shows `path` (of its project): the directory itself or anything under it.
 * A snapshot with no directory shows every path.
 */
export function inSnapshot(dir: string | null, path: string): boolean {
  return dir === null || dir === '' || path === dir || path.startsWith(`${dir}/`);
}

export interface NewSnapshot {
  id: string;
  projectId: string | null;
  /** Its name, or how to name it from its number. */
  name: string | ((number: number) => string);
  seq: number;
  dir: string | null;
  expiresAt: number | null;
  hidden: boolean;
  now: number;
}

/**
 * Inserts a snapshot with the next number, one more than the largest in use, inside the caller's transaction. Two
 * transactions that take the same number conflict (a serialization failure on PostgreSQL, which runs the loser
 * again; one writer at a time on SQLite), so numbers stay unique. Returns its number and name.
 */
export async function insertSnapshot(tx: Tx, s: NewSnapshot): Promise<{ number: number; name: string }> {
  const top = await tx.get<{ n: number | null }>('SELECT MAX(number) AS n FROM snapshots');
  const number = Number(top?.n ?? 0) + 1;
  const name = typeof s.name === 'string' ? s.name : s.name(number);
  await tx.run(
    `INSERT INTO snapshots (id, project_id, name, seq, hidden, created_at, number, dir_path, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [s.id, s.projectId, name, s.seq, s.hidden ? 1 : 0, s.now, number, s.dir, s.expiresAt],
  );
  return { number, name };
}
