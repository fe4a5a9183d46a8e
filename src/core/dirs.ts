// Directories: real entries with their own id and attributes, made explicitly or by any write below them.
import type { Tx } from '../meta/meta-store.ts';
import { ancestorsOf, DIR_MODE, dirPathKey, dirPlace } from '../meta/tree-place.ts';
import type { CoreDeps } from './deps.ts';
import { nowOf } from './deps.ts';
import { type Entry, entryById } from './entries.ts';
import { notADirectory, StorageError } from './errors.ts';
import { newId } from './ids.ts';
import type { Principal, Project } from './model.ts';
import { validatePath } from './paths.ts';
import { requireProject } from './permissions.ts';
import { liveFileIdAt } from './repo/versions.ts';

export interface DirRow {
  id: string;
  number: number;
}

/**
 * A directory path as the core keeps it: no trailing '/', '' for the project's root. Throws InvalidPath for a
 * path with an empty, '.' or '..' segment.
 */
export function dirPath(path: string): string {
  const p = path.endsWith('/') ? path.slice(0, -1) : path;
  if (p === '') return '';
  validatePath(p);
  return p;
}

/** The directory at `path` ('' is the root, which is no row: undefined). */
export function findDir(tx: Tx, projectId: string, path: string): Promise<DirRow | undefined> {
  if (path === '') return Promise.resolve(undefined);
  const { parent, name } = dirPlace(path);
  return tx.get<DirRow>(
    "SELECT id, number FROM files WHERE project_id = ? AND parent = ? AND name = ? AND type = 'directory'",
    [projectId, parent, name],
  );
}

/**
 * Makes the directory `parent` and each missing ancestor of it (mkdir -p), inside the caller's transaction. Every
 * write that makes an entry calls it, so every entry's parent exists. When `parent` exists, so do its ancestors: one
 * indexed lookup is the whole cost.
 */
export async function ensureDirs(
  tx: Tx,
  input: { projectId: string; parent: string; principalId: string; now: number; mode?: number },
): Promise<void> {
  if (input.parent === '' || (await findDir(tx, input.projectId, input.parent))) return;
  const paths = ancestorsOf(input.parent);
  const numbers = await tx.nextSeqs(paths.length);
  const params: (string | number)[] = [];
  for (const [i, path] of paths.entries()) {
    const id = newId('d');
    const place = dirPlace(path);
    params.push(id, input.projectId, dirPathKey(id), input.now, numbers[i]!, place.parent, place.name);
    params.push(input.principalId, input.mode ?? DIR_MODE, input.now, numbers[i]!);
  }
  // A directory another writer made first stays as it is.
  await tx.run(
    `INSERT INTO files (id, project_id, path, type, hidden, current_version_id, created_at, number, parent, name,
       owner_id, mode, modified_at, created_seq)
     VALUES ${paths.map(() => "(?, ?, ?, 'directory', 0, NULL, ?, ?, ?, ?, ?, ?, ?, ?)").join(', ')}
     ON CONFLICT DO NOTHING`,
    params,
  );
}

/**
 * mkdir: makes the directory at `path`. Its parent must exist unless `parents` (mkdir -p), which also makes an
 * existing directory no error. Throws Conflict when the directory exists (without `parents`), NoSuchDirectory when
 * the parent is missing, InvalidPath for the root or a bad path. `created` is false for an existing directory.
 * `exclusive` (a file dialect's create): a live file of the same name is a Conflict too.
 */
export async function makeDirectory(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string; parents?: boolean; mode?: number; exclusive?: boolean },
): Promise<{ entry: Entry; created: boolean }> {
  const path = dirPath(input.path);
  if (path === '') throw new StorageError('InvalidPath', 'The root of a project always exists.');
  if (input.mode !== undefined && !(Number.isInteger(input.mode) && input.mode >= 0 && input.mode <= 0o7777))
    throw new StorageError('InvalidArgument', 'A mode is an integer from 0 to 07777.');
  const now = nowOf(deps);
  return deps.meta.tx(async (tx) => {
    const project = await requireProject(tx, { principal, need: 'write-object' }, input.project);
    const existing = await findDir(tx, project.id, path);
    if (existing && !input.parents)
      throw new StorageError('Conflict', `The directory '${path}' already exists.`, { resource: path });
    if (input.exclusive && (await liveFileIdAt(tx, project.id, path, now)))
      throw new StorageError('Conflict', `A file '${path}' already exists.`, { resource: path });
    if (!existing) {
      const { parent } = dirPlace(path);
      if (!input.parents && parent !== '' && !(await findDir(tx, project.id, parent))) {
        throw new StorageError('NoSuchDirectory', `The directory '${parent}' does not exist.`, {
          resource: parent,
        });
      }
      // As mkdir -p -m: the mode is the new directory's; the parents made on the way get the default.
      const base = { projectId: project.id, principalId: principal.id, now };
      await ensureDirs(tx, { ...base, parent });
      await ensureDirs(tx, { ...base, parent: path, mode: input.mode });
    }
    const row = (await findDir(tx, project.id, path))!;
    return { entry: (await entryById(tx, { rowId: row.id }))!, created: !existing };
  });
}

/** Whether the directory at `path` holds a directory or a live file. */
export async function hasChildren(tx: Tx, projectId: string, path: string): Promise<boolean> {
  const row = await tx.get(
    `SELECT f.id FROM files f LEFT JOIN versions v ON v.id = f.current_version_id
     WHERE f.project_id = ? AND f.parent = ? AND f.hidden = 0
       AND (f.type = 'directory' OR (v.id IS NOT NULL AND v.delete_marker = 0)) LIMIT 1`,
    [projectId, path],
  );
  return row !== undefined;
}

/**
 * rmdir: removes an empty directory. Throws NoSuchDirectory, NotADirectory when a file is there instead, or
 * DirectoryNotEmpty. A folder marker `path/` counts as content, as it is an S3 object.
 */
export async function removeDirectory(
  deps: CoreDeps,
  principal: Principal,
  input: { project: string; path: string },
): Promise<void> {
  const path = removablePath(input.path);
  await deps.meta.tx(async (tx) => {
    const { project, dir } = await dirToRemove(tx, principal, input.project, path);
    if (await hasChildren(tx, project.id, path))
      throw new StorageError('DirectoryNotEmpty', `The directory '${path}' is not empty.`, {
        resource: path,
      });
    await tx.run('DELETE FROM files WHERE id = ?', [dir.id]);
  });
}

/** A directory path that may be removed: any but a project's root. Throws InvalidPath. */
export function removablePath(path: string): string {
  const p = dirPath(path);
  if (p === '') throw new StorageError('InvalidPath', 'The root of a project cannot be removed.');
  return p;
}

/** The project (with write) and the directory that a removal names. Throws NoSuchDirectory or NotADirectory. */
export async function dirToRemove(
  tx: Tx,
  principal: Principal,
  projectName: string,
  path: string,
): Promise<{ project: Project; dir: DirRow }> {
  const project = await requireProject(tx, { principal, need: 'write-object' }, projectName);
  const dir = await findDir(tx, project.id, path);
  if (!dir) throw await missingDir(tx, project.id, path);
  return { project, dir };
}

/** NotADirectory when a live file is at `path`, else NoSuchDirectory. */
export async function missingDir(tx: Tx, projectId: string, path: string): Promise<StorageError> {
  if (await liveFileIdAt(tx, projectId, path)) return notADirectory(path);
  return new StorageError('NoSuchDirectory', `The directory '${path}' does not exist.`, { resource: path });
}
