// /api/v1/projects/{project}/dirs/{path}: make, list and remove directories; /api/v1/move; /api/v1/entries/{id}.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listDirectory, MAX_DIR_PAGE } from '../../../core/dir-list.ts';
import { makeDirectory, removeDirectory } from '../../../core/dirs.ts';
import { type Entry, getEntry } from '../../../core/entries.ts';
import type { ConflictPolicy } from '../../../core/model.ts';
import { moveEntry } from '../../../core/move.ts';
import { startTreeDelete } from '../../../core/tree-delete.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf } from '../context.ts';
import { jobJson } from './jobs.ts';

export function entryJson(e: Entry) {
  return {
    id: e.id,
    ids: e.ids,
    type: e.type,
    project: e.project,
    path: e.path,
    parent: e.parent,
    name: e.name,
    size: e.size,
    createdAt: iso(e.createdAt),
    modifiedAt: iso(e.modifiedAt),
    owner: e.ownerId,
    mode: e.mode,
    etag: e.etag,
    versionId: e.versionId,
    contentType: e.contentType,
  };
}

type DirParams = {
  Params: { project: string; '*': string };
  Querystring: {
    parents?: string;
    recursive?: string;
    limit?: string;
    after?: string;
    snapshot?: string;
    mode?: string;
  };
};

const flag = { type: 'string', enum: ['true', 'false'] } as const;

const dirQuery = {
  type: 'object',
  properties: {
    parents: flag,
    recursive: flag,
    mode: { type: 'string', pattern: '^[0-7]{1,4}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
    after: { type: 'string', maxLength: 2048 },
    snapshot: { type: 'string', maxLength: 256 },
  },
} as const;

const place = {
  type: 'object',
  required: ['project', 'path'],
  additionalProperties: false,
  properties: {
    project: { type: 'string', minLength: 1, maxLength: 63 },
    path: { type: 'string', minLength: 1, maxLength: 1100 },
  },
} as const;

export const moveBody = {
  type: 'object',
  required: ['source', 'target'],
  additionalProperties: false,
  properties: {
    source: place,
    target: place,
    conflict: { type: 'string', enum: ['fail', 'overwrite', 'rename'] },
    ifMatch: { type: 'string', minLength: 1, maxLength: 1100 },
  },
} as const;

type MoveBody = {
  source: { project: string; path: string };
  target: { project: string; path: string };
  conflict?: ConflictPolicy;
  ifMatch?: string;
};

export const dirRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  const core = deps.core;
  app.put<DirParams>(
    '/api/v1/projects/:project/dirs/*',
    { schema: { querystring: dirQuery } },
    async (request, reply) => {
      const parents = request.query.parents === 'true';
      const path = request.params['*'];
      const mode = request.query.mode === undefined ? undefined : Number.parseInt(request.query.mode, 8);
      const made = await makeDirectory(core, principalOf(request), {
        project: request.params.project,
        path,
        parents,
        mode,
      });
      return reply.code(made.created ? 201 : 200).send(entryJson(made.entry));
    },
  );

  const list = (request: FastifyRequest<DirParams>) =>
    listDirectory(core, principalOf(request), {
      project: request.params.project,
      path: request.params['*'] ?? '',
      limit:
        request.query.limit === undefined
          ? undefined
          : Math.min(Number(request.query.limit), MAX_DIR_PAGE + 1),
      after: request.query.after,
      snapshot: request.query.snapshot,
    }).then((page) => ({ entries: page.entries.map(entryJson), next: page.next }));
  app.get<DirParams>('/api/v1/projects/:project/dirs/*', { schema: { querystring: dirQuery } }, (request) =>
    list(request),
  );
  app.get<DirParams>('/api/v1/projects/:project/dirs', { schema: { querystring: dirQuery } }, (request) =>
    list(request),
  );

  app.delete<DirParams>(
    '/api/v1/projects/:project/dirs/*',
    { schema: { querystring: dirQuery } },
    async (request, reply) => {
      const target = { project: request.params.project, path: request.params['*'] };
      if (request.query.recursive === 'true') {
        const job = await startTreeDelete(core, principalOf(request), target);
        return reply
          .code(202)
          .header('location', `/api/v1/jobs/${job.id}`)
          .send({ job: jobJson(job) });
      }
      await removeDirectory(core, principalOf(request), target);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: MoveBody }>('/api/v1/move', { schema: { body: moveBody } }, async (request) => {
    const b = request.body;
    const entry = await moveEntry(core, principalOf(request), {
      source: b.source,
      target: b.target,
      conflict: b.conflict,
      conditions: b.ifMatch === undefined ? undefined : { ifMatch: [b.ifMatch] },
    });
    return entryJson(entry);
  });

  app.get<{ Params: { id: string } }>('/api/v1/entries/:id', async (request) =>
    entryJson(await getEntry(core, principalOf(request), request.params.id)),
  );
};
