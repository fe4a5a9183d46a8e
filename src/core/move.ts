// Moves and renames of files and directories, within a project or into another, keeping every entry's id. A
// directory moves with its whole subtree in one transaction of three set-based statements.
import type { Tx } from '../meta/meta-store.ts';
import { dirPlace, filePlace } from '../meta/tree-place.ts';
import { defaultRenamer, dropFileIfEmpty, supersede } from './commit.ts';
import { type Conditions, checkConditions } from './conditions.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { dirPath, ensureDirs, findDir, hasChildren } from './dirs.ts';
import { type Entry, entryById } from './entries.ts';
import { notADirectory, StorageError } from './errors.ts';
import { checkVersionTags } from './labels.ts';
import type { ConflictPolicy, Principal, Project } from './model.ts';
import { checkRoomBelow } from './path-room.ts';
import { prefixEnd, validatePath } from './paths.ts';
import { checkDataClass, requireProject } from './permissions.ts';
import { getFileByPath, liveFileIdAt } from './repo/versions.ts';
import { type Revision, reviseWithin } from './revise.ts';
import { type LabelChange, labelsWithin } from './write.ts';

export interface MoveRequest {
  /** A path ending in '/' names a directory; otherwise a live file there, or else a directory. */
  source: { project: string; path: string };
  target: { project: string; path: string };
  /** `fail` (the default), `overwrite` (a file, or an empty directory, at the target goes), or `rename`. */
  conflict?: ConflictPolicy;
  /** Preconditions on the source file's current version; a directory has no ETag, so only `*` matches it. */
  conditions?: Conditions;
  /** The n-th candidate name under `rename`: the dialect's naming rule. */
  renamer?: (path: string, n: number) => string;
}

/** Code points, as SQL's substr counts them. */
const chars = (s: string) => [...s].length;

/** What changes of a moved file in the move's transaction: its labels in place, its attributes as a new version. */
export interface MoveChange extends LabelChange {
  /**
   * A new version of the file with these attributes (no bytes written), made before the move so that its
   * preconditions are the request's first refusal (RFC 9110 section 13.2.2).
   */
  revision?: Revision;
}

/**
 * Moves or renames a file or a directory. Needs write on both projects; controlled data never lands in an open
 * project. Throws NoSuchKey (no source), Conflict (the target is taken under `fail`, or holds what `overwrite` may
 * not replace), InvalidArgument (a directory into itself), PreconditionFailed, AccessDenied,
 * ControlledDataInOpenProject, KeyTooLong (a path below a directory moved would pass the limit), IsADirectory (a
 * change of a directory). Returns the entry at its new place, with its id unchanged.
 */
export async function moveEntry(
  deps: CoreDeps,
  principal: Principal,
  req: MoveRequest,
  /** A change of the moved file, in the move's transaction: the move and the change both happen, or neither. */
  change?: MoveChange,
): Promise<Entry> {
  const { revision, ...labels } = change ?? {};
  checkVersionTags(labels.tags);
  const now = nowOf(deps);
  // A directory's move rewrites every row below it, so each write below it meanwhile is a conflict: after three
  // attempts lost that way, it runs with the files table to itself (PostgreSQL; SQLite has one writer anyway).
  return deps.meta.tx(async (tx) => {
    if (revision)
      await reviseWithin(
        tx,
        { deps, principal, now },
        { project: req.source.project, path: req.source.path, ...revision },
      );
    const moved = await moveWithin(tx, principal, req, now);
    if (Object.keys(labels).length === 0) return moved;
    if (moved.type !== 'file')
      throw new StorageError('IsADirectory', 'A directory has no tags or properties.');
    await labelsWithin(tx, principal, { project: moved.project, id: moved.id, ...labels });
    return moved;
  }, MOVE_TX);
}

/** The transaction options a move runs with (see moveEntry). */
export const MOVE_TX = { exclusiveAfter: 3 } as const;

/** moveEntry inside the caller's transaction, so that several moves commit together (a swap). */
export async function moveWithin(
  tx: Tx,
  principal: Principal,
  req: MoveRequest,
  now: number,
): Promise<Entry> {
  const conflict = req.conflict ?? 'fail';
  const src = await requireProject(tx, { principal, need: 'write-object' }, req.source.project);
  const dst =
    req.target.project === req.source.project
      ? src
      : await requireProject(tx, { principal, need: 'write-object' }, req.target.project);
  checkDataClass(src, dst);
  const move = { tx, src, dst, conflict, now, principalId: principal.id, req };
  const id = req.source.path.endsWith('/') ? undefined : await liveFileId(tx, src.id, req.source.path);
  return id ? moveFile(move, id) : moveDirectory(move);
}

