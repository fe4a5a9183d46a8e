// The multipart upload (docs.sevenbridges.com "Upload files" API): start one into a project or a folder, a signed
// URL per part that the client PUTs to without credentials, report each part's ETag, complete it into a file, or
// abort it. The parts are the core's multipart parts: completing one moves no byte.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { openLink, signLink } from '../../../auth/signed-links.ts';
import { getEntry, getEntryByPath } from '../../../core/entries.ts';
import { isStorageError, StorageError } from '../../../core/errors.ts';
import {
  abortUpload,
  createUpload,
  listParts,
  type UploadInfo,
  uploadPart,
} from '../../../core/multipart.ts';
import { getUpload } from '../../../core/upload-info.ts';
import { completeWholeUpload } from '../../../core/upload-whole.ts';
import { clientGone } from '../../common/client-gone.ts';
import { jsonBody } from '../../common/json-body.ts';
import { bearerOf, principalOf } from '../../common/principal.ts';
import { bodyOf, declaredLength } from '../../common/request-body.ts';
import { CREDENTIAL_IN_PATH, externalBase } from '../../common/request-context.ts';
import { contextFor, contextOf, destinationOf, pathIn } from '../context.ts';
import { type FileContext, fileJson } from '../render.ts';
import { queryOne, sbgTime, selectFields } from '../wire.ts';

/** SBG's part sizes: at least 5 MiB but the last, 32 MiB unless the client asks otherwise, at most 10,000 parts. */
const MIN_PART = 5 * 1024 * 1024;
const DEFAULT_PART = 32 * 1024 * 1024;
const MAX_PART = 5 * 1024 * 1024 * 1024;

type UploadParams = { Params: { id: string; part?: string } };

/** The upload as SBG shows it. */
function uploadJson(u: UploadInfo, ctx: FileContext, partSize: number, size: number | null) {
  const slash = u.path.lastIndexOf('/');
  return {
    upload_id: u.id,
    project: ctx.projectId,
    parent: ctx.parent,
    name: u.path.slice(slash + 1),
    size,
    part_size: partSize,
    parallel_uploads: true,
    initiated: sbgTime(u.createdAt),
  };
}

/** A non-negative integer of a body, or undefined. */
function count(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StorageError('InvalidArgument', `${name} must be a non-negative integer.`);
  return value;
}

