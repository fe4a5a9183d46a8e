// /api/v1/projects/{project}/files/{path}: upload, write at an offset, read, stat, delete, list and update.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deleteFile } from '../../../core/delete.ts';
import { listFiles } from '../../../core/list.ts';
import type { VersionInfo } from '../../../core/model.ts';
import { openRead, stat } from '../../../core/read.ts';
import { putFile, setLabels, truncateFile, writeAt } from '../../../core/write.ts';
import { sendRead } from '../../common/body-stream.ts';
import { clientGone } from '../../common/client-gone.ts';
import { parseConditions, parseNonNegativeInt, parseRange } from '../../common/conditions.ts';
import { contentTypeOf, rawBodies } from '../../common/content-type.ts';
import { bodyOf, declaredLength } from '../../common/request-body.ts';
import type { NativeDeps } from '../context.ts';
import { fileJson, iso, principalOf, setVersionHeaders, userMetadataFrom } from '../context.ts';

type FileParams = {
  Params: { project: string; '*': string };
  Querystring: Record<string, string | undefined>;
};

/** Streams a read into the reply: 200 or 206 with Content-Range. */
export async function sendContent(
  reply: FastifyReply,
  read: {
    version: VersionInfo;
    size: number;
    range: { start: number; end: number } | undefined;
    body: AsyncIterable<Buffer>;
  },
): Promise<FastifyReply> {
  setVersionHeaders(reply, read.version);
  return sendRead(reply, read);
}

const listQuery = {
  type: 'object',
  properties: {
    prefix: { type: 'string', maxLength: 1024 },
    delimiter: { type: 'string', maxLength: 16 },
    after: { type: 'string', maxLength: 1024 },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    snapshot: { type: 'string' },
  },
} as const;

export const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    size: { type: 'integer', minimum: 0 },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    properties: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const fileRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  // Uploads take the raw body whatever its Content-Type; only these routes see it as a stream.
  await app.register(async (raw) => {
    rawBodies(raw);
    raw.put<FileParams>('/api/v1/projects/:project/files/*', async (request, reply) => {
      const q = request.query;
      const offset = parseNonNegativeInt(q['offset'], 'offset');
      const common = {
        project: request.params.project,
        path: request.params['*'],
        stream: q['stream'],
        conditions: parseConditions(request.headers),
        size: declaredLength(request),
        signal: clientGone(reply.raw),
      };
      if (offset !== undefined) {
        const v = await writeAt(core, principalOf(request), { ...common, offset, body: bodyOf(request) });
        return reply.code(200).send(fileJson(v));
      }
      const h = request.headers;
      const v = await putFile(core, principalOf(request), {
        ...common,
        body: bodyOf(request),
        contentMd5: typeof h['content-md5'] === 'string' ? h['content-md5'] : undefined,
        contentType: contentTypeOf(request),
        contentDisposition:
          typeof h['content-disposition'] === 'string' ? h['content-disposition'] : undefined,
        contentEncoding: typeof h['content-encoding'] === 'string' ? h['content-encoding'] : undefined,
        cacheControl: typeof h['cache-control'] === 'string' ? h['cache-control'] : undefined,
        userMetadata: userMetadataFrom(h),
      });
      return reply.code(201).header('etag', `"${v.etag}"`).send(fileJson(v));
    });
  });

  app.get<FileParams>('/api/v1/projects/:project/files/*', async (request, reply) => {
    const q = request.query;
    const sel = {
      project: request.params.project,
      path: request.params['*'],
      versionId: q['versionId'],
      snapshot: q['snapshot'],
      stream: q['stream'],
    };
    if (sel.path === '' || q['list'] !== undefined) return reply.send(await list(request));
    const read = await openRead(core, principalOf(request), {
      ...sel,
      conditions: parseConditions(request.headers),
      range: parseRange(typeof request.headers.range === 'string' ? request.headers.range : undefined),
      signal: clientGone(reply.raw),
    });
    return sendContent(reply, read);
  });

  async function list(request: FastifyRequest<FileParams>) {
    const q = request.query;
    const page = await listFiles(core, principalOf(request), {
      project: request.params.project,
      prefix: q['prefix'] ?? (request.params['*'] || undefined),
      delimiter: q['delimiter'],
      after: q['after'],
      limit: parseNonNegativeInt(q['limit'], 'limit'),
      snapshot: q['snapshot'],
    });
    return {
      files: page.entries.map((e) => ({ ...e, modifiedAt: iso(e.modifiedAt) })),
      prefixes: page.prefixes,
      truncated: page.truncated,
      next: page.next,
    };
  }

  app.get<FileParams>(
    '/api/v1/projects/:project/files',
    { schema: { querystring: listQuery } },
    async (request) => list(request),
  );

  app.head<FileParams>('/api/v1/projects/:project/files/*', async (request, reply) => {
    const q = request.query;
    const v = await stat(core, principalOf(request), {
      project: request.params.project,
      path: request.params['*'],
      versionId: q['versionId'],
      snapshot: q['snapshot'],
      stream: q['stream'],
      conditions: parseConditions(request.headers),
    });
    setVersionHeaders(reply, v);
    const size = v.streams[q['stream'] ?? '']?.size ?? v.size;
    return reply.header('content-length', size).code(200).send();
  });

  app.delete<FileParams>('/api/v1/projects/:project/files/*', async (request, reply) => {
    const r = await deleteFile(core, principalOf(request), {
      project: request.params.project,
      path: request.params['*'],
      versionId: request.query['versionId'],
      conditions: parseConditions(request.headers),
    });
    if (r.versionId) reply.header('x-mimeo-version-id', r.versionId);
    if (r.deleteMarker) reply.header('x-mimeo-delete-marker', 'true');
    return reply.code(204).send();
  });

  app.patch<
    FileParams & {
      Body: { size?: number; tags?: Record<string, string>; properties?: Record<string, string> };
    }
  >('/api/v1/projects/:project/files/*', { schema: { body: patchBody } }, async (request) => {
    const principal = principalOf(request);
    const target = {
      project: request.params.project,
      path: request.params['*'],
      stream: request.query['stream'],
    };
    const labels = { tags: request.body.tags, properties: request.body.properties };
    // A new size with new labels is one new version: both are made, or neither.
    const v =
      request.body.size !== undefined
        ? await truncateFile(core, principal, {
            ...target,
            size: request.body.size,
            conditions: parseConditions(request.headers),
            labels,
          })
        : await setLabels(core, principal, { ...target, ...labels });
    return fileJson(v);
  });
};
