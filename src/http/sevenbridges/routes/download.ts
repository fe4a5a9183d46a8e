// Downloads: `GET /v2/files/{id}/download_info` gives a signed URL that reads the file without credentials, whole
// (with its Content-Length) or by a Range (206; a range that runs past the end is cut at the end, as HTTP says);
// a HEAD on it gives the headers a whole read would.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { openLink, signLink } from '../../../auth/signed-links.ts';
import { StorageError } from '../../../core/errors.ts';
import { openRead, stat } from '../../../core/read.ts';
import { sendRead } from '../../common/body-stream.ts';
import { clientGone } from '../../common/client-gone.ts';
import { parseRange } from '../../common/conditions.ts';
import { setContentType } from '../../common/content-type.ts';
import { bearerOf, principalOf } from '../../common/principal.ts';
import { CREDENTIAL_IN_PATH, externalBase } from '../../common/request-context.ts';
import { entryOf } from '../wire.ts';

export const downloadRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.get<{ Params: { id: string } }>('/v2/files/:id/download_info', async (request, reply) => {
    const principal = principalOf(request);
    const e = await entryOf(deps, principal, request.params.id);
    if (e.type !== 'file') throw new StorageError('IsADirectory', 'A folder cannot be downloaded.');
    // The link reads the file by its row id (the one named now, wherever it is moved in its project), in the version
    // it has now: every ranged read of one download reads the same bytes, or fails if the file changed.
    const link = await signLink(
      core,
      {
        kind: 'download',
        method: 'GET',
        principalId: principal.id,
        target: e.id,
        project: e.project,
        versionRow: e.versionRow ?? undefined,
      },
      bearerOf(request),
    );
    return reply.send({ url: `${externalBase(request)}/sbg-download/${link.token}` });
  });

  /** The claims of a download link, and its signer as the principal; a HEAD reads by the GET's link. */
  const opened = (token: string) => openLink(core, token, { kind: 'download', method: 'GET' });

  // What a download would send, without its bytes: a download manager's first look (size, ETag, ranges).
  app.head<{ Params: { token: string } }>(
    '/sbg-download/:token',
    CREDENTIAL_IN_PATH,
    async (request, reply) => {
      const { claims, principal } = await opened(request.params.token);
      const v = await stat(core, principal, {
        project: claims.project,
        id: claims.target,
        conditions: claims.versionRow ? { ifVersion: [claims.versionRow] } : undefined,
      });
      setContentType(reply, 'application/octet-stream');
      reply.header('accept-ranges', 'bytes').header('etag', `"${v.etag}"`).header('content-length', v.size);
      return reply.code(200).send();
    },
  );

  app.get<{ Params: { token: string } }>(
    '/sbg-download/:token',
    CREDENTIAL_IN_PATH,
    async (request, reply) => {
      const { claims, principal } = await opened(request.params.token);
      const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
      const read = await openRead(core, principal, {
        project: claims.project,
        id: claims.target,
        range: parseRange(range),
        conditions: claims.versionRow ? { ifVersion: [claims.versionRow] } : undefined,
        signal: clientGone(reply.raw),
      });
      setContentType(reply, 'application/octet-stream');
      reply.header('accept-ranges', 'bytes').header('etag', `"${read.version.etag}"`);
      return sendRead(reply, read);
    },
  );
};
