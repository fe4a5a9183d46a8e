// /api/v1/projects: create, list, read, delete, versioning, members, snapshots and usage.
import type { FastifyInstance } from 'fastify';
import type { DataClass, Role, Versioning } from '../../../core/model.ts';
import {
  createProject,
  deleteProject,
  getProject,
  listMembers,
  listProjects,
  setMember,
  setVersioning,
} from '../../../core/projects.ts';
import { createSnapshot, deleteSnapshot, listSnapshots, type Snapshot } from '../../../core/snapshots.ts';
import { projectUsage } from '../../../core/usage.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';

export const projectBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    dataClass: { type: 'string', enum: ['open', 'controlled'] },
    versioning: { type: 'string', enum: ['off', 'enabled'] },
  },
} as const;

const projectJson = (p: {
  id: string;
  name: string;
  ownerId: string;
  versioning: string;
  dataClass: string;
  createdAt: number;
}) => ({
  id: p.id,
  name: p.name,
  owner: p.ownerId,
  versioning: p.versioning,
  dataClass: p.dataClass,
  createdAt: iso(p.createdAt),
});

type P = { Params: { project: string } };

/** A snapshot with its times in ISO 8601. */
const snapshotJson = (s: Snapshot) => ({
  ...s,
  createdAt: iso(s.createdAt),
  expiresAt: s.expiresAt === null ? null : iso(s.expiresAt),
});

export const projectRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  const core = deps.core;
  app.post<{ Body: { name: string; dataClass?: DataClass; versioning?: Versioning } }>(
    '/api/v1/projects',
    { schema: { body: projectBody } },
    async (request, reply) =>
      reply.code(201).send(projectJson(await createProject(core, principalOf(request), request.body))),
  );
  app.get('/api/v1/projects', async (request) => ({
    projects: (await listProjects(core, principalOf(request))).projects.map(projectJson),
  }));
  app.get<P>('/api/v1/projects/:project', async (request) =>
    projectJson(
      await getProject(core, { principal: principalOf(request), need: 'list' }, request.params.project),
    ),
  );
  app.delete<P>('/api/v1/projects/:project', async (request, reply) => {
    await deleteProject(core, principalOf(request), request.params.project);
    return reply.code(204).send();
  });
  app.put<P & { Body: { versioning: Versioning } }>(
    '/api/v1/projects/:project/versioning',
    {
      schema: {
        body: {
          type: 'object',
          required: ['versioning'],
          additionalProperties: false,
          properties: { versioning: { type: 'string', enum: ['enabled', 'suspended'] } },
        },
      },
    },
    async (request) =>
      projectJson(
        await setVersioning(core, principalOf(request), request.params.project, request.body.versioning),
      ),
  );
  app.get<P>('/api/v1/projects/:project/members', async (request) => ({
    members: await listMembers(core, principalOf(request), request.params.project),
  }));
  app.put<{ Params: { project: string; principal: string }; Body: { role: Role | null } }>(
    '/api/v1/projects/:project/members/:principal',
    {
      schema: {
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: { type: ['string', 'null'], enum: ['read', 'copy', 'write', 'admin', null] } },
        },
      },
    },
    async (request, reply) => {
      await setMember(core, principalOf(request), {
        project: request.params.project,
        principalId: request.params.principal,
        role: request.body.role,
      });
      return reply.code(204).send();
    },
  );
  app.post<P & { Body: { name?: string } | undefined }>(
    '/api/v1/projects/:project/snapshots',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    async (request, reply) => {
      const s = await createSnapshot(core, principalOf(request), {
        project: request.params.project,
        name: request.body?.name,
      });
      return reply.code(201).send(snapshotJson(s));
    },
  );
  app.get<P>('/api/v1/projects/:project/snapshots', async (request) => ({
    snapshots: (await listSnapshots(core, principalOf(request), request.params.project)).map(snapshotJson),
  }));
  app.delete<{ Params: { project: string; id: string } }>(
    '/api/v1/projects/:project/snapshots/:id',
    async (request, reply) => {
      await deleteSnapshot(core, principalOf(request), {
        project: request.params.project,
        id: request.params.id,
      });
      return reply.code(204).send();
    },
  );
  app.get<P>('/api/v1/projects/:project/usage', async (request) =>
    projectUsage(core, principalOf(request), request.params.project),
  );
};
