// Listing a directory's children, by name, paged by a cursor that stays valid under concurrent writes.
import type { Tx } from '../meta/meta-store.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { dirPath, findDir, missingDir } from './dirs.ts';
import {
  ENTRY_COLUMNS,
  type Entry,
  type EntryRow,
  getEntryByPath,
  liveWhere,
  projectAsEntry,
  toEntry,
} from './entries.ts';
import { StorageError } from './errors.ts';
import type { Principal } from './model.ts';
import { requireProject } from './permissions.ts';
import { listProjects } from './projects.ts';
import { snapshotSeqOf, snapshotSeqOfDir } from './resolve.ts';

export const MAX_DIR_PAGE = 10_000;

export interface DirPage {
  entries: Entry[];
  /** Give it as `after` for the next page; null on the last one. */
  next: string | null;
  /** With `counts`: how many children the listed directory has, and each directory of the page has. */
  count?: number;
  childCounts?: Map<string, number>;
}

/** How many children each of `parents` (directory paths of one project) has; one grouped query. */
async function countChildren(
  tx: Tx,
  projectIds: string[],
  parents: string[],
  seq: number | undefined,
  now: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (parents.length === 0) return counts;
  const w = liveWhere(seq, now);
  const rows = await tx.all<{ project_id: string; parent: string; n: number }>(
    `SELECT f.project_id, f.parent, COUNT(*) AS n FROM files f ${w.join}
     WHERE f.project_id IN (${projectIds.map(() => '?').join(', ')})
       AND f.parent IN (${parents.map(() => '?').join(', ')}) AND ${w.live}
     GROUP BY f.project_id, f.parent`,
    [...w.joinParams, ...projectIds, ...parents, ...w.liveParams],
  );
  for (const r of rows) counts.set(`${r.project_id}/${r.parent}`, Number(r.n));
  return counts;
}

/** The key of a directory in `childCounts`: its project's id and its path ('' for a project). */
export const countKey = (e: Entry) => `${e.projectId}/${e.path}`;

/**
 * A cursor is the last entry's type and name: children sort by name, and a directory before a file of the same
 * name (S3 lets a key `a` sit beside keys under `a/`). It names a position, not a row, so an entry made or removed
 * meanwhile moves no other entry across a page boundary.
 */
const encodeCursor = (e: Entry) =>
  Buffer.from(`${e.type === 'directory' ? 'd' : 'f'}${e.name}`).toString('base64url');

function decodeCursor(after: string): { name: string; type: string } {
  const text = Buffer.from(after, 'base64url').toString('utf8');
  const kind = text[0];
  if ((kind !== 'd' && kind !== 'f') || Buffer.from(text, 'utf8').toString('base64url') !== after)
    throw new StorageError('InvalidArgument', 'The cursor is not one this listing gave.');
  return { name: text.slice(1), type: kind === 'd' ? 'directory' : 'file' };
}

/**
 * The children of the directory at `path` ('' for the project's root): directories, and files with a live version
 * (folder markers are not listed: they are their directory). At a snapshot, the files whose version that snapshot
 * sees and the directories made before it. Throws NoSuchDirectory, NotADirectory, NoSuchSnapshot.
 */
export async function listDirectory(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    path: string;
    after?: string;
    limit?: number;
    snapshot?: string;
    counts?: boolean;
  },
): Promise<DirPage> {
  const path = dirPath(input.path);
  const limit = input.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DIR_PAGE)
    throw new StorageError('InvalidArgument', `The limit is an integer from 1 to ${MAX_DIR_PAGE}.`);
  const cursor = input.after ? decodeCursor(input.after) : { name: '', type: '' };
  return deps.meta.tx(
    async (tx) => {
      const project = await requireProject(tx, { principal, need: 'list' }, input.project);
      if (path !== '' && !(await findDir(tx, project.id, path))) throw await missingDir(tx, project.id, path);
      const seq =
        input.snapshot === undefined
          ? undefined
          : await snapshotSeqOfDir(tx, project.id, input.snapshot, path);
      const w = liveWhere(seq, nowOf(deps));
      const rows = await tx.all<EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM files f JOIN projects p ON p.id = f.project_id ${w.join}
         WHERE f.project_id = ? AND f.parent = ? AND f.name >= ? AND (f.name > ? OR f.type > ?) AND ${w.live}
         ORDER BY f.name, f.type LIMIT ?`,
        [
          ...w.joinParams,
          project.id,
          path,
          cursor.name,
          cursor.name,
          cursor.type,
          ...w.liveParams,
          limit + 1,
        ],
      );
      const entries = rows.slice(0, limit).map(toEntry);
      const next = rows.length > limit ? encodeCursor(entries[entries.length - 1]!) : null;
      if (!input.counts) return { entries, next };
      const dirs = entries.filter((e) => e.type === 'directory').map((e) => e.path);
      const childCounts = await countChildren(tx, [project.id], [path, ...dirs], seq, nowOf(deps));
      const count = childCounts.get(`${project.id}/${path}`) ?? 0;
      return { entries, next, count, childCounts };
    },
    { readOnly: true },
  );
}

/**
 * The entry at a path of a project as a snapshot shows it, by the rule a listing at that snapshot follows: a file
 * whose version the snapshot sees (even one deleted since), else a directory made before it; a path ending in '/'
 * names a directory. Throws as getEntryByPath does, and NoSuchSnapshot.
 */
export function entryAtSnapshot(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; snapshot: string },
): Promise<Entry> {
  return getEntryByPath(deps, principal, {
    project: input.project,
    path: input.path,
    seqOf: (tx, projectId, path) =>
      snapshotSeqOf(tx, projectId, input.snapshot, path === '' ? undefined : path),
  });
}

/**
 * The children of the tree's root: the projects the principal holds a role on (all of them for root and
 * administrators), by name, as directories, paged like any directory.
 */
export async function listRoot(
  deps: CoreDeps,
  principal: Principal,
  input: { after?: string; limit?: number; counts?: boolean } = {},
): Promise<DirPage> {
  const limit = input.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DIR_PAGE)
    throw new StorageError('InvalidArgument', `The limit is an integer from 1 to ${MAX_DIR_PAGE}.`);
  const after = input.after ? decodeCursor(input.after).name : undefined;
  const page = await listProjects(deps, principal, { after, limit });
  const entries = page.projects.map(projectAsEntry);
  const next = page.truncated ? encodeCursor(entries[entries.length - 1]!) : null;
  if (!input.counts) return { entries, next };
  const childCounts = await deps.meta.tx(
    (tx) =>
      countChildren(
        tx,
        entries.map((e) => e.projectId),
        [''],
        undefined,
        nowOf(deps),
      ),
    { readOnly: true },
  );
  // The root's own count is every project the principal may list, not this page's.
  const count =
    next === null && input.after === undefined
      ? entries.length
      : (await listProjects(deps, principal)).projects.length;
  return { entries, next, count, childCounts };
}
