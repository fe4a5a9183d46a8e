// /api/v1/files/{id}: a file by its stable id, whatever its path.
import type { FastifyInstance } from 'fastify';
import { openRead, stat } from '../../../core/read.ts';
import { clientGone } from '../../common/client-gone.ts';
import { parseConditions, parseRange } from '../../common/conditions.ts';
import type { NativeDeps } from '../context.ts';
import { fileJson, principalOf } from '../context.ts';
import { sendContent } from './files.ts';

type IdParams = {
  Params: { id: string };
  Querystring: { versionId?: string; stream?: string; snapshot?: string };
};

export const fileIdRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<IdParams>('/api/v1/files/:id', async (request) => {
    const v = await stat(deps.core, principalOf(request), {
      id: request.params.id,
      versionId: request.query.versionId,
    });
    return fileJson(v);
  });
  app.get<IdParams>('/api/v1/files/:id/content', async (request, reply) => {
    const read = await openRead(deps.core, principalOf(request), {
      signal: clientGone(reply.raw),
      id: request.params.id,
      versionId: request.query.versionId,
      stream: request.query.stream,
      conditions: parseConditions(request.headers),
      range: parseRange(typeof request.headers.range === 'string' ? request.headers.range : undefined),
    });
    return sendContent(reply, read);
  });
};
