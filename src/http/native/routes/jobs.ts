// /api/v1/jobs: the caller's jobs (every job for an administrator), a page at a time; /api/v1/jobs/{id}: progress of
// long work, and abort.
import type { FastifyInstance } from 'fastify';
import { abortJob, getJob, type Job, listJobs, MAX_JOB_PAGE } from '../../../core/jobs.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

export function jobJson(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress,
    error: job.error,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
  };
}

const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    after: { type: 'string', maxLength: 64 },
  },
} as const;

export const jobRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { limit?: string; after?: string } }>(
    '/api/v1/jobs',
    { schema: { querystring: listQuery } },
    async (request) => {
      const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
      const page = await listJobs(deps.core, principalOf(request), {
        limit: limit === undefined ? undefined : Math.min(limit, MAX_JOB_PAGE),
        after: request.query.after,
      });
      return { jobs: page.jobs.map(jobJson), next: page.next };
    },
  );
  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request) =>
    jobJson(await getJob(deps.core, principalOf(request), request.params.id)),
  );
  app.delete<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request, reply) => {
    const job = await abortJob(deps.core, principalOf(request), request.params.id);
    return reply.code(202).send(jobJson(job));
  });
};
