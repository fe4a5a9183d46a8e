// What a Files answer needs besides the entry: its current version, the folder it is filed in and the names of the
// principals who made it; and the file a UUID names.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { type Entry, getEntryByPath } from '../../../core/entries.ts';
import { StorageError } from '../../../core/errors.ts';
import type { Principal, VersionInfo } from '../../../core/model.ts';
import { principalNames } from '../../../core/project-owners.ts';
import { stat } from '../../../core/read.ts';
import { principalOf } from '../../common/principal.ts';
import { sendJson } from '../kit/media.ts';
import { FILE_VERSION, fileJson, setValidators } from './file-json.ts';
import { entryOfUuid, folderUri } from './folder-ref.ts';

/** The file a UUID names. NoSuchFile for a folder's id: no file has it. */
export async function fileOf(deps: AuthDeps, principal: Principal, id: unknown): Promise<Entry> {
  const e = await entryOfUuid(deps, principal, id);
  if (e.type !== 'file')
    throw new StorageError('NoSuchFile', `No file has the id '${String(id)}': it is a folder's.`, {
      resource: String(id),
    });
  return e;
}

/** The URI of the folder holding entries whose parent is `parent` in `project`. */
export async function parentUriOf(
  deps: AuthDeps,
  principal: Principal,
  at: { project: string; parent: string },
): Promise<string> {
  const folder = await getEntryByPath(deps.core, principal, { project: at.project, path: `${at.parent}/` });
  return folderUri(folder.ids.uuid);
}

/** The current version of a file, as the principal may read it. */
export const versionOf = (deps: AuthDeps, principal: Principal, e: Entry) =>
  stat(deps.core, principal, { project: e.project, id: e.id });

/** The file resource of `e` at `v`. */
async function renderFile(deps: AuthDeps, principal: Principal, e: Entry, v: VersionInfo) {
  const names = await principalNames(deps.core, [v.createdBy, v.modifiedBy]);
  return fileJson(e, v, await parentUriOf(deps, principal, e), names);
}

/** Answers with the file resource of `e` at `v`, its ETag and Last-Modified; `status` 201 adds its Location. */
export async function sendFile(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  e: Entry,
  v: VersionInfo,
  status = 200,
): Promise<FastifyReply> {
  const json = await renderFile(deps, principalOf(request), e, v);
  setValidators(reply, v);
  if (status === 201) reply.header('location', `/files/files/${e.ids.uuid}`);
  reply.code(status);
  return sendJson(reply, request, 'file', FILE_VERSION, json);
}
