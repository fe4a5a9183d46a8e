// /api/v1/projects/{project}/uploads: multipart uploads in JSON. Start one, send its parts (raw bodies, streamed),
// list them to resume, complete it into a file (its parts' extents joined: no byte moved), or abort it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_MIN_PART_SIZE } from '../../../config/config.ts';
import { decodeCursor, encodeCursor } from '../../../core/cursor.ts';
import { StorageError } from '../../../core/errors.ts';
import {
  abortUpload,
  createUpload,
  listParts,
  type PartInfo,
  type UploadInfo,
  uploadPart,
} from '../../../core/multipart.ts';
import { completeUpload } from '../../../core/multipart-complete.ts';
import { listUploads } from '../../../core/upload-list.ts';
import { clientGone } from '../../common/client-gone.ts';
import { parseConditions, parseNonNegativeInt } from '../../common/conditions.ts';
import { rawBodies } from '../../common/content-type.ts';
import { bodyOf, declaredLength } from '../../common/request-body.ts';
import { fileJson, iso, type NativeDeps, principalOf } from '../context.ts';
import {
  type CompleteUpload,
  type CreateUpload,
  completeBody,
  createBody,
  pageQuery,
} from './upload-schemas.ts';

type UploadRequest = FastifyRequest<{
  Params: { project: string; uploadId: string; partNumber: string };
  Querystring: { prefix?: string; after?: string; limit?: string };
}>;

const uploadJson = (u: UploadInfo) => ({
  uploadId: u.id,
  project: u.project,
  path: u.path,
  createdAt: iso(u.createdAt),
});

const partJson = (p: PartInfo) => ({
  partNumber: p.partNumber,
  etag: p.etag,
  size: p.size,
  checksums: p.checksums,
  createdAt: iso(p.createdAt),
});

/** A page size from the query: 1 to 1000, 1000 when absent. Throws InvalidArgument. */
function limitOf(request: UploadRequest): number {
  const n = parseNonNegativeInt(request.query.limit, 'limit') ?? 1000;
  if (n < 1 || n > 1000) throw new StorageError('InvalidArgument', 'The limit is an integer from 1 to 1000.');
  return n;
}

export const uploadRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  const core = deps.core;
  const minPartSize = deps.minPartSize ?? DEFAULT_MIN_PART_SIZE;
  const at = (request: { params: { project: string; uploadId: string } }) => ({
    project: request.params.project,
    uploadId: request.params.uploadId,
  });

  app.post<{ Params: { project: string }; Body: CreateUpload }>(
    '/api/v1/projects/:project/uploads',
    { schema: { body: createBody } },
    async (request, reply) => {
      const { path, ...attributes } = request.body;
      const u = await createUpload(core, principalOf(request), {
        project: request.params.project,
        path,
        attributes,
      });
      return reply.code(201).send({ ...uploadJson(u), minPartSize });
    },
  );

  app.get(
    '/api/v1/projects/:project/uploads',
    { schema: { querystring: pageQuery } },
    async (request: UploadRequest) => {
      const after = request.query.after;
      const [afterKey, afterId] = after === undefined ? [] : decodeCursor(after, ['string', 'string']);
      const r = await listUploads(core, principalOf(request), {
        project: request.params.project,
        prefix: request.query.prefix,
        afterKey: afterKey as string | undefined,
        afterId: afterId as string | undefined,
        limit: limitOf(request),
      });
      const last = r.uploads[r.uploads.length - 1];
      return {
        uploads: r.uploads.map(uploadJson),
        next: r.truncated && last ? encodeCursor([last.path, last.id]) : null,
      };
    },
  );

  // The parts so far, in number order: what a client resumes from. `next` pages past 1000 parts.
  app.get(
    '/api/v1/projects/:project/uploads/:uploadId',
    { schema: { querystring: pageQuery } },
    async (request: UploadRequest) => {
      const r = await listParts(core, principalOf(request), {
        ...at(request),
        after: parseNonNegativeInt(request.query.after, 'after'),
        limit: limitOf(request),
      });
      const last = r.parts[r.parts.length - 1];
      return {
        ...uploadJson(r.upload),
        parts: r.parts.map(partJson),
        next: r.truncated && last ? String(last.partNumber) : null,
      };
    },
  );

  app.post<{ Params: { project: string; uploadId: string }; Body: CompleteUpload }>(
    '/api/v1/projects/:project/uploads/:uploadId/complete',
    { schema: { body: completeBody } },
    async (request, reply) => {
      const v = await completeUpload(core, principalOf(request), {
        ...at(request),
        parts: request.body.parts,
        minPartSize,
        conditions: parseConditions(request.headers),
      });
      return reply.code(201).header('etag', `"${v.etag}"`).send(fileJson(v));
    },
  );

  app.delete('/api/v1/projects/:project/uploads/:uploadId', async (request: UploadRequest, reply) => {
    await abortUpload(core, principalOf(request), at(request));
    return reply.code(204).send();
  });

  // A part is the request's raw body whatever its Content-Type, streamed into blocks; sent again, it replaces the last.
  await app.register(async (raw) => {
    rawBodies(raw);
    raw.put(
      '/api/v1/projects/:project/uploads/:uploadId/parts/:partNumber',
      async (request: UploadRequest, reply) => {
        const md5 = request.headers['content-md5'];
        const part = await uploadPart(core, principalOf(request), {
          ...at(request),
          partNumber: parseNonNegativeInt(request.params.partNumber, 'The part number') ?? 0,
          body: bodyOf(request),
          size: declaredLength(request),
          contentMd5: typeof md5 === 'string' ? md5 : undefined,
          signal: clientGone(reply.raw),
        });
        return reply.header('etag', `"${part.etag}"`).send(partJson(part));
      },
    );
  });
};
