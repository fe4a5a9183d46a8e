// A file's bytes (spec §5 #3, #4): `GET …/content` (Content-Type from the name's extension, ETag, Range → 206) and
// `PUT …/content`: a new file (201), or with If-Match the replacement of an existing one (200); replacing without
// If-Match is 428, a stale ETag 412.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { getEntryByPath } from '../../../../core/entries.ts';
import { isStorageError, StorageError } from '../../../../core/errors.ts';
import { openRead } from '../../../../core/read.ts';
import { putFile } from '../../../../core/write.ts';
import { sendRead } from '../../../common/body-stream.ts';
import { clientGone } from '../../../common/client-gone.ts';
import { parseRange } from '../../../common/conditions.ts';
import { setContentType } from '../../../common/content-type.ts';
import { bodyOf, declaredLength } from '../../../common/request-body.ts';
import { negotiate } from '../../kit/media.ts';
import { etagOf, requiredConditions, updateConditions } from '../../kit/preconditions.ts';
import { typeOfName } from '../file-types.ts';
import { placeOf } from '../paths.ts';
import { segmentsOf, selfHref } from '../render.ts';
import {
  belowProject,
  entryAt,
  type FileParams,
  PROPERTIES_NAME,
  pathParam,
  sendProperties,
  sessionOf,
} from '../wire.ts';

const URL = '/compute/sessions/:sid/files/:path/content';

export const contentRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.get<FileParams>(URL, async (request, reply) => {
    const { principal, view } = await sessionOf(deps, request);
    const path = pathParam(request, view);
    const file = await entryAt(deps, principal, path);
    if (file.type !== 'file') throw new StorageError('IsADirectory', `'/${path.join('/')}' is a directory.`);
    const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
    const read = await openRead(core, principal, {
      project: file.project,
      path: file.path,
      range: parseRange(range),
      signal: clientGone(reply.raw),
    });
    setContentType(reply, typeOfName(file.name));
    reply.header('accept-ranges', 'bytes').header('etag', etagOf(read.version.rowId));
    reply.header('last-modified', new Date(read.version.modifiedAt).toUTCString());
    return sendRead(reply, read);
  });

  app.put<FileParams>(URL, async (request, reply) => {
    negotiate(request, PROPERTIES_NAME, 1);
    const { principal, view } = await sessionOf(deps, request);
    const place = placeOf(belowProject(pathParam(request, view)));
    const what = 'Replacing a file';
    const conditions = updateConditions(request);
    if (!conditions) {
      // Refused before the body is read when a file is already there.
      const there = await entryAt(deps, principal, pathParam(request, view)).catch(() => undefined);
      if (there?.type === 'file') requiredConditions(request, what);
    }
    const input = { ...place, body: bodyOf(request), size: declaredLength(request) };
    try {
      await putFile(core, principal, conditions ? { ...input, conditions } : { ...input, create: true });
    } catch (err) {
      // A file made meanwhile is a replacement too.
      if (!conditions && isStorageError(err, 'Conflict')) {
        const there = await entryAt(deps, principal, pathParam(request, view)).catch(() => undefined);
        if (there?.type === 'file') requiredConditions(request, what);
      }
      throw err;
    }
    const entry = await getEntryByPath(core, principal, place);
    reply.header('location', selfHref(segmentsOf(entry), view));
    return sendProperties(reply, request, { entry, view, status: conditions ? 200 : 201 });
  });
};
