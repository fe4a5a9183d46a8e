// /api/v1/admin/clients: the OAuth clients of SAS Logon's token endpoint (root or admins only).
import type { FastifyInstance } from 'fastify';
import {
  type ClientInfo,
  createClient,
  deleteClient,
  GRANTS,
  listClients,
} from '../../../auth/oauth-clients.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

export const clientBody = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: '1 to 128 letters, digits, ".", "_" or "-": the client_id' },
    user: {
      type: 'string',
      description: 'The user (name or id) the client acts for under client_credentials',
    },
    grants: {
      type: 'array',
      items: { type: 'string', enum: [...GRANTS] },
      minItems: 1,
      description: 'Default: password and refresh_token, and client_credentials when a user is given',
    },
  },
} as const;

export const clientJson = (c: ClientInfo) => ({
  id: c.id,
  public: c.public,
  user: c.user,
  grants: c.grants,
  createdAt: iso(c.createdAt),
});

export const clientRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get('/api/v1/admin/clients', async (request) => ({
    clients: (await listClients(deps, principalOf(request))).map(clientJson),
  }));
  app.post<{ Body: { id: string; user?: string; grants?: string[] } }>(
    '/api/v1/admin/clients',
    { schema: { body: clientBody } },
    async (request, reply) => {
      const c = await createClient(deps, principalOf(request), request.body);
      return reply.code(201).send({ ...clientJson(c), secret: c.secret });
    },
  );
  app.delete<{ Params: { id: string } }>('/api/v1/admin/clients/:id', async (request, reply) => {
    await deleteClient(deps, principalOf(request), request.params.id);
    return reply.code(204).send();
  });
};
