// `PATCH /folders/folders/{id}`: a folder renamed (`name`) or moved into another (`parentFolderUri`), keeping its id,
// as @sasjs/adapter's moveFolder sends it (`{id, name, parentFolderUri}`, no If-Match). An If-Match that is sent must
// name the folder's current ETag (or be `*`).
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { StorageError } from '../../../../core/errors.ts';
import { moveEntry } from '../../../../core/move.ts';
import { childPath } from '../../../../core/paths.ts';
import { versionTags } from '../../../common/conditions.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate, sasJsonBody } from '../../kit/media.ts';
import { type Folder, folderOfUri } from '../folder-ref.ts';
import { folderAt, sendFolder } from '../folders/folders-answer.ts';
import { entryEtag } from '../folders/folders-json.ts';

type IdParams = { Params: { id: string } };

/** PreconditionFailed unless If-Match is absent, `*`, or the folder's ETag. */
function checkIfMatch(value: string | string[] | undefined, folder: Folder): void {
  const tags = versionTags(value);
  if (!tags || tags.includes('*') || tags.includes(entryEtag(folder.entry).slice(1, -1))) return;
  throw new StorageError(
    'PreconditionFailed',
    'The folder changed since it was read: If-Match does not hold.',
    {
      resource: folder.id,
    },
  );
}

export const folderPatchRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  app.patch<IdParams>('/folders/folders/:id', async (request, reply) => {
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'content.folder', 1);
    const principal = principalOf(request);
    const folder = await folderAt(deps, principal, request.params.id);
    const body = await sasJsonBody(request, { reads: { name: 'content.folder', version: 1 } });
    checkIfMatch(request.headers['if-match'], folder);
    const { id, type, name = folder.entry.name, description, parentFolderUri } = body;
    if (id !== undefined && (typeof id !== 'string' || id.toLowerCase() !== folder.id))
      throw new StorageError('InvalidArgument', 'The id in the body is not the id of the folder patched.');
    if (type !== undefined && type !== 'folder')
      throw new StorageError('InvalidArgument', 'A folder stays of type "folder".');
    if (typeof name !== 'string' || name === '')
      throw new StorageError('InvalidArgument', 'A folder name is a non-empty string.');
    if (description !== undefined && description !== null && typeof description !== 'string')
      throw new StorageError('InvalidArgument', 'description is a string.');
    const parent =
      parentFolderUri === undefined || parentFolderUri === null
        ? undefined
        : await folderOfUri(deps, principal, parentFolderUri);
    const e = folder.entry;
    if (folder.path === '') {
      if (name !== e.name || parent)
        throw new StorageError(
          'InvalidArgument',
          'A top-level folder (a project) is neither renamed nor moved.',
        );
      return sendFolder(deps, request, reply, { principal, entry: e });
    }
    const target = parent ?? { project: folder.project, path: e.parent };
    const path = childPath(target.path, name);
    if (target.project === folder.project && path === folder.path)
      return sendFolder(deps, request, reply, { principal, entry: e });
    const moved = await moveEntry(deps.core, principal, {
      source: { project: folder.project, path: `${folder.path}/` },
      target: { project: target.project, path },
    });
    return sendFolder(deps, request, reply, { principal, entry: moved });
  });
};
