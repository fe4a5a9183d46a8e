// Folders of the SAS Files and Folders services: the tree's directories, named by UUID (the core's entry number
// written as one). The top-level folders are projects. `/folders/folders/{id}` is a folder's URI.
import type { AuthDeps } from '../../../auth/principals.ts';
import { type Entry, getEntry } from '../../../core/entries.ts';
import { StorageError } from '../../../core/errors.ts';
import type { Principal } from '../../../core/model.ts';

/** A folder: a project's top level (path '') or a directory in it. */
export interface Folder {
  project: string;
  path: string;
  /** Its UUID. */
  id: string;
  entry: Entry;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entry a UUID names. InvalidArgument for anything that is not a UUID; NoSuchEntry for one that names nothing. */
export function entryOfUuid(deps: AuthDeps, principal: Principal, id: unknown): Promise<Entry> {
  if (typeof id !== 'string' || !UUID.test(id))
    throw new StorageError('InvalidArgument', `'${String(id).slice(0, 64)}' is not a UUID.`);
  // A well-formed UUID that is not one of ours names nothing: 404, as an unknown one of ours.
  if (!id.toLowerCase().startsWith('6d696d65-6f00-8000-8'))
    throw new StorageError('NoSuchEntry', `No file or folder has the id '${id}'.`, { resource: id });
  return getEntry(deps.core, principal, id.toLowerCase());
}

/** The folder a UUID names. NotADirectory when it names a file; the tree's root is no folder of its own. */
export async function folderOf(deps: AuthDeps, principal: Principal, id: unknown): Promise<Folder> {
  const e = await entryOfUuid(deps, principal, id);
  if (e.type !== 'directory' || e.project === '')
    throw new StorageError('NotADirectory', `'${String(id)}' is not a folder.`, { resource: String(id) });
  return { project: e.project, path: e.path, id: e.ids.uuid, entry: e };
}

/** A folder's URI. */
export const folderUri = (uuid: string) => `/folders/folders/${uuid}`;

/**
 * The folder a `parentFolderUri` names: `/folders/folders/{uuid}` exactly. InvalidArgument for another form (a file's
 * URI among them), NoSuchEntry for an unknown folder, NotADirectory for an id that is a file's.
 */
export function folderOfUri(deps: AuthDeps, principal: Principal, uri: unknown): Promise<Folder> {
  const m = typeof uri === 'string' ? /^\/folders\/folders\/([^/?#]+)$/.exec(uri) : null;
  if (!m)
    throw new StorageError(
      'InvalidArgument',
      `parentFolderUri must be a folder's URI, /folders/folders/{id}; '${String(uri).slice(0, 80)}' is not one.`,
    );
  return folderOf(deps, principal, m[1]);
}
