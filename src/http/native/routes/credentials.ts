// /api/v1/admin: a user's password and personal tokens (root, admins, or the user for their own).
import type { FastifyInstance } from 'fastify';
import { setPassword } from '../../../auth/passwords.ts';
import {
  createPersonalToken,
  listPersonalTokens,
  MAX_TOKEN_SECONDS,
  type PersonalTokenInfo,
  revokePersonalToken,
} from '../../../auth/personal-tokens.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

export const passwordBody = {
  type: 'object',
  required: ['password'],
  additionalProperties: false,
  properties: {
    password: {
      type: ['string', 'null'],
      maxLength: 4096,
      description: 'The new password (8 to 1024 characters), or null to remove it',
    },
    currentPassword: {
      type: 'string',
      maxLength: 4096,
      description: 'Needed when a user who is not an administrator changes their own password',
    },
  },
} as const;

export const personalTokenBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128, description: 'A label' },
    expiresInSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_TOKEN_SECONDS,
      description: 'Lifetime; without it the token lives until revoked',
    },
  },
} as const;

const at = (ms: number | null) => (ms === null ? null : iso(ms));

export const personalTokenJson = (t: PersonalTokenInfo) => ({
  id: t.id,
  user: t.user,
  name: t.name,
  createdAt: iso(t.createdAt),
  lastUsedAt: at(t.lastUsedAt),
  expiresAt: at(t.expiresAt),
});

type U = { Params: { user: string } };

export const credentialRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.put<U & { Body: { password: string | null; currentPassword?: string } }>(
    '/api/v1/admin/users/:user/password',
    { schema: { body: passwordBody } },
    async (request, reply) => {
      await setPassword(deps, principalOf(request), {
        user: request.params.user,
        password: request.body.password,
        currentPassword: request.body.currentPassword,
        address: request.ip,
        log: request.log,
      });
      return reply.code(204).send();
    },
  );
  app.get<U>('/api/v1/admin/users/:user/tokens', async (request) => ({
    tokens: (await listPersonalTokens(deps, principalOf(request), request.params.user)).map(
      personalTokenJson,
    ),
  }));
  app.post<U & { Body: { name?: string; expiresInSeconds?: number } }>(
    '/api/v1/admin/users/:user/tokens',
    {
      schema: { body: personalTokenBody },
      // Every field is optional, so no body at all asks for a token with defaults.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const t = await createPersonalToken(deps, principalOf(request), {
        user: request.params.user,
        name: request.body.name,
        expiresInSeconds: request.body.expiresInSeconds,
      });
      return reply.code(201).send({ ...personalTokenJson(t), token: t.token });
    },
  );
  app.delete<{ Params: { id: string } }>('/api/v1/admin/tokens/:id', async (request, reply) => {
    await revokePersonalToken(deps, principalOf(request), request.params.id);
    return reply.code(204).send();
  });
};
