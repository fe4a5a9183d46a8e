// /api/v1/jobs/{id}: progress of long work, and abort.
import type { FastifyInstance } from 'fastify';
import { abortJob, getJob, type Job } from '../../../core/jobs.ts';
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

export const jobRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request) =>
    jobJson(await getJob(deps.core, principalOf(request), request.params.id)),
  );
  app.delete<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request, reply) => {
    const job = await abortJob(deps.core, principalOf(request), request.params.id);
    return reply.code(202).send(jobJson(job));
  });
};
