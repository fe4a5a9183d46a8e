// A file's bytes: download (whole, or a Range as 206; If-None-Match as 304) and replace (raw or multipart, on the
// version If-Match names: 428 without it, 412 when it is not the current one). A replace keeps the file's attributes.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { openRead } from '../../../../core/read.ts';
import { putFile } from '../../../../core/write.ts';
import { attachment } from '../../../common/attachment.ts';
import { sendRead } from '../../../common/body-stream.ts';
import { clientGone } from '../../../common/client-gone.ts';
import { noneMatchTags, parseRange, sameStrongTag } from '../../../common/conditions.ts';
import { setContentType } from '../../../common/content-type.ts';
import { isHeaderValue } from '../../../common/header-text.ts';
import { principalOf } from '../../../common/principal.ts';
import { negotiate } from '../../kit/media.ts';
import { etagOf, requiredConditions } from '../../kit/preconditions.ts';
import { fileOf, sendFile, versionOf } from '../context.ts';
import { DEFAULT_TYPE, FILE_VERSION } from '../file-json.ts';
import { uploadBody } from '../upload-body.ts';

type Id = { Params: { id: string } };

export const contentRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.get<Id>('/files/files/:id/content', async (request, reply) => {
    const principal = principalOf(request);
    const e = await fileOf(deps, principal, request.params.id);
    const range = typeof request.headers.range === 'string' ? parseRange(request.headers.range) : undefined;
    // If-Range: the range only while the version is the one its strong ETag names, else the whole file (RFC 9110
    // 13.1.5). A date is no proof here: two versions written in one second, or one given an old modification time,
    // share it, and a range of the new one would be stitched onto bytes of the old.
    const ifRange = request.headers['if-range'];
    const keepRange = typeof ifRange !== 'string' || sameStrongTag(ifRange, e.versionRow!);
    const none = noneMatchTags(request.headers['if-none-match']);
    if (none?.some((t) => t === '*' || t === e.versionRow))
      return reply.code(304).header('etag', etagOf(e.versionRow!)).send();
    const read = await openRead(core, principal, {
      project: e.project,
      id: e.id,
      range: keepRange ? range : undefined,
      conditions: { fileId: e.id },
      signal: clientGone(reply.raw),
    });
    const v = read.version;
    reply
      .header('etag', etagOf(v.rowId))
      .header('last-modified', new Date(v.modifiedAt).toUTCString())
      .header('accept-ranges', 'bytes')
      .header(
        'content-disposition',
        v.contentDisposition && isHeaderValue(v.contentDisposition)
          ? v.contentDisposition
          : attachment(e.name),
      );
    setContentType(reply, v.contentType && isHeaderValue(v.contentType) ? v.contentType : DEFAULT_TYPE);
    return sendRead(reply, read);
  });

  app.put<Id>('/files/files/:id/content', async (request, reply) => {
    const principal = principalOf(request);
    // A 415 for the answer's Accept comes before anything changes.
    negotiate(request, 'file', FILE_VERSION);
    const conditions = requiredConditions(request, 'A content update');
    const e = await fileOf(deps, principal, request.params.id);
    const current = await versionOf(deps, principal, e);
    const upload = await uploadBody(request);
    const v = await putFile(core, principal, {
      project: e.project,
      path: e.path,
      body: upload.body,
      size: upload.size,
      conditions: { ...conditions, fileId: e.id },
      contentType: upload.contentType ?? current.contentType,
      contentDisposition: current.contentDisposition,
      contentEncoding: current.contentEncoding,
      userMetadata: current.userMetadata,
      properties: current.properties,
      tags: current.tags,
      expiresAt: current.expiresAt,
    });
    return sendFile(deps, request, reply, e, v);
  });
};
