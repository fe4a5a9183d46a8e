import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';

export const folderRoutes = (_deps: AuthDeps) => async (_app: FastifyInstance) => {};
