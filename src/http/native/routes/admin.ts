// /api/v1/admin: users, their access keys and their memberships (root or admins only).
import type { FastifyInstance } from 'fastify';
import { type AccessKeyInfo, createKey, deleteKey, listKeys, setKeyEnabled } from '../../../auth/keys.ts';
import type { UserInfo } from '../../../auth/user-rows.ts';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../../auth/users.ts';
import type { Role } from '../../../core/model.ts';
import { requireAdmin } from '../../../core/permissions.ts';
import { setMember } from '../../../core/projects.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

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

export const userPatchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { displayName: { type: 'string', maxLength: 256 }, admin: { type: 'boolean' } },
} as const;

export const membershipBody = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: { role: { type: ['string', 'null'], enum: ['read', 'copy', 'write', 'admin', null] } },
} as const;

export const keyPatchBody = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
} as const;

export const userJson = (u: UserInfo) => ({
  id: u.id,
  name: u.name,
  displayName: u.displayName,
  canonicalId: u.canonicalId,
  admin: u.admin,
  createdAt: iso(u.createdAt),
});

export const keyJson = (k: AccessKeyInfo) => ({
  accessKey: k.accessKey,
  user: k.user,
  enabled: k.enabled,
  createdAt: iso(k.createdAt),
});

type U = { Params: { user: string } };
type K = { Params: { key: string } };

export const adminRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get('/api/v1/admin/users', async (request) => ({
    users: (await listUsers(deps, principalOf(request))).map(userJson),
  }));
  app.post<{ Body: { name: string; displayName?: string; admin?: boolean } }>(
    '/api/v1/admin/users',
    { schema: { body: userBody } },
    async (request, reply) => {
      const u = await createUser(deps, principalOf(request), request.body);
      return reply.code(201).send({ ...userJson(u), accessKey: u.accessKey, secretKey: u.secretKey });
    },
  );
  app.get<U>('/api/v1/admin/users/:user', async (request) => {
    const u = await getUser(deps, principalOf(request), request.params.user);
    return {
      ...userJson(u),
      hasPassword: u.hasPassword,
      keys: u.keys.map(keyJson),
      memberships: u.memberships,
    };
  });
  app.patch<U & { Body: { displayName?: string; admin?: boolean } }>(
    '/api/v1/admin/users/:user',
    { schema: { body: userPatchBody } },
    async (request) =>
      userJson(await updateUser(deps, principalOf(request), request.params.user, request.body)),
  );
  app.delete<U>('/api/v1/admin/users/:user', async (request, reply) => {
    await deleteUser(deps, principalOf(request), request.params.user);
    return reply.code(204).send();
  });
  // A user's role on a project, set (or with null removed) by an administrator.
  app.put<{ Params: { user: string; project: string }; Body: { role: Role | null } }>(
    '/api/v1/admin/users/:user/projects/:project',
    { schema: { body: membershipBody } },
    async (request, reply) => {
      const actor = principalOf(request);
      requireAdmin(actor, 'users and keys');
      await setMember(deps.core, actor, {
        project: request.params.project,
        principalId: request.params.user,
        role: request.body.role,
      });
      return reply.code(204).send();
    },
  );
  app.get<U>('/api/v1/admin/users/:user/keys', async (request) => ({
    keys: (await listKeys(deps, principalOf(request), request.params.user)).map(keyJson),
  }));
  app.post<U>('/api/v1/admin/users/:user/keys', async (request, reply) => {
    const k = await createKey(deps, principalOf(request), request.params.user);
    return reply.code(201).send({ ...keyJson(k), secretKey: k.secretKey });
  });
  app.get('/api/v1/admin/keys', async (request) => ({
    keys: (await listKeys(deps, principalOf(request))).map(keyJson),
  }));
  app.patch<K & { Body: { enabled: boolean } }>(
    '/api/v1/admin/keys/:key',
    { schema: { body: keyPatchBody } },
    async (request) =>
      keyJson(await setKeyEnabled(deps, principalOf(request), request.params.key, request.body.enabled)),
  );
  app.delete<K>('/api/v1/admin/keys/:key', async (request, reply) => {
    await deleteKey(deps, principalOf(request), request.params.key);
    return reply.code(204).send();
  });
};
