// GET /api/v1/projects/{project}/versions: every kept version and delete marker, paths in order and newest first,
// as file JSON, a page at a time. One version's content is GET files/{path}?versionId=.
import type { FastifyInstance } from 'fastify';
import { listVersionHistory } from '../../../core/version-history.ts';
import { parseNonNegativeInt } from '../../common/conditions.ts';
import { fileJson, type NativeDeps, principalOf } from '../context.ts';
import { pageQuery } from './upload-schemas.ts';

export const versionRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Params: { project: string }; Querystring: { prefix?: string; after?: string; limit?: string } }>(
    '/api/v1/projects/:project/versions',
    { schema: { querystring: pageQuery } },
    async (request) => {
      const q = request.query;
      const page = await listVersionHistory(deps.core, principalOf(request), {
        project: request.params.project,
        prefix: q.prefix,
        after: q.after,
        limit: parseNonNegativeInt(q.limit, 'limit'),
      });
      return { versions: page.versions.map(fileJson), next: page.next };
    },
  );
};
