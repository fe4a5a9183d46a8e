// The Types service (`/types/types`, spec sas-files §3 row 6 and §6): the registry of content types that tells a
// client what type a file of some extension is. It is empty here: @sasjs/adapter then creates files with no
// typeDefName of its choosing and sends no PATCH after them.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { StorageError } from '../../../../core/errors.ts';
import { collection, pageOf } from '../../kit/collection.ts';
import { filterOf, sorterOf } from '../../kit/filter.ts';
import { sendJson } from '../../kit/media.ts';

export const typeRoutes = (_deps: AuthDeps) => async (app: FastifyInstance) => {
  app.get('/types/types', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const page = pageOf(query, 10);
    // Malformed ones are 400 even on an empty registry.
    filterOf(query['filter']);
    sorterOf(query['sortBy']);
    const body = collection([], {
      count: 0,
      page,
      path: '/types/types',
      query,
      accept: 'application/vnd.sas.type',
    });
    return sendJson(reply, request, 'collection', 2, body);
  });

  app.get<{ Params: { name: string } }>('/types/types/:name', async (request) => {
    throw new StorageError('NoSuchEntry', `No type is named '${request.params.name.slice(0, 64)}'.`, {
      resource: request.params.name.slice(0, 64),
    });
  });
};
