// /api/v1/admin: users and their access keys (root or admins only).
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../../auth/principals.ts';
import type { NativeDeps } from '../context.ts';
import { principalOf } from '../context.ts';

export const userBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    displayName: { type: 'string', maxLength: 256 },
    admin: { type: 'boolean' },
  },
} as const;

export const adminRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: { name: string; displayName?: string; admin?: boolean } }>(
    '/api/v1/admin/users',
    { schema: { body: userBody } },
    async (request, reply) =>
      reply.code(201).send(await createUser(deps, principalOf(request), request.body)),
  );
};
