import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';

export const typeRoutes = (_deps: AuthDeps) => async (_app: FastifyInstance) => {};
