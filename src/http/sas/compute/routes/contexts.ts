// Compute contexts (spec §2): `GET /compute/contexts` (a collection, with `filter`, `sortBy`, `start`, `limit`) and
// `GET /compute/contexts/{contextId}`. @sasjs/adapter finds its context by name in the first page of `limit=10000`.
import type { FastifyInstance } from 'fastify';
import { collection, pageOf } from '../../kit/collection.ts';
import { filterOf, sorterOf } from '../../kit/filter.ts';
import { negotiate, sendJson } from '../../kit/media.ts';
import { CONTEXTS, contextById } from '../contexts.ts';
import { contextJson } from '../render.ts';

type Query = { Querystring: Record<string, unknown> };

export const contextRoutes = () => async (app: FastifyInstance) => {
  app.get<Query>('/compute/contexts', async (request, reply) => {
    negotiate(request, 'collection', 2);
    const page = pageOf(request.query, 10);
    const keep = filterOf(request.query['filter']) ?? (() => true);
    const sort = sorterOf(request.query['sortBy']);
    const items = CONTEXTS.map(contextJson).filter((c) => keep(c));
    if (sort) items.sort(sort);
    const body = collection(items.slice(page.start, page.start + page.limit), {
      count: items.length,
      page,
      path: '/compute/contexts',
      query: request.query,
      accept: 'application/vnd.sas.compute.context.summary',
    });
    return sendJson(reply, request, 'collection', 2, body);
  });

  app.get<{ Params: { id: string } }>('/compute/contexts/:id', async (request, reply) =>
    sendJson(reply, request, 'compute.context', 4, contextJson(contextById(request.params.id))),
  );
};
