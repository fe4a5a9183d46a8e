// A file or directory by path (spec §5 #1, #6, #7): its FileProperties (GET, and HEAD through the kit), a rename or
// move (PUT with `{name, path}`, `overwrite`), and its removal (DELETE; a directory with everything below it).
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { StorageError } from '../../../../core/errors.ts';
import { moveEntry } from '../../../../core/move.ts';
import { childPath } from '../../../../core/paths.ts';
import { removeEntry } from '../../../../core/remove-entry.ts';
import { clientGone } from '../../../common/client-gone.ts';
import { negotiate, sasJsonBody } from '../../kit/media.ts';
import { placeOf, resolvePath } from '../paths.ts';
import {
  belowProject,
  changeConditions,
  entryAt,
  type FileParams,
  flag,
  moveConditions,
  nameField,
  PROPERTIES_NAME,
  pathParam,
  sendProperties,
  sessionOf,
  stringField,
} from '../wire.ts';

const URL = '/compute/sessions/:sid/files/:path';

export const propertyRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.get<FileParams>(URL, async (request, reply) => {
    negotiate(request, PROPERTIES_NAME, 1);
    const { principal, view } = await sessionOf(deps, request);
    const entry = await entryAt(deps, principal, pathParam(request, view));
    return sendProperties(reply, request, { entry, view });
  });

  app.put<FileParams>(URL, async (request, reply) => {
    negotiate(request, PROPERTIES_NAME, 1);
    const { principal, view } = await sessionOf(deps, request);
    const overwrite = flag(request, 'overwrite');
    const source = pathParam(request, view);
    const body = await sasJsonBody(request, { reads: { name: PROPERTIES_NAME, version: 1 } });
    const given = nameField(body);
    const from = belowProject(source);
    const entry = await entryAt(deps, principal, from);
    const conditions = moveConditions(request, entry);
    const dirPath = stringField(body, 'path');
    const dir = dirPath === undefined ? from.slice(0, -1) : resolvePath(dirPath, view.cwd);
    const name = given ?? from[from.length - 1]!;
    belowProject([...dir, name]);
    // The directory it moves into must exist, as in a file system (the core would make it).
    const into = await entryAt(deps, principal, dir, { directory: true });
    if (into.type !== 'directory')
      throw new StorageError('NotADirectory', `'/${dir.join('/')}' is not a directory.`);
    const target = placeOf(dir);
    const moved = await moveEntry(core, principal, {
      source:
        entry.type === 'directory' ? { ...placeOf(from), path: `${placeOf(from).path}/` } : placeOf(from),
      target: { project: target.project, path: childPath(target.path, name) },
      conflict: overwrite ? 'overwrite' : 'fail',
      conditions,
    });
    return sendProperties(reply, request, { entry: moved, view });
  });

  app.delete<FileParams>(URL, async (request, reply) => {
    const { principal, view } = await sessionOf(deps, request);
    const path = belowProject(pathParam(request, view));
    const entry = await entryAt(deps, principal, path);
    const conditions = changeConditions(request, entry);
    await removeEntry(core, principal, entry, { conditions, signal: clientGone(reply.raw) });
    return reply.code(204).send();
  });
};