export const uploadRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.post('/v2/upload/multipart', async (request, reply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const overwrite = /^(true|True|1)$/.test(queryOne(request, 'overwrite') ?? '');
    const folder = await destinationOf(deps, principal, body);
    const path = pathIn(folder, body['name']);
    const size = count(body['size'], 'size') ?? null;
    const asked = count(body['part_size'], 'part_size');
    // The part size to use: the one asked, or larger when 10,000 of them would not hold the file (the client adopts it).
    const wanted = Math.max(asked ?? DEFAULT_PART, MIN_PART, size === null ? 0 : Math.ceil(size / 10_000));
    if (wanted > MAX_PART)
      throw new StorageError('InvalidArgument', 'The file is larger than 10,000 parts can hold.');
    const partSize = wanted;
    // A clash is told now, not after every part has been sent; completing checks again.
    const taken = await takenBy(request, folder.project, path);
    if (taken === 'directory')
      throw new StorageError('Conflict', `A folder '${body['name']}' exists; a file cannot replace it.`);
    if (taken && !overwrite)
      throw new StorageError(
        'Conflict',
        `'${body['name']}' already exists; upload with overwrite=true to replace it.`,
      );
    const u = await createUpload(core, principal, {
      project: folder.project,
      path,
      attributes: { createOnly: !overwrite, properties: {}, declared: { size: size ?? undefined, partSize } },
    });
    return reply.send(uploadJson(u, await uploadContext(request, u), partSize, size));
  });

  /** What has the path: a file, a folder, or nothing (undefined). */
  async function takenBy(request: FastifyRequest, project: string, path: string) {
    try {
      return (await getEntryByPath(core, principalOf(request), { project, path })).type;
    } catch (err) {
      if (isStorageError(err, 'NoSuchKey')) return undefined;
      throw err;
    }
  }

  const uploadContext = (request: FastifyRequest, u: UploadInfo) => {
    const slash = u.path.lastIndexOf('/');
    return contextFor(deps, request, { project: u.project, parent: slash < 0 ? '' : u.path.slice(0, slash) });
  };

  const info = async (request: FastifyRequest<UploadParams>) =>
    getUpload(core, principalOf(request), request.params.id);

  app.get<UploadParams>('/v2/upload/multipart/:id', async (request, reply) => {
    const u = await info(request);
    const declared = u.attributes.declared ?? {};
    return reply.send(
      uploadJson(
        u,
        await uploadContext(request, u),
        declared.partSize ?? DEFAULT_PART,
        declared.size ?? null,
      ),
    );
  });

  app.get<UploadParams>('/v2/upload/multipart/:id/part/:part', async (request, reply) => {
    const principal = principalOf(request);
    const u = await info(request);
    const part = request.params.part ?? '';
    if (!/^[0-9]{1,5}$/.test(part) || Number(part) < 1 || Number(part) > 10_000)
      throw new StorageError('InvalidArgument', 'A part number is from 1 to 10,000.');
    const link = await signLink(
      core,
      {
        kind: 'upload-part',
        method: 'PUT',
        principalId: principal.id,
        target: u.id,
        project: u.project,
        path: u.path,
        part: Number(part),
      },
      bearerOf(request),
    );
    return reply.send({
      method: 'PUT',
      url: `${externalBase(request)}/sbg-upload/${link.token}`,
      expires: sbgTime(link.expiresAt),
      headers: {},
      success_codes: [200],
      report: { headers: ['ETag'] },
    });
  });

  for (const url of ['/v2/upload/multipart/:id/part', '/v2/upload/multipart/:id/part/']) {
    app.post<UploadParams>(url, async (request, reply) => {
      const principal = principalOf(request);
      const body = await jsonBody(request);
      const u = await info(request);
      const number = count(body['part_number'], 'part_number');
      const response = body['response'] as { headers?: Record<string, unknown> } | undefined;
      const etag = response?.headers?.['ETag'] ?? response?.headers?.['etag'];
      if (number === undefined || typeof etag !== 'string')
        throw new StorageError('InvalidArgument', 'Give part_number and response.headers.ETag.');
      const { parts } = await listParts(core, principal, {
        project: u.project,
        path: u.path,
        uploadId: u.id,
      });
      const part = parts.find((p) => p.partNumber === number);
      if (!part || part.etag !== etag.replace(/^"|"$/g, ''))
        throw new StorageError('InvalidPart', `Part ${number} was not uploaded with that ETag.`);
      return reply.send({ part_number: number, size: part.size, etag: part.etag });
    });
  }

  app.post<UploadParams>('/v2/upload/multipart/:id/complete', async (request, reply) => {
    const principal = principalOf(request);
    const v = await completeWholeUpload(core, principal, {
      uploadId: request.params.id,
      minPartSize: MIN_PART,
    });
    const e = await getEntry(core, principal, v.fileId);
    const json = fileJson(e, { tags: v.tags, properties: v.properties }, await contextOf(deps, request, e));
    return reply.send(selectFields(request, json));
  });

  app.delete<UploadParams>('/v2/upload/multipart/:id', async (request, reply: FastifyReply) => {
    const u = await info(request);
    await abortUpload(core, principalOf(request), { project: u.project, path: u.path, uploadId: u.id });
    return reply.code(204).send();
  });

  // The part URL: no credentials, the signed token says who, which upload, which part.
  app.put<{ Params: { token: string } }>('/sbg-upload/:token', CREDENTIAL_IN_PATH, async (request, reply) => {
    const { claims, principal } = await openLink(core, request.params.token, {
      kind: 'upload-part',
      method: 'PUT',
    });
    const part = await uploadPart(core, principal, {
      project: claims.project,
      path: claims.path!,
      uploadId: claims.target,
      partNumber: claims.part!,
      body: bodyOf(request),
      size: declaredLength(request),
      signal: clientGone(reply.raw),
    });
    return reply.header('etag', `"${part.etag}"`).code(200).send();
  });
};
