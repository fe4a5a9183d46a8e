// A file's bytes, of its default stream or of a named one: replace (PUT), write at an offset (PATCH), read a window.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import type { Entry } from '../../../core/entries.ts';
import { StorageError } from '../../../core/errors.ts';
import type { VersionInfo } from '../../../core/model.ts';
import { openRead } from '../../../core/read.ts';
import { putFile, writeAt } from '../../../core/write.ts';
import { bodyPayload } from '../../common/body-stream.ts';
import { clientGone } from '../../common/client-gone.ts';
import { contentTypeOf, setContentType } from '../../common/content-type.ts';
import { principalOf } from '../../common/principal.ts';
import { bodyOf, declaredLength } from '../../common/request-body.ts';
import { attributesOf } from '../attributes.ts';
import {
  entryAt,
  fileOf,
  queryUint64,
  queryValue,
  quoted,
  sendJson,
  snapshotRef,
  streamOf,
  withinLargestFile,
  writeConditions,
} from '../wire.ts';

type DataParams = {
  Params: { ref: string; stream?: string };
  Querystring: Record<string, string | undefined>;
};

/** The entry after a write: its new version's size, ETag and time. */
const written = (e: Entry, v: VersionInfo): Entry => ({
  ...e,
  size: v.size,
  etag: v.etag,
  versionId: v.versionId,
  versionRow: v.rowId,
  modifiedAt: v.modifiedAt,
  revision: v.seq,
});

export const dataRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  function answer(reply: FastifyReply, e: Entry, v: VersionInfo) {
    reply.header('etag', quoted(v.rowId));
    return sendJson(reply, attributesOf(written(e, v)));
  }

  function checkDataType(request: FastifyRequest) {
    const type = contentTypeOf(request);
    if (type !== undefined && !/^application\/octet-stream\s*(;|$)/i.test(type))
      throw new StorageError('InvalidArgument', `Data is sent as application/octet-stream, not '${type}'.`);
  }

  const put = async (request: FastifyRequest<DataParams>, reply: FastifyReply) => {
    checkDataType(request);
    const principal = principalOf(request);
    const file = await fileOf(deps, principal, request.params.ref);
    // The file must exist: without an If-Match of the client's, any current version matches, and none does not.
    const v = await putFile(core, principal, {
      project: file.project,
      path: file.path,
      stream: streamOf(request.params.stream),
      body: bodyOf(request),
      size: declaredLength(request),
      conditions: writeConditions(request, file),
      existingStream: true,
      contentType: file.contentType ?? undefined,
    });
    return answer(reply, file, v);
  };

  const patch = async (request: FastifyRequest<DataParams>, reply: FastifyReply) => {
    checkDataType(request);
    const principal = principalOf(request);
    const file = await fileOf(deps, principal, request.params.ref);
    const v = await writeAt(core, principal, {
      project: file.project,
      path: file.path,
      stream: streamOf(request.params.stream),
      offset: withinLargestFile(core, queryValue(request, 'offset'), 'offset') ?? 0,
      body: bodyOf(request),
      size: declaredLength(request),
      conditions: writeConditions(request, file),
      signal: clientGone(reply.raw),
    });
    return answer(reply, file, v);
  };

  const get = async (request: FastifyRequest<DataParams>, reply: FastifyReply) => {
    const principal = principalOf(request);
    const snapshot = snapshotRef(request.query['snapshot']);
    // At a snapshot, a path names the file that snapshot holds, even one deleted since.
    const file =
      snapshot === undefined
        ? await fileOf(deps, principal, request.params.ref)
        : await heldAt(request, snapshot);
    // An offset past every file reads nothing, as one past this file's end does.
    const offset = queryUint64(request, 'offset', Number.MAX_SAFE_INTEGER) ?? 0;
    const length = queryUint64(request, 'length', Number.MAX_SAFE_INTEGER);
    const read = await openRead(core, principal, {
      project: file.project,
      path: file.path,
      stream: streamOf(request.params.stream),
      snapshot,
      window: { offset, length },
      signal: clientGone(reply.raw),
    });
    const range = read.range!;
    const size = range.end - range.start;
    setContentType(reply, 'application/octet-stream');
    reply.code(200).header('etag', quoted(read.version.rowId)).header('content-length', size);
    return reply.send(await bodyPayload(read.body, { length: size, res: reply.raw }));
  };

  /** The file a ref names for a read at a snapshot: a path as the snapshot shows it, an id as the live file. */
  async function heldAt(request: FastifyRequest<DataParams>, snapshot: string): Promise<Entry> {
    const ref = request.params.ref;
    const entry = await entryAt(deps, principalOf(request), ref, snapshot);
    if (entry.type !== 'file') throw new StorageError('IsADirectory', `'${ref}' is a directory.`);
    return entry;
  }

  for (const base of ['/v1/files/:ref/data', '/v1/files/:ref/streams/:stream/data']) {
    app.put(base, put);
    app.patch(base, patch);
    app.get(base, get);
  }
};
