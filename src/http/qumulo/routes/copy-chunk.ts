// POST /v1/files/{ref}/copy-chunk (and into a named stream): a byte range of a source file, at a snapshot if asked,
// into an offset of an existing file, by reference. The work per call is bounded; the answer is the request for
// the rest, with `length: "0"` when done.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { copyFile } from '../../../core/copy.ts';
import { StorageError } from '../../../core/errors.ts';
import type { SourceRef } from '../../../core/model.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import {
  bareEtag,
  fileOf,
  ifMatchOf,
  placeOf,
  quoted,
  sendJson,
  snapshotRef,
  stringField,
  uint64,
} from '../wire.ts';

type ChunkParams = { Params: { ref: string; stream?: string } };

export const copyChunkRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const copyChunk = async (request: FastifyRequest<ChunkParams>, reply: FastifyReply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const sourceId = stringField(body, 'source_id');
    const sourcePath = stringField(body, 'source_path');
    if ((sourceId === undefined) === (sourcePath === undefined))
      throw new StorageError('InvalidArgument', 'Give exactly one of source_id and source_path.');
    if (sourceId !== undefined && !/^[0-9]{1,16}$/.test(sourceId))
      throw new StorageError('InvalidArgument', 'source_id is a file id: a decimal number.');
    const stream = stringField(body, 'source_stream_id');
    const snapshot = snapshotRef(body['source_snapshot']);
    const sourceOffset = uint64(body['source_offset'], 'source_offset') ?? 0;
    const targetOffset = uint64(body['target_offset'], 'target_offset') ?? 0;
    const length = uint64(body['length'], 'length', Number.MAX_SAFE_INTEGER);
    const sourceEtag = stringField(body, 'source_etag');

    const target = await fileOf(deps, principal, request.params.ref);
    // The source as it is now, unless a snapshot is asked: then as that snapshot holds it, even if it is gone now.
    let source: Pick<SourceRef, 'project' | 'path' | 'id'>;
    if (sourceId !== undefined || snapshot === undefined) {
      const file = await fileOf(deps, principal, sourceId ?? sourcePath!);
      source = { project: file.project, id: file.id };
    } else {
      const place = placeOf(sourcePath!);
      if (place.project === '' || place.path === '' || place.dirOnly)
        throw new StorageError('IsADirectory', `'${sourcePath}' is a directory.`);
      source = { project: place.project, path: place.path };
    }
    const receipt = await copyFile(
      deps.core,
      principal,
      {
        source: {
          ...source,
          snapshot,
          stream,
          offset: sourceOffset,
          length,
          ifMatch: sourceEtag === undefined ? undefined : [bareEtag(sourceEtag)],
        },
        target: {
          project: target.project,
          path: target.path,
          stream: request.params.stream,
          offset: targetOffset,
          // The target must exist: any current version matches, none does not.
          ifMatch: ifMatchOf(request) ?? ['*'],
        },
        conflict: 'overwrite',
      },
      { emptyPastEnd: true },
    );
    const n = receipt.bytes;
    const rest = receipt.remainder?.source.length ?? 0;
    reply
      .header('etag', quoted(receipt.target.etag))
      .header('x-mimeo-copy-mode', receipt.mode)
      .header('x-mimeo-copied-bytes', String(n))
      .header('x-mimeo-source-version-id', receipt.source.versionId);
    const next: Record<string, unknown> = {};
    if (sourceId !== undefined) next['source_id'] = sourceId;
    if (sourcePath !== undefined) next['source_path'] = sourcePath;
    if (stream !== undefined) next['source_stream_id'] = stream;
    if (body['source_snapshot'] !== undefined && body['source_snapshot'] !== null)
      next['source_snapshot'] = Number(snapshot);
    if (sourceEtag !== undefined) next['source_etag'] = sourceEtag;
    next['source_offset'] = String(sourceOffset + n);
    next['target_offset'] = String(targetOffset + n);
    next['length'] = String(rest);
    return sendJson(reply, next);
  };

  app.post('/v1/files/:ref/copy-chunk', copyChunk);
  app.post('/v1/files/:ref/streams/:stream/copy-chunk', copyChunk);
};
