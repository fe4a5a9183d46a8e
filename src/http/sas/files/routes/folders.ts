// The Folders service (`/folders/folders`, spec sas-files §3 rows 2-5 and the Folder shape): a folder by path
// (`@item?path=/project/a`) or by id, made in a folder (`parentFolderUri`) or at the top (a new project), the
// top-level folders listed, a folder deleted. Members are in folders-members.ts, renames and moves in
// folders-patch.ts.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { makeDirectory } from '../../../../core/dirs.ts';
import { type Entry, getEntryByPath, projectAsEntry } from '../../../../core/entries.ts';
import { isStorageError, StorageError } from '../../../../core/errors.ts';
import { childPath } from '../../../../core/paths.ts';
import { createProject } from '../../../../core/projects.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate, sasJsonBody, sendJson } from '../../kit/media.ts';
import { folderOfUri } from '../folder-ref.ts';
import { folderAt, sendFolder } from '../folders/folders-answer.ts';
import { deleteFolder, recursiveOf } from '../folders/folders-delete.ts';
import { rootCollection } from '../folders/folders-list.ts';
import { folderPathOf } from '../folders/folders-path.ts';
import { memberRoutes } from './folders-members.ts';
import { folderPatchRoutes } from './folders-patch.ts';

type IdParams = { Params: { id: string } };
type Query = Record<string, unknown>;

/** The body of a folder create: `{name, type: "folder", description?}`. The description is not kept. */
function newFolderOf(body: Record<string, unknown>): string {
  const { name, type, description } = body;
  if (typeof name !== 'string' || name === '')
    throw new StorageError('InvalidArgument', 'A folder needs a name: {"name": "...", "type": "folder"}.');
  if (type !== undefined && type !== 'folder')
    throw new StorageError(
      'InvalidArgument',
      `Only folders are made here: type "folder", not ${JSON.stringify(type)}.`,
    );
  if (description !== undefined && description !== null && typeof description !== 'string')
    throw new StorageError('InvalidArgument', 'description is a string.');
  return name;
}

export const folderRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;
  await app.register(memberRoutes(deps));
  await app.register(folderPatchRoutes(deps));

  app.get('/folders/folders/@item', async (request, reply) => {
    const principal = principalOf(request);
    const at = folderPathOf((request.query as Query)['path']);
    const entry = await getEntryByPath(core, principal, {
      project: at.project,
      path: at.path === '' ? '' : `${at.path}/`,
    }).catch((err: unknown) => {
      // The Folders service looks up folders: a file at that path is no folder there.
      if (!isStorageError(err, 'NotADirectory')) throw err;
      throw new StorageError('NoSuchKey', `No folder exists at '${at.path}'.`, { resource: at.path });
    });
    return sendFolder(deps, request, reply, { principal, entry });
  });

  app.get<IdParams>('/folders/folders/:id', async (request, reply) => {
    const principal = principalOf(request);
    const folder = await folderAt(deps, principal, request.params.id);
    return sendFolder(deps, request, reply, { principal, entry: folder.entry });
  });

  for (const url of ['/folders/folders', '/folders/rootFolders'])
    app.get(url, async (request, reply) =>
      sendJson(reply, request, 'collection', 2, await rootCollection(deps, request)),
    );

  app.post('/folders/folders', async (request, reply) => {
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'content.folder', 1);
    const principal = principalOf(request);
    const parentUri = (request.query as Query)['parentFolderUri'];
    const name = newFolderOf(await sasJsonBody(request, { reads: { name: 'content.folder', version: 1 } }));
    let entry: Entry;
    if (parentUri === undefined || parentUri === '') {
      // No parent: a top-level folder, which is a project (its name follows the project naming rules).
      entry = projectAsEntry(await createProject(core, principal, { name }));
    } else {
      const parent = await folderOfUri(deps, principal, parentUri);
      const made = await makeDirectory(core, principal, {
        project: parent.project,
        path: childPath(parent.path, name),
        exclusive: true,
      });
      entry = made.entry;
    }
    return sendFolder(deps, request, reply, { principal, entry, status: 201 });
  });

  app.delete<IdParams>('/folders/folders/:id', async (request, reply) => {
    const principal = principalOf(request);
    const recursive = recursiveOf((request.query as Query)['recursive']);
    const folder = await folderAt(deps, principal, request.params.id);
    const done = await deleteFolder(deps, principal, { folder, recursive });
    // A tree delete that outlasts the wait goes on as a job of the native API.
    if (done.jobId) return reply.code(202).header('location', `/api/v1/jobs/${done.jobId}`).send();
    return reply.code(204).send();
  });
};
