// /api/v1/admin/stats: this node's figures for operators (root or admins only).
import type { FastifyInstance } from 'fastify';
import { serverStats } from '../../../core/stats.ts';
import type { NativeDeps } from '../context.ts';
import { principalOf } from '../context.ts';

export const statsRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get('/api/v1/admin/stats', async (request) => serverStats(deps.core, principalOf(request)));
};
