// #touchFileOrDirectory (spec §5 #5): `{name, path?, isDirectory}` makes an empty file or a directory named `name`
// in the directory `path` (slash form, absolute or relative to the working directory), or else in the directory of
// the URL. 201 with its FileProperties; 409 when the name is taken, 404 when the directory is missing.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { makeDirectory } from '../../../../core/dirs.ts';
import { getEntryByPath } from '../../../../core/entries.ts';
import { StorageError } from '../../../../core/errors.ts';
import { childPath } from '../../../../core/paths.ts';
import { putFile } from '../../../../core/write.ts';
import { negotiate, sasJsonBody } from '../../kit/media.ts';
import { placeOf, resolvePath } from '../paths.ts';
import { segmentsOf, selfHref } from '../render.ts';
import {
  belowProject,
  type FileParams,
  nameField,
  PROPERTIES_NAME,
  pathParam,
  sendProperties,
  sessionOf,
  stringField,
} from '../wire.ts';

/** A new file has no bytes. */
async function* empty(): AsyncIterable<Uint8Array> {}

export async function touch(deps: AuthDeps, request: FastifyRequest<FileParams>, reply: FastifyReply) {
  negotiate(request, PROPERTIES_NAME, 1);
  const { principal, view } = await sessionOf(deps, request);
  const body = await sasJsonBody(request);
  const name = nameField(body);
  const dirPath = stringField(body, 'path');
  const dir = dirPath === undefined ? pathParam(request, view) : resolvePath(dirPath, view.cwd);
  if (name === undefined)
    throw new StorageError('InvalidArgument', 'Give the name of the file or directory.');
  const isDirectory = body['isDirectory'] ?? false;
  if (typeof isDirectory !== 'boolean')
    throw new StorageError('InvalidArgument', 'isDirectory is true or false.');
  const [project] = belowProject([...dir, name]);
  const path = childPath(dir.length > 1 ? placeOf(dir).path : '', name);
  const entry = isDirectory
    ? (await makeDirectory(deps.core, principal, { project: project!, path, exclusive: true })).entry
    : await putFile(deps.core, principal, { project: project!, path, body: empty(), create: true }).then(() =>
        getEntryByPath(deps.core, principal, { project: project!, path }),
      );
  reply.header('location', selfHref(segmentsOf(entry), view));
  return sendProperties(reply, request, { entry, view, status: 201 });
}
