// POST /api/v1/copy: one file (whole or a byte range) gives a receipt; a directory tree gives 202 and a job.
import type { FastifyInstance } from 'fastify';
import type { CopyRequest } from '../../../core/model.ts';
import { copyAny } from '../../../core/tree-copy.ts';
import type { NativeDeps } from '../context.ts';
import { principalOf } from '../context.ts';
import { jobJson } from './jobs.ts';

const offset = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const str = { type: 'string', minLength: 1, maxLength: 1100 } as const;
const labels = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const copyBody = {
  type: 'object',
  required: ['source', 'target'],
  additionalProperties: false,
  properties: {
    source: {
      type: 'object',
      required: ['project'],
      additionalProperties: false,
      properties: {
        project: str,
        path: str,
        id: str,
        versionId: str,
        snapshot: str,
        stream: { type: 'string', maxLength: 255 },
        offset,
        length: offset,
        ifMatch: str,
        ifNoneMatch: str,
        ifModifiedSince: { type: 'string', format: 'date-time' },
        ifUnmodifiedSince: { type: 'string', format: 'date-time' },
      },
    },
    target: {
      type: 'object',
      required: ['project', 'path'],
      additionalProperties: false,
      properties: {
        project: str,
        path: str,
        stream: { type: 'string', maxLength: 255 },
        offset,
        ifMatch: str,
        ifNoneMatch: str,
      },
    },
    conflict: { type: 'string', enum: ['fail', 'overwrite', 'rename'] },
    metadata: {
      type: 'object',
      required: ['directive'],
      additionalProperties: false,
      properties: {
        directive: { type: 'string', enum: ['copy', 'replace', 'merge'] },
        contentType: { type: 'string' },
        contentDisposition: { type: 'string' },
        contentEncoding: { type: 'string' },
        cacheControl: { type: 'string' },
        userMetadata: labels,
        tags: labels,
        properties: labels,
      },
    },
  },
} as const;

type Body = Omit<CopyRequest, 'source'> & {
  source: Omit<CopyRequest['source'], 'ifModifiedSince' | 'ifUnmodifiedSince'> & {
    ifModifiedSince?: string;
    ifUnmodifiedSince?: string;
  };
};

export const copyRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Body }>('/api/v1/copy', { schema: { body: copyBody } }, async (request, reply) => {
    const principal = principalOf(request);
    const b = request.body;
    const req: CopyRequest = {
      ...b,
      source: {
        ...b.source,
        ifModifiedSince: b.source.ifModifiedSince ? new Date(b.source.ifModifiedSince) : undefined,
        ifUnmodifiedSince: b.source.ifUnmodifiedSince ? new Date(b.source.ifUnmodifiedSince) : undefined,
      },
    };
    const result = await copyAny(deps.core, principal, req, { sourceNeed: 'copy' });
    if ('receipt' in result) return reply.code(201).send(result.receipt);
    deps.jobs.poke();
    return reply
      .code(202)
      .header('location', `/api/v1/jobs/${result.job.id}`)
      .send({ job: jobJson(result.job) });
  });
};
