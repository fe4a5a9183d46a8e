// Folders as the routes answer them: found by the id in a request path, given what their representation needs (how
// many members, the folder they are in, who made them), and sent with their validators.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { queryChildren } from '../../../../core/dir-query.ts';
import { type Entry, getEntryByPath } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import type { Principal } from '../../../../core/model.ts';
import { principalNames } from '../../../../core/project-owners.ts';
import { sendJson } from '../../kit/media.ts';
import { type Folder, folderOf, folderUri } from '../folder-ref.ts';
import { entryEtag, folderJson } from './folders-json.ts';

/**
 * The folder a request path names (`/folders/folders/{id}`): a file's id or the tree root's names no folder there, so
 * it is NoSuchEntry (404) as an unknown id is, and so is a SAS well-known name such as `@myRecycleBin`; a malformed
 * id is InvalidArgument (400).
 */
export async function folderAt(deps: AuthDeps, principal: Principal, id: string): Promise<Folder> {
  // The well-known folders of SAS (`@myFolder`, `@myRecycleBin`...) are not kept: unknown, not malformed.
  if (id.startsWith('@'))
    throw new StorageError('NoSuchEntry', `There is no folder '${id.slice(0, 64)}' here.`, {
      resource: id.slice(0, 64),
    });
  try {
    return await folderOf(deps, principal, id);
  } catch (err) {
    if (err instanceof StorageError && err.code === 'NotADirectory')
      throw new StorageError('NoSuchEntry', `No folder has the id '${id}'.`, { resource: id });
    throw err;
  }
}

/** The names of the principals who made `entries`, by principal id. */
export async function ownerNames(deps: AuthDeps, entries: readonly Entry[]): Promise<Map<string, string>> {
  return principalNames(
    deps.core,
    entries.map((e) => e.ownerId).filter((id): id is string => id !== null),
  );
}

/** A folder's representation: its member count, the folder it is in, and its maker looked up. */
export async function folderAnswer(deps: AuthDeps, principal: Principal, e: Entry) {
  const { total } = await queryChildren(deps.core, principal, {
    project: e.project,
    path: e.path,
    offset: 0,
    limit: 0,
  });
  let parentId: string | undefined;
  if (e.path !== '') {
    const parent = await getEntryByPath(deps.core, principal, {
      project: e.project,
      path: e.parent === '' ? '' : `${e.parent}/`,
    });
    parentId = parent.ids.uuid;
  }
  const owner = e.ownerId === null ? '' : ((await ownerNames(deps, [e])).get(e.ownerId) ?? e.ownerId);
  return folderJson(e, { memberCount: total, parentId, owner });
}

/** Sends a folder with its ETag and Last-Modified; a 201 also names it in Location. */
export async function sendFolder(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { principal: Principal; entry: Entry; status?: number },
) {
  const body = await folderAnswer(deps, input.principal, input.entry);
  reply
    .code(input.status ?? 200)
    .header('etag', entryEtag(input.entry))
    .header('last-modified', new Date(input.entry.modifiedAt).toUTCString());
  if (input.status === 201) reply.header('location', folderUri(input.entry.ids.uuid));
  return sendJson(reply, request, 'content.folder', 1, body);
}
