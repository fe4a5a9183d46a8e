// Entries: the files and directories of the tree as dialects show them, found by path or by an id of any shape.
import type { Tx } from '../meta/meta-store.ts';
import { DIR_MODE, filePlace, joinPlace } from '../meta/tree-place.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import {
  type EntryKey,
  parseEntryId,
  ROOT_ENTRY_ID,
  TREE_ROOT_NUMBER,
  type WireIds,
  wireIds,
} from './entry-ids.ts';
import { notADirectory, StorageError } from './errors.ts';
import type { Principal, Project } from './model.ts';
import { validatePath } from './paths.ts';
import { allows, getProjectById, PROJECT_COLUMNS, requireProject, toProject } from './permissions.ts';

export interface Entry {
  /** The row id: the native API's own id (a project's id for a project, `root` for the tree's root). */
  id: string;
  number: number;
  ids: WireIds;
  type: 'file' | 'directory';
  project: string;
  projectId: string;
  /** The full path within its project: a directory's has no trailing '/'; '' for a project and the root. */
  path: string;
  /** The path of the directory it is in, '' at the project's root. */
  parent: string;
  name: string;
  /** Bytes of a file's current version; 0 for a directory. */
  size: number;
  createdAt: number;
  modifiedAt: number;
  /** A directory's owner and mode; a file's owner is who wrote its current version, and its mode is null until set. */
  ownerId: string | null;
  mode: number | null;
  /** A file's current version: its ETag, id and content type (null for a directory). */
  etag: string | null;
  versionId: string | null;
  /** The row id of that version: what names it uniquely (see Conditions.ifVersion); null for a directory. */
  versionRow: string | null;
  contentType: string | null;
  /** When a file's current version expires (ms since the epoch); null: never, and for a directory. */
  expiresAt: number | null;
  /**
   * Where a file's current version stands in the global sequence: it grows with every new version of the file
   * (Qumulo's data_revision), and falls back with a version deleted; null for a directory.
   */
  revision: number | null;
}

export interface EntryRow {
  id: string;
  number: number;
  type: string;
  project_name: string;
  project_id: string;
  parent: string;
  name: string;
  path: string;
  created_at: number;
  modified_at: number | null;
  owner_id: string | null;
  mode: number | null;
  v_size: number | null;
  v_etag: string | null;
  v_version_id: string | null;
  v_row: string | null;
  v_content_type: string | null;
  v_created_by: string | null;
  v_modified_at: number | null;
  v_expires_at: number | null;
  v_seq: number | null;
}

/** The columns of an entry; `v` is the version to show (the current one, or the one a snapshot sees). */
export const ENTRY_COLUMNS = `f.id, f.number, f.type, p.name AS project_name, p.id AS project_id, f.parent, f.name,
  f.path, f.created_at, f.modified_at, f.owner_id, f.mode, v.size AS v_size, v.etag AS v_etag,
  v.version_id AS v_version_id, v.id AS v_row, v.content_type AS v_content_type, v.created_by AS v_created_by,
  v.modified_at AS v_modified_at, v.expires_at AS v_expires_at, v.created_seq AS v_seq`;

export function toEntry(r: EntryRow): Entry {
  const dir = r.type === 'directory';
  return {
    id: r.id,
    number: Number(r.number),
    ids: wireIds(Number(r.number)),
    type: dir ? 'directory' : 'file',
    project: r.project_name,
    projectId: r.project_id,
    path: dir ? joinPlace(r) : r.path,
    parent: r.parent,
    name: r.name,
    size: dir ? 0 : Number(r.v_size ?? 0),
    createdAt: Number(r.created_at),
    modifiedAt: Number(dir ? (r.modified_at ?? r.created_at) : (r.v_modified_at ?? r.created_at)),
    ownerId: dir ? r.owner_id : r.v_created_by,
    mode: r.mode === null ? null : Number(r.mode),
    etag: dir ? null : r.v_etag,
    versionId: dir ? null : r.v_version_id,
    versionRow: dir ? null : r.v_row,
    contentType: dir ? null : r.v_content_type,
    expiresAt: dir || r.v_expires_at === null ? null : Number(r.v_expires_at),
    revision: dir || r.v_seq === null ? null : Number(r.v_seq),
  };
}

/** Whether an entry is a file whose current version has expired at `now`: gone for every read and listing. */
export const isExpired = (e: Pick<Entry, 'expiresAt'>, now: number) =>
  e.expiresAt !== null && e.expiresAt <= now;

/** SQL that keeps versions `v` that have not expired at the time bound to its one parameter. */
export const NOT_EXPIRED = '(v.expires_at IS NULL OR v.expires_at > ?)';

/**
 * The live entry a key names, or undefined: a directory, or a file whose current version is not a delete marker.
 * One indexed lookup (the number's index, or the primary key).
 */
