// The copy (POST /files/files/{id}/copy): the file, by reference, into `parentFolderUri` (by default the folder the
// source is in) under the filename of `Content-Disposition` (by default the source's name); that header also
// replaces the copy's contentDisposition. The copy expires at `expirationTimeStamp`, or never. 201 with the new
// file and its Location; 404 for an unknown source or folder; 409 when the name is taken in the folder.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { copyFile } from '../../../../core/copy.ts';
import { getEntryByPath } from '../../../../core/entries.ts';
import { childPath } from '../../../../core/paths.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate } from '../../kit/media.ts';
import { fileOf, sendFile, versionOf } from '../context.ts';
import { FILE_VERSION } from '../file-json.ts';
import { folderOfUri } from '../folder-ref.ts';
import { expiryOf, one } from '../query.ts';
import { dispositionFilename } from '../upload-body.ts';

export const copyRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.post<{ Params: { id: string } }>('/files/files/:id/copy', async (request, reply) => {
    const principal = principalOf(request);
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'file', FILE_VERSION);
    const source = await fileOf(deps, principal, request.params.id);
    const parent = one(request, 'parentFolderUri');
    const folder =
      parent === undefined || parent === ''
        ? { project: source.project, path: source.parent }
        : await folderOfUri(deps, principal, parent);
    const expiresAt = expiryOf(request);
    const disposition = request.headers['content-disposition']?.trim() || undefined;
    const path = childPath(folder.path, dispositionFilename(disposition) ?? source.name);
    const receipt = await copyFile(
      core,
      principal,
      {
        source: {
          project: source.project,
          id: source.id,
          ifVersion: source.versionRow ? [source.versionRow] : undefined,
        },
        target: { project: folder.project, path },
        conflict: 'fail',
        ...(disposition !== undefined
          ? { metadata: { directive: 'merge', contentDisposition: disposition } }
          : {}),
      },
      { expiresAt: expiresAt ?? null },
    );
    const e = await getEntryByPath(core, principal, {
      project: receipt.target.project,
      path: receipt.target.path,
    });
    return sendFile(deps, request, reply, e, await versionOf(deps, principal, e), 201);
  });
};
