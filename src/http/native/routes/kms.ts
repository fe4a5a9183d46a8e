// /api/v1/admin/kms/keys: the built-in KMS's named keys (root or admins only). Key material never leaves.
import type { FastifyInstance } from 'fastify';
import { createKmsKey, type KmsKeyInfo, listKmsKeys, setKmsKeyEnabled } from '../../../core/crypto/kms.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

export const kmsKeyBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export const kmsPatchBody = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
} as const;

const kmsJson = (k: KmsKeyInfo) => ({ name: k.name, enabled: k.enabled, createdAt: iso(k.createdAt) });

export const kmsRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get('/api/v1/admin/kms/keys', async (request) => ({
    keys: (await listKmsKeys(deps.core, principalOf(request))).map(kmsJson),
  }));
  app.post<{ Body: { name: string } }>(
    '/api/v1/admin/kms/keys',
    { schema: { body: kmsKeyBody } },
    async (request, reply) =>
      reply.code(201).send(kmsJson(await createKmsKey(deps.core, principalOf(request), request.body.name))),
  );
  // Key names may hold slashes (team/archive): the rest of the path is the name.
  app.patch<{ Params: { '*': string }; Body: { enabled: boolean } }>(
    '/api/v1/admin/kms/keys/*',
    { schema: { body: kmsPatchBody } },
    async (request) =>
      kmsJson(
        await setKmsKeyEnabled(deps.core, principalOf(request), request.params['*'], request.body.enabled),
      ),
  );
};
