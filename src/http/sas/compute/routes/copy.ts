// #copyFileOrDirectory, the seed (spec §6): `POST …/files/{destination}` with `{name, path?}` naming the source:
// the entry `name` (one name) in `path` (a slash-form directory, absolute or relative to the working directory;
// none: the working directory).
// {destination} is the full path of the copy. A directory is copied whole and appears at once; the answer comes
// once the copy has committed: 201 with the copy's FileProperties, ETag and Location. `overwrite=true` replaces
// what is at the destination (a directory is replaced, not merged); without it that is 409.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { copyEntry } from '../../../../core/copy-entry.ts';
import { StorageError } from '../../../../core/errors.ts';
import { childPath } from '../../../../core/paths.ts';
import { negotiate, sasJsonBody } from '../../kit/media.ts';
import { placeOf, resolvePath } from '../paths.ts';
import { segmentsOf, selfHref } from '../render.ts';
import {
  belowProject,
  type FileParams,
  flag,
  PROPERTIES_NAME,
  pathParam,
  sendProperties,
  sessionOf,
  stringField,
} from '../wire.ts';

export async function copy(deps: AuthDeps, request: FastifyRequest<FileParams>, reply: FastifyReply) {
  negotiate(request, PROPERTIES_NAME, 1);
  const { principal, view } = await sessionOf(deps, request);
  const overwrite = flag(request, 'overwrite');
  const target = belowProject(pathParam(request, view));
  const body = await sasJsonBody(request);
  const name = stringField(body, 'name');
  if (name === undefined || name === '')
    throw new StorageError('InvalidPath', 'Give the name of the file or directory to copy.');
  // One name, as FileProperties' `name` is (spec §4) and a rename's or a touch's is: `.`, `..` or a `/` would name a
  // source that is not in `path`. InvalidPath (400) otherwise.
  childPath('', name);
  const dirPath = stringField(body, 'path');
  const dir = dirPath === undefined || dirPath === '' ? view.cwd : resolvePath(dirPath, view.cwd);
  const entry = await copyEntry(deps.core, principal, {
    source: placeOf([...dir, name]),
    target: placeOf(target),
    replace: overwrite,
  });
  reply.header('location', selfHref(segmentsOf(entry), view));
  return sendProperties(reply, request, { entry, view, status: 201 });
}
