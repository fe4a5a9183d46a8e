// A file's named streams: make, list and remove them (their data is under data.ts, their copies under copy-chunk.ts).
// A stream's id is its name; the default stream's is "0" (`DEFAULT_STREAM_ID`), which names no stream.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { StorageError } from '../../../core/errors.ts';
import { createStream, deleteStream, listStreams } from '../../../core/streams.ts';
import { jsonBody } from '../../common/json-body.ts';
import { principalOf } from '../../common/principal.ts';
import {
  DEFAULT_STREAM_ID,
  fileOf,
  quoted,
  sendEmpty,
  sendJson,
  snapshotRef,
  stringField,
  writeConditions,
} from '../wire.ts';

type StreamParams = {
  Params: { ref: string; stream?: string };
  Querystring: Record<string, string | undefined>;
};

const streamJson = (s: { name: string; size: number }) => ({
  id: s.name,
  name: s.name,
  size: String(s.size),
});

export const streamRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;
  for (const url of ['/v1/files/:ref/streams/', '/v1/files/:ref/streams']) {
    app.post<StreamParams>(url, async (request, reply) => {
      const principal = principalOf(request);
      const body = await jsonBody(request);
      const name = stringField(body, 'stream_name');
      if (name === undefined) throw new StorageError('InvalidArgument', 'Give the stream_name.');
      // Qumulo answers an empty name as a bad name; the core's rule refuses `.` and `..` the same way.
      if (name === '')
        throw new StorageError('InvalidPath', "'' is not a valid stream name.", { resource: name });
      if (name === DEFAULT_STREAM_ID)
        throw new StorageError(
          'InvalidArgument',
          `'${DEFAULT_STREAM_ID}' is the default stream's id, not a stream name.`,
        );
      const file = await fileOf(deps, principal, request.params.ref);
      const v = await createStream(core, principal, {
        project: file.project,
        path: file.path,
        name,
        conditions: writeConditions(request, file),
      });
      reply.header('etag', quoted(v.rowId));
      return sendJson(reply, streamJson({ name, size: 0 }));
    });

    app.get<StreamParams>(url, async (request, reply) => {
      const principal = principalOf(request);
      const file = await fileOf(deps, principal, request.params.ref);
      const streams = await listStreams(core, principal, {
        project: file.project,
        path: file.path,
        snapshot: snapshotRef(request.query['snapshot']),
      });
      return sendJson(reply, streams.map(streamJson));
    });
  }

  app.delete<StreamParams>('/v1/files/:ref/streams/:stream', async (request, reply) => {
    const principal = principalOf(request);
    if (request.params.stream === DEFAULT_STREAM_ID)
      throw new StorageError(
        'InvalidArgument',
        `'${DEFAULT_STREAM_ID}' is the default stream, which is not removed.`,
      );
    const file = await fileOf(deps, principal, request.params.ref);
    await deleteStream(core, principal, {
      project: file.project,
      path: file.path,
      name: request.params.stream!,
      conditions: writeConditions(request, file),
    });
    return sendEmpty(reply);
  });
};
