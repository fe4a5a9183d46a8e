// The signed-in user, projects (`owner/name`) with the caller's permissions, and a project's members.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { StorageError } from '../../../core/errors.ts';
import type { Project } from '../../../core/model.ts';
import { principalNames, projectOwnedBy } from '../../../core/project-owners.ts';
import { listMembers, listProjects, myRole, setMember } from '../../../core/projects.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import { permissionsOf, projectJson, roleFor } from '../render.ts';
import { apiBase, pageOf, selectFields, sendCollection } from '../wire.ts';

type ProjectParams = { Params: { owner: string; project: string } };

export const projectRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  async function projectAnswer(request: FastifyRequest, p: Project) {
    const principal = principalOf(request);
    const owner = (await principalNames(core, [p.ownerId])).get(p.ownerId)!;
    const role = await myRole(core, principal, p.name);
    const isOwner = p.ownerId === principal.id || principal.isRoot || principal.isAdmin;
    return selectFields(request, projectJson(p, { base: apiBase(request), ownerName: owner, role, isOwner }));
  }

  const projectOf = (request: FastifyRequest<ProjectParams>) =>
    projectOwnedBy(core, principalOf(request), { owner: request.params.owner, name: request.params.project });

  app.get('/v2/user', async (request, reply) => {
    const p = principalOf(request);
    return reply.send({
      href: `${apiBase(request)}/users/${p.name}`,
      username: p.name,
      email: '',
      role: 'USER',
    });
  });

  app.get('/v2/projects', async (request, reply) => {
    const page = pageOf(request);
    const all = (await listProjects(core, principalOf(request))).projects;
    const items = [];
    for (const p of all.slice(page.offset, page.offset + page.limit))
      items.push(await projectAnswer(request, p));
    return sendCollection(request, reply, { items, total: all.length, ...page });
  });

  app.get<ProjectParams>('/v2/projects/:owner/:project', async (request, reply) =>
    reply.send(await projectAnswer(request, await projectOf(request))),
  );

  app.get<ProjectParams>('/v2/projects/:owner/:project/members', async (request, reply) => {
    const p = await projectOf(request);
    const page = pageOf(request);
    const members = await listMembers(core, principalOf(request), p.name);
    const base =
      `${apiBase(request)}/projects/${request.params.owner}/${request.params.project}/members`.toLowerCase();
    const items = members.slice(page.offset, page.offset + page.limit).map((m) => ({
      href: `${base}/${m.name}`,
      id: m.name,
      username: m.name,
      type: 'USER',
      permissions: permissionsOf(m.role, false),
    }));
    return sendCollection(request, reply, { items, total: members.length, ...page });
  });

  app.post<ProjectParams>('/v2/projects/:owner/:project/members', async (request, reply: FastifyReply) => {
    const principal = principalOf(request);
    const p = await projectOf(request);
    const body = await jsonBody(request);
    const username = body['username'];
    const permissions = body['permissions'] ?? { read: true };
    if (typeof username !== 'string' || typeof permissions !== 'object' || permissions === null)
      throw new StorageError('InvalidArgument', 'Give a username and its permissions.');
    for (const [k, v] of Object.entries(permissions))
      if (!['read', 'write', 'copy', 'execute', 'admin'].includes(k) || typeof v !== 'boolean')
        throw new StorageError(
          'InvalidArgument',
          'permissions holds read, write, copy, execute and admin, each true or false.',
        );
    const role = roleFor(permissions as Record<string, boolean>);
    await setMember(core, principal, { project: p.name, principalId: username, role, keepOwner: true });
    // No permission at all: the user is no longer a member.
    if (role === null) return reply.code(204).send();
    return reply.code(201).send({
      href: `${apiBase(request)}/projects/${request.params.owner}/${request.params.project}/members/${username}`.toLowerCase(),
      id: username,
      username,
      type: 'USER',
      permissions: permissionsOf(role, false),
    });
  });
};
