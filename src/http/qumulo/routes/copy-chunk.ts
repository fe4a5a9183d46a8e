// POST /v1/files/{ref}/copy-chunk (and into a named stream), as Qumulo's rest-api-guide files_ref_copy-chunk.md
// and the dialect spec's section 4 describe it: a byte range of a source file, at a snapshot if asked, into an
// offset of an existing file, by reference. The work per call is bounded; the answer is the request for the rest,
// and an empty answer when done.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { unquote } from '../../../core/conditions.ts';
import { copyFile } from '../../../core/copy.ts';
import { StorageError } from '../../../core/errors.ts';
import type { SourceRef } from '../../../core/model.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import {
  fileOf,
  ifMatchOf,
  placeOf,
  quoted,
  sendEmpty,
  sendJson,
  snapshotRef,
  streamOf,
  stringField,
  uint64,
  withinLargestFile,
} from '../wire.ts';

type ChunkParams = { Params: { ref: string; stream?: string } };

/** An offset or length as a client may send it, past what any file holds: the caller decides what that means. */
const BEYOND = Number.MAX_SAFE_INTEGER;

export const copyChunkRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  /** Parses a request body, copies one bounded chunk, and answers with the request for the rest. */
  const copyChunk = async (request: FastifyRequest<ChunkParams>, reply: FastifyReply) => {
    const principal = principalOf(request);
    const body = await jsonBody(request);
    const sourceId = stringField(body, 'source_id');
    const sourcePath = stringField(body, 'source_path');
    if ((sourceId === undefined) === (sourcePath === undefined))
      throw new StorageError('InvalidArgument', 'Give exactly one of source_id and source_path.');
    if (sourceId !== undefined && !/^[0-9]+$/.test(sourceId))
      throw new StorageError('InvalidArgument', 'source_id is a file id: a decimal number.');
    // A path is absolute: one that is not would be read below as a ref, and digits as an id.
    if (sourcePath !== undefined && !sourcePath.startsWith('/'))
      throw new StorageError(
        'InvalidPath',
        `source_path is absolute: '${sourcePath}' does not start with '/'.`,
      );
    const stream = stringField(body, 'source_stream_id');
    // No stream has the empty id (the default stream's is "0"): refused as any other invalid stream id.
    if (stream === '')
      throw new StorageError(
        'InvalidArgument',
        'source_stream_id is empty: "0" is the default stream\'s id.',
      );
    const snapshot = snapshotRef(body['source_snapshot']);
    // A source offset past every file is past this source's end; a length past every file is "to the end". The
    // target offset is where the copy writes: past the largest file, the file it asks for is too large.
    const max = deps.core.limits.maxObjectSize;
    const sourceOffset = uint64(body['source_offset'], 'source_offset', BEYOND) ?? 0;
    const targetOffset = withinLargestFile(deps.core, body['target_offset'], 'target_offset') ?? 0;
    const asked = uint64(body['length'], 'length', BEYOND);
    const length = asked !== undefined && asked <= max ? asked : undefined;
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
    // Within one file the range is copied in one call, as if through a buffer: in pieces, a later piece would read
    // what an earlier one wrote, or find the source's version changed by it.
    const self = source.id === target.id;
    const receipt = await copyFile(
      deps.core,
      principal,
      {
        source: {
          ...source,
          snapshot,
          stream: streamOf(stream),
          offset: Math.min(sourceOffset, max),
          length,
          ifVersion: sourceEtag === undefined ? undefined : [unquote(sourceEtag)],
          ifVersionFrom: 'source_etag',
        },
        target: {
          project: target.project,
          path: target.path,
          stream: streamOf(request.params.stream),
          offset: targetOffset,
          fileId: target.id,
          ifVersion: ifMatchOf(request),
        },
        conflict: 'overwrite',
      },
      { emptyPastEnd: true, existingStream: true, unbounded: self },
    );
    const n = receipt.bytes;
    // The rest of what was asked; nothing when the copy reached the source's end.
    const rest = receipt.remainder ? (length ?? n + receipt.remainder.source.length!) - n : 0;
    reply
      .header('etag', quoted(receipt.target.versionRow))
      .header('x-mimeo-copy-mode', receipt.mode)
      .header('x-mimeo-copied-bytes', String(n))
      .header('x-mimeo-source-version-id', receipt.source.versionId);
    // Done: an empty answer, which is what ends Qumulo's own client's loop (it sends each answer back until one is
    // empty, and never reads `length`).
    if (rest === 0) return sendEmpty(reply);
    const next: Record<string, unknown> = {};
    if (sourceId !== undefined) next['source_id'] = sourceId;
    if (sourcePath !== undefined) next['source_path'] = sourcePath;
    if (stream !== undefined) next['source_stream_id'] = stream;
    if (snapshot !== undefined) next['source_snapshot'] = Number(snapshot);
    // The rest must come from the version this call read: the answer pins it when the request did not.
    next['source_etag'] = sourceEtag ?? quoted(receipt.source.versionRow);
    // Echoed as sent plus what was copied, past 2^53 too.
    const sentOffset = body['source_offset'] ?? 0;
    next['source_offset'] = (BigInt(String(sentOffset)) + BigInt(n)).toString();
    next['target_offset'] = String(targetOffset + n);
    next['length'] = String(rest);
    return sendJson(reply, next);
  };

  app.post('/v1/files/:ref/copy-chunk', copyChunk);
  app.post('/v1/files/:ref/streams/:stream/copy-chunk', copyChunk);
};