interface Move {
  tx: Tx;
  src: Project;
  dst: Project;
  conflict: ConflictPolicy;
  now: number;
  principalId: string;
  req: MoveRequest;
}

function liveFileId(tx: Tx, projectId: string, path: string): Promise<string | undefined> {
  return liveFileIdAt(tx, projectId, validatePath(path));
}

/** What occupies a path at `now`: a live file (an expired one is gone), a directory, or nothing. */
async function occupant(
  tx: Tx,
  at: { projectId: string; path: string; now: number },
): Promise<'file' | 'directory' | undefined> {
  const { projectId, path } = at;
  if (await liveFileIdAt(tx, projectId, validatePath(path), at.now)) return 'file';
  return (await findDir(tx, projectId, path)) ? 'directory' : undefined;
}

/** The target path the policy gives: the one asked for, or under `rename` the first free candidate. */
async function freeTarget(m: Move, path: string, isFree: (p: string) => Promise<boolean>): Promise<string> {
  if (m.conflict !== 'rename' || (await isFree(path))) return path;
  const renamer = m.req.renamer ?? defaultRenamer;
  for (let n = 1; n <= 10_000; n++) {
    const candidate = renamer(path, n);
    validatePath(candidate);
    if (await isFree(candidate)) return candidate;
  }
  throw new StorageError('Conflict', 'No free name was found.', { resource: path });
}

const taken = (path: string) => new StorageError('Conflict', `'${path}' already exists.`, { resource: path });

async function moveFile(m: Move, fileId: string): Promise<Entry> {
  const { tx, src, dst } = m;
  const before = (await entryById(tx, { rowId: fileId }))!;
  checkConditions(
    m.req.conditions,
    { etag: before.etag!, modifiedAt: before.modifiedAt },
    {
      safe: false,
      resource: before.path,
    },
  );
  const wanted = validatePath(m.req.target.path);
  if (src.id === dst.id && wanted === before.path) return before;
  const at = (p: string) => ({ projectId: dst.id, path: p, now: m.now });
  const path = await freeTarget(m, wanted, async (p) => (await occupant(tx, at(p))) === undefined);
  const there = await occupant(tx, at(path));
  // A taken name is a Conflict whatever holds it; only a replace that meets a directory is told it is one.
  if (there !== undefined && m.conflict !== 'overwrite') throw taken(path);
  if (there === 'directory')
    throw new StorageError('IsADirectory', `A directory is at '${path}'.`, { resource: path });
  await displace(tx, dst, path);
  const place = filePlace(path);
  await ensureDirs(tx, { projectId: dst.id, parent: place.parent, principalId: m.principalId, now: m.now });
  await tx.run('UPDATE files SET project_id = ?, path = ?, parent = ? , name = ? WHERE id = ?', [
    dst.id,
    path,
    place.parent,
    place.name,
    fileId,
  ]);
  return (await entryById(tx, { rowId: fileId }))!;
}

/**
 * Frees a file path for a file that moves there: the live version there is superseded as a write would supersede
 * it (under versioning it stays in the file's history), and a row with versions left is retired under a path no
 * client can name, so that its versions stay until nothing needs them.
 */
async function displace(tx: Tx, project: Project, path: string): Promise<void> {
  const file = await getFileByPath(tx, project.id, path);
  if (!file) return;
  if (file.current_version_id) {
    const seq = await tx.nextSeq();
    await tx.run('UPDATE files SET current_version_id = NULL WHERE id = ?', [file.id]);
    await supersede(tx, {
      rowId: file.current_version_id,
      seq,
      versioning: project.versioning,
      projectId: project.id,
    });
  }
  await dropFileIfEmpty(tx, file.id);
  await tx.run("UPDATE files SET path = ?, hidden = 1, parent = '', name = '' WHERE id = ?", [
    `\u0003${file.id}`,
    file.id,
  ]);
}

/**
 * Frees the paths below a directory's target for the subtree that moves there. No live file is below it (the
 * target is free or an empty directory), but files whose current version is a delete marker, or that only a snapshot
 * keeps, may be: their rows retire under paths no client can name, as `displace` retires one.
 */
