// The copy (POST /v2/files/{id}/actions/copy) and the bulk copy (POST /v2/action/files/copy): a whole file into a
// project's top level or a folder, by reference, under its name or a new one, renamed `1_name`, `2_name`... on a
// clash; metadata and tags kept; the copy permission on the source, write on the target.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { copyFile } from '../../../core/copy.ts';
import { getEntry } from '../../../core/entries.ts';
import { itemError, StorageError } from '../../../core/errors.ts';
import type { Principal } from '../../../core/model.ts';
import { numberedPrefix } from '../../../core/renamers.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { contextOf, destinationOf, type Folder, labelsOf, pathIn } from '../context.ts';
import { SBG_ERRORS, sbgErrorBody } from '../errors.ts';
import { fileJson } from '../render.ts';
import { entryOf, selectFields } from '../wire.ts';

/** Copies the file `id` into `folder` under `name` (or its own): one core copy. Returns the new entry. */
export async function copyInto(
  deps: AuthDeps,
  principal: Principal,
  id: unknown,
  folder: Folder,
  name?: unknown,
) {
  const source = await entryOf(deps, principal, id);
  if (source.type !== 'file')
    throw new StorageError('IsADirectory', 'A folder cannot be copied; copy its files.');
  const receipt = await copyFile(
    deps.core,
    principal,
    {
      source: { project: source.project, id: source.id },
      target: { project: folder.project, path: pathIn(folder, name ?? source.name) },
      conflict: 'rename',
    },
    { sourceNeed: 'copy', renamer: numberedPrefix },
  );
  return getEntry(deps.core, principal, receipt.target.fileId);
}

export const copyRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  app.post<{ Params: { id: string } }>('/v2/files/:id/actions/copy', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    if (body['name'] !== undefined && typeof body['name'] !== 'string')
      throw new StorageError('InvalidArgument', 'name must be a string.');
    const folder = await destinationOf(deps, principal, body);
    const copy = await copyInto(deps, principal, request.params.id, folder, body['name']);
    const json = fileJson(copy, await labelsOf(deps, request, copy), await contextOf(deps, request, copy));
    return reply.send(selectFields(request, json));
  });

  app.post('/v2/action/files/copy', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const ids = body['file_ids'];
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 100 ||
      ids.some((id) => typeof id !== 'string')
    )
      throw new StorageError('InvalidArgument', 'file_ids is an array of 1 to 100 file ids (strings).');
    const folder = await destinationOf(deps, principal, body);
    // Ids are hex, read in either case: the same file in two cases is the same file twice.
    if (new Set((ids as string[]).map((id) => id.toLowerCase())).size !== ids.length)
      throw new StorageError('InvalidArgument', 'file_ids lists a file twice.');
    // Keyed by ids the client chose: an object without a prototype, so that no id is one of its members.
    const results: Record<string, unknown> = Object.create(null);
    for (const id of ids as string[]) {
      try {
        const copy = await copyInto(deps, principal, id, folder);
        results[id] = { status: 'OK', new_file_id: copy.ids.hex, new_file_name: copy.name };
      } catch (err) {
        const se = itemError(err);
        if (!se) throw err;
        const { status, code } = SBG_ERRORS[se.code];
        results[id] = { status: 'FAILED', error: sbgErrorBody(status, Number(code), se.message) };
      }
    }
    return reply.send(results);
  });
};
