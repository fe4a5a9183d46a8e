// POST /api/v1/auth/token: an access key and secret in, a bearer token out.
import type { FastifyInstance } from 'fastify';
import { authenticateKey } from '../../../auth/principals.ts';
import { issueToken } from '../../../auth/tokens.ts';
import type { NativeDeps } from '../context.ts';
import { iso } from '../context.ts';

export const tokenBody = {
  type: 'object',
  required: ['accessKey', 'secret'],
  additionalProperties: false,
  properties: {
    accessKey: { type: 'string', minLength: 1, maxLength: 256 },
    secret: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const authRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: { accessKey: string; secret: string } }>(
    '/api/v1/auth/token',
    { schema: { body: tokenBody } },
    async (request, reply) => {
      const principal = await authenticateKey(deps, request.body.accessKey, request.body.secret);
      const t = await issueToken(deps.core, principal, request.body.accessKey);
      return reply.code(201).send({
        token: t.token,
        expiresAt: iso(t.expiresAt),
        principal: { id: principal.id, name: principal.name },
      });
    },
  );
};
