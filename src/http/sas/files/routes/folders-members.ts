// A folder's members (`/folders/folders/{id}/members`, spec sas-files §3 rows 4-5 and the Member shape): listed,
// read, added and deleted. Every file and folder of the tree is in exactly one folder, so a member is a child entry,
// named by the entry's own UUID: adding one that is elsewhere moves it here, deleting one deletes it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { deleteFile } from '../../../../core/delete.ts';
import type { Entry } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import type { Principal } from '../../../../core/model.ts';
import { moveEntry } from '../../../../core/move.ts';
import { childPath } from '../../../../core/paths.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate, sasJsonBody, sendJson } from '../../kit/media.ts';
import { entryOfUuid, type Folder } from '../folder-ref.ts';
import { folderAt, ownerNames } from '../folders/folders-answer.ts';
import { deleteFolder, recursiveOf } from '../folders/folders-delete.ts';
import { entryEtag, memberJson, memberUri } from '../folders/folders-json.ts';
import { memberCollection } from '../folders/folders-list.ts';

type IdParams = { Params: { id: string } };
type MemberParams = { Params: { id: string; memberId: string } };

/** The entry `memberId` names when it is a child of `folder`; NoSuchEntry otherwise. */
async function memberOf(
  deps: AuthDeps,
  principal: Principal,
  folder: Folder,
  memberId: string,
): Promise<Entry> {
  const e = await entryOfUuid(deps, principal, memberId);
  if (e.path === '' || e.project !== folder.project || e.parent !== folder.path)
    throw new StorageError('NoSuchEntry', `The folder has no member '${memberId}'.`, { resource: memberId });
  return e;
}

/** The entry a member's `uri` names: `/files/files/{id}` a file, `/folders/folders/{id}` a folder below the top. */
async function entryOfMemberUri(deps: AuthDeps, principal: Principal, uri: unknown): Promise<Entry> {
  const m = typeof uri === 'string' ? /^\/(files\/files|folders\/folders)\/([^/?#]+)$/.exec(uri) : null;
  if (!m)
    throw new StorageError(
      'InvalidArgument',
      "A member's uri is /files/files/{id} or /folders/folders/{id}.",
      { resource: String(uri).slice(0, 80) },
    );
  const e = await entryOfUuid(deps, principal, m[2]);
  const folder = m[1] === 'folders/folders';
  if (folder !== (e.type === 'directory') || e.project === '')
    throw new StorageError('NoSuchEntry', `Nothing is at ${uri}.`, { resource: String(uri) });
  if (e.path === '')
    throw new StorageError(
      'InvalidArgument',
      'A top-level folder (a project) is in no folder and moves into none.',
    );
  return e;
}

/** `{uri, type: "CHILD", name?, contentType?}`: the name the member is to have (its own by default). */
function memberNameOf(body: Record<string, unknown>, e: Entry): string {
  const { type, name, contentType } = body;
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'child'))
    throw new StorageError(
      'InvalidArgument',
      'Members are of type CHILD: each file and folder is in exactly one folder, references are not kept.',
    );
  if (name !== undefined && typeof name !== 'string')
    throw new StorageError('InvalidArgument', 'name is a string.');
  if (contentType !== undefined && (contentType === 'folder') !== (e.type === 'directory'))
    throw new StorageError(
      'InvalidArgument',
      `contentType ${JSON.stringify(contentType)} does not fit ${e.type === 'directory' ? 'a folder' : 'a file'}.`,
    );
  return name === undefined || name === '' ? e.name : name;
}

export const memberRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  async function sendMember(
    request: FastifyRequest,
    reply: FastifyReply,
    e: Entry,
    folder: Folder,
    status = 200,
  ) {
    const owner = e.ownerId === null ? '' : ((await ownerNames(deps, [e])).get(e.ownerId) ?? '');
    reply
      .code(status)
      .header('etag', entryEtag(e))
      .header('last-modified', new Date(e.modifiedAt).toUTCString());
    if (status === 201) reply.header('location', memberUri(folder.id, e.ids.uuid));
    return sendJson(reply, request, 'content.folder.member', 1, memberJson(e, folder.id, owner));
  }

  app.get<IdParams>('/folders/folders/:id/members', async (request, reply) => {
    const folder = await folderAt(deps, principalOf(request), request.params.id);
    return sendJson(reply, request, 'collection', 2, await memberCollection(deps, request, folder));
  });

  app.get<MemberParams>('/folders/folders/:id/members/:memberId', async (request, reply) => {
    const principal = principalOf(request);
    const folder = await folderAt(deps, principal, request.params.id);
    return sendMember(
      request,
      reply,
      await memberOf(deps, principal, folder, request.params.memberId),
      folder,
    );
  });

  app.post<IdParams>('/folders/folders/:id/members', async (request, reply) => {
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'content.folder.member', 1);
    const principal = principalOf(request);
    const folder = await folderAt(deps, principal, request.params.id);
    const body = await sasJsonBody(request, { reads: { name: 'content.folder.member', version: 1 } });
    const e = await entryOfMemberUri(deps, principal, body['uri']);
    const name = memberNameOf(body, e);
    // Already here under that name: the member is as asked, and nothing changes.
    if (e.project === folder.project && e.parent === folder.path && e.name === name)
      return sendMember(request, reply, e, folder);
    const moved = await moveEntry(core, principal, {
      source: { project: e.project, path: e.type === 'directory' ? `${e.path}/` : e.path },
      target: { project: folder.project, path: childPath(folder.path, name) },
    });
    return sendMember(request, reply, moved, folder, 201);
  });

  app.delete<MemberParams>('/folders/folders/:id/members/:memberId', async (request, reply) => {
    const principal = principalOf(request);
    const recursive = recursiveOf((request.query as Record<string, unknown>)['recursive']);
    const folder = await folderAt(deps, principal, request.params.id);
    const e = await memberOf(deps, principal, folder, request.params.memberId);
    if (e.type === 'file') {
      await deleteFile(core, principal, { project: e.project, path: e.path, conditions: { fileId: e.id } });
      return reply.code(204).send();
    }
    const child = { project: e.project, path: e.path, id: e.ids.uuid, entry: e };
    const done = await deleteFolder(deps, principal, { folder: child, recursive });
    if (done.jobId) return reply.code(202).header('location', `/api/v1/jobs/${done.jobId}`).send();
    return reply.code(204).send();
  });
};