async function retireBelow(tx: Tx, project: Project, path: string): Promise<void> {
  const lo = `${path}/`;
  const live = await tx.get(
    `SELECT f.id FROM files f JOIN versions v ON v.id = f.current_version_id
     WHERE f.project_id = ? AND f.type = 'file' AND f.hidden = 0 AND v.delete_marker = 0 AND f.path >= ? AND f.path < ?
     LIMIT 1`,
    [project.id, lo, prefixEnd(lo)],
  );
  if (live) throw taken(path);
  await tx.run(
    `UPDATE files SET path = ? || id, hidden = 1, parent = '', name = ''
     WHERE project_id = ? AND type = 'file' AND hidden = 0 AND path >= ? AND path < ?`,
    ['\u0003', project.id, lo, prefixEnd(lo)],
  );
}

async function moveDirectory(m: Move): Promise<Entry> {
  const { tx, src, dst } = m;
  const from = dirPath(m.req.source.path);
  if (from === '') throw new StorageError('InvalidArgument', "A project's root cannot be moved.");
  const dir = await findDir(tx, src.id, from);
  if (!dir) {
    // A source that ends in '/' names a directory: a file there is not one.
    if (m.req.source.path.endsWith('/') && (await liveFileIdAt(tx, src.id, from))) throw notADirectory(from);
    throw new StorageError('NoSuchKey', `No file or directory exists at '${from}'.`, { resource: from });
  }
  // A directory has no ETag: If-Match holds only as `*`, which any existing entry matches.
  const ifMatch = m.req.conditions?.ifMatch ?? [];
  if (ifMatch.some((t) => t.trim() !== '*'))
    throw new StorageError('PreconditionFailed', 'The If-Match precondition did not hold.', {
      resource: from,
    });
  const wanted = dirPath(m.req.target.path);
  if (wanted === '') throw new StorageError('InvalidArgument', 'A directory cannot replace a project root.');
  // Onto itself, as rename(2) of a path to the same path: nothing to do (a file's move does the same).
  if (src.id === dst.id && wanted === from) return (await entryById(tx, { rowId: dir.id }))!;
  if (src.id === dst.id && wanted.startsWith(`${from}/`))
    throw new StorageError('InvalidArgument', `'${from}' cannot be moved into itself.`, { resource: wanted });
  const at = (p: string) => ({ projectId: dst.id, path: p, now: m.now });
  const to = await freeTarget(m, wanted, async (p) => (await occupant(tx, at(p))) === undefined);
  const there = await occupant(tx, at(to));
  if (there === 'file')
    throw m.conflict === 'overwrite'
      ? new StorageError('NotADirectory', `A file is at '${to}'.`, { resource: to })
      : taken(to);
  if (there === 'directory') {
    if (m.conflict !== 'overwrite') throw taken(to);
    if (await hasChildren(tx, dst.id, to))
      throw new StorageError('DirectoryNotEmpty', `The directory '${to}' is not empty.`, { resource: to });
    await tx.run('DELETE FROM files WHERE id = ?', [(await findDir(tx, dst.id, to))!.id]);
  }
  await checkRoomBelow(tx, { projectId: src.id, dir: from }, to);
  const place = dirPlace(to);
  await ensureDirs(tx, { projectId: dst.id, parent: place.parent, principalId: m.principalId, now: m.now });
  await retireBelow(tx, dst, to);
  const cut = chars(from) + 1;
  const lo = `${from}/`;
  // Every file below: its path and its parent's path change, its id and versions stay.
  await tx.run(
    `UPDATE files SET project_id = ?, path = ? || substr(path, ?), parent = ? || substr(parent, ?)
     WHERE project_id = ? AND type = 'file' AND path >= ? AND path < ?`,
    [dst.id, to, cut, to, cut, src.id, lo, prefixEnd(lo)],
  );
  // Every directory below: its parent's path changes (its own path column is its id's key, which stays).
  await tx.run(
    `UPDATE files SET project_id = ?, parent = ? || substr(parent, ?)
     WHERE project_id = ? AND type = 'directory' AND (parent = ? OR (parent >= ? AND parent < ?))`,
    [dst.id, to, cut, src.id, from, lo, prefixEnd(lo)],
  );
  await tx.run('UPDATE files SET project_id = ?, parent = ?, name = ?, modified_at = ? WHERE id = ?', [
    dst.id,
    place.parent,
    place.name,
    m.now,
    dir.id,
  ]);
  return (await entryById(tx, { rowId: dir.id }))!;
}
