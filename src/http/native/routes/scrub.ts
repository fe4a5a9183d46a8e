// /api/v1/admin/scrub: start a scrub pass (every block read back and checked), and read the latest one's report.
import type { FastifyInstance } from 'fastify';
import { latestScrub, startScrub } from '../../../core/scrub.ts';
import type { NativeDeps } from '../context.ts';
import { principalOf } from '../context.ts';
import { jobJson } from './jobs.ts';

export const scrubRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  // 202 with the job: a new pass, or the one already under way. Its report grows in `progress`.
  app.post('/api/v1/admin/scrub', async (request, reply) =>
    reply.code(202).send(jobJson(await startScrub(deps.core, principalOf(request)))),
  );
  app.get('/api/v1/admin/scrub', async (request) =>
    jobJson(await latestScrub(deps.core, principalOf(request))),
  );
};