export async function entryById(tx: Tx, key: EntryKey): Promise<Entry | undefined> {
  if ('number' in key ? key.number === TREE_ROOT_NUMBER : key.rowId.startsWith('p'))
    return projectEntry(tx, key);
  const [column, value] = 'number' in key ? ['f.number', key.number] : ['f.id', key.rowId];
  const row = await tx.get<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM files f JOIN projects p ON p.id = f.project_id
       LEFT JOIN versions v ON v.id = f.current_version_id
     WHERE ${column} = ? AND f.hidden = 0 AND (f.type = 'directory' OR (v.id IS NOT NULL AND v.delete_marker = 0))`,
    [value],
  );
  if (row) return toEntry(row);
  return 'number' in key ? projectEntry(tx, key) : undefined;
}

/** The tree's root (number 2), or a project as the top-level directory it is in the file dialects' tree. */
async function projectEntry(tx: Tx, key: EntryKey): Promise<Entry | undefined> {
  if ('number' in key && key.number === TREE_ROOT_NUMBER) {
    return {
      ...directoryDefaults,
      id: ROOT_ENTRY_ID,
      number: TREE_ROOT_NUMBER,
      ids: wireIds(TREE_ROOT_NUMBER),
      project: '',
      projectId: '',
      createdAt: 0,
      modifiedAt: 0,
    };
  }
  const [column, value] = 'number' in key ? ['number', key.number] : ['id', key.rowId];
  const row = await tx.get<Parameters<typeof toProject>[0]>(
    `SELECT ${PROJECT_COLUMNS} FROM projects WHERE ${column} = ?`,
    [value],
  );
  return row ? projectAsEntry(toProject(row)) : undefined;
}

/** A project as the top-level directory it is in the file dialects' tree. */
export function projectAsEntry(p: Project): Entry {
  return {
    ...directoryDefaults,
    id: p.id,
    number: p.number,
    ids: wireIds(p.number),
    project: p.name,
    projectId: p.id,
    name: p.name,
    createdAt: p.createdAt,
    modifiedAt: p.createdAt,
    ownerId: p.ownerId,
  };
}

const directoryDefaults = {
  type: 'directory' as const,
  path: '',
  parent: '',
  name: '',
  size: 0,
  ownerId: null,
  mode: DIR_MODE,
  etag: null,
  versionId: null,
  versionRow: null,
  contentType: null,
  expiresAt: null,
  revision: null,
};

/**
 * The entry an id of any shape names, for a principal who may list its project. Throws InvalidArgument for a
 * malformed id, NoSuchEntry for an unknown one, and NoSuchEntry too when the principal may not list the entry's
 * project, so that ids of other projects cannot be probed.
 */
export async function getEntry(deps: CoreDeps, principal: Principal, id: string): Promise<Entry> {
  const key = parseEntryId(id);
  return deps.meta.tx(
    async (tx) => {
      const entry = await entryById(tx, key);
      // Every principal may list the root: it shows the projects each may list.
      if (entry?.number === TREE_ROOT_NUMBER) return entry;
      if (entry && !isExpired(entry, nowOf(deps))) {
        const project = await getProjectById(tx, entry.projectId);
        if (project && (await allows(tx, { principal, need: 'list' }, project))) return entry;
      }
      throw new StorageError('NoSuchEntry', `No file or directory has the id '${id}'.`, { resource: id });
    },
    { readOnly: true },
  );
}

/**
 * The live entries of directories, by SQL over `files f`: directories (made by `seq`), and files with a version live
 * at `seq`; at the head (no `seq`), files whose current version has not expired at `now`. Listings and lookups by
 * path read the same rule.
 */
export function liveWhere(seq: number | undefined, now: number) {
  const version =
    seq === undefined
      ? 'v.id = f.current_version_id'
      : 'v.file_id = f.id AND v.created_seq <= ? AND (v.superseded_seq IS NULL OR v.superseded_seq > ?)';
  const dirSeen = seq === undefined ? '' : 'AND f.created_seq <= ?';
  return {
    join: `LEFT JOIN versions v ON ${version}`,
    joinParams: seq === undefined ? [] : [seq, seq],
    live: `f.hidden = 0 AND f.name <> '' AND ((f.type = 'directory' ${dirSeen}) OR (v.id IS NOT NULL AND v.delete_marker = 0
      ${seq === undefined ? `AND ${NOT_EXPIRED}` : ''}))`,
    liveParams: seq === undefined ? [now] : [seq],
  };
}

/**
 * The entry at a path of a project: '' is the project itself; a path ending in '/' names a directory (a file there
 * is NotADirectory); otherwise a live file there, or else a directory. `seqOf` gives the sequence of a snapshot to
 * look at (by `liveWhere`'s rule), for a project and the path. Throws NoSuchProject, AccessDenied (without the list
 * need), InvalidPath, NotADirectory, or NoSuchKey when nothing is there.
 */
export async function getEntryByPath(
  deps: CoreDeps,
  principal: Principal,
  input: {
    project: string;
    path: string;
    seqOf?: (tx: Tx, projectId: string, path: string) => Promise<number>;
  },
): Promise<Entry> {
  const dirOnly = input.path.endsWith('/');
  const path = dirOnly ? input.path.slice(0, -1) : input.path;
  if (path !== '') validatePath(path);
  return deps.meta.tx(
    async (tx) => {
      const project = await requireProject(tx, { principal, need: 'list' }, input.project);
      const seq = input.seqOf ? await input.seqOf(tx, project.id, path) : undefined;
      if (path === '') return projectAsEntry(project);
      const place = filePlace(path);
      const w = liveWhere(seq, nowOf(deps));
      const rows = await tx.all<EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM files f JOIN projects p ON p.id = f.project_id ${w.join}
         WHERE f.project_id = ? AND f.parent = ? AND f.name = ? AND ${w.live}`,
        [...w.joinParams, project.id, place.parent, place.name, ...w.liveParams],
      );
      const file = rows.find((r) => r.type === 'file');
      const found = (dirOnly ? undefined : file) ?? rows.find((r) => r.type === 'directory');
      if (!found && file) throw notADirectory(path);
      if (!found)
        throw new StorageError('NoSuchKey', `Nothing exists at '${input.path}'.`, { resource: input.path });
      return toEntry(found);
    },
    { readOnly: true },
  );
}
