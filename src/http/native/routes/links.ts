// Download links: POST /api/v1/projects/{project}/links names a file and gets a URL that reads it without
// credentials until it expires, as a browser's download manager or `curl -O` fetches it (streamed to disk, resumed by
// Range). GET /api/v1/links/{token} reads it, saved under the file's name; HEAD gives the headers a GET would.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { openLink, signLink } from '../../../auth/signed-links.ts';
import { StorageError } from '../../../core/errors.ts';
import type { VersionInfo } from '../../../core/model.ts';
import { openRead, stat } from '../../../core/read.ts';
import { attachment } from '../../common/attachment.ts';
import { sendRead } from '../../common/body-stream.ts';
import { clientGone } from '../../common/client-gone.ts';
import { parseConditions, parseRange, rangeStillValid } from '../../common/conditions.ts';
import { bearerOf } from '../../common/principal.ts';
import { CREDENTIAL_IN_PATH, externalBase } from '../../common/request-context.ts';
import type { NativeDeps } from '../context.ts';
import { iso, principalOf, setVersionHeaders } from '../context.ts';

/** Where the links are read: public, as a link is its own credential. */
export const LINKS_PREFIX = '/api/v1/links/';

export const linkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 4096, description: "The file's path in the project" },
    versionId: { type: 'string', maxLength: 64, description: 'A version of it (default: the current one)' },
    snapshot: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: "The file as a snapshot of the project holds it (the snapshot's id); not with versionId",
    },
  },
} as const;

/** A link's headers: the version's, and a disposition that saves it under the file's name. */
function linkHeaders(reply: FastifyReply, v: VersionInfo): void {
  setVersionHeaders(reply, v);
  reply.header('content-disposition', attachment(v.path.slice(v.path.lastIndexOf('/') + 1)));
  // The URL is the credential: it is kept out of shared caches and out of the pages it is linked from.
  reply.header('cache-control', 'private, no-store');
  reply.header('referrer-policy', 'no-referrer');
  // Served from the console's origin without credentials, a file is saved, never run there: an HTML file that a
  // browser rendered anyway would run in a sandbox with no script and nothing of the origin's.
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "default-src 'none'; sandbox");
}

export const linkRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  const core = deps.core;

  app.post<{ Params: { project: string }; Body: { path: string; versionId?: string; snapshot?: string } }>(
    '/api/v1/projects/:project/links',
    { schema: { body: linkBody } },
    async (request, reply) => {
      const principal = principalOf(request);
      const { path, versionId, snapshot } = request.body;
      if (versionId !== undefined && snapshot !== undefined)
        throw new StorageError('InvalidArgument', 'Name a version or a snapshot, not both.');
      const v = await stat(core, principal, { project: request.params.project, path, versionId, snapshot });
      // The link reads this version of this file (by its id, wherever it moves): every ranged read of one download
      // reads the same bytes, or fails once the version is gone. One made at a snapshot reads the file at its path
      // there, which never changes, until the snapshot is deleted or expires.
      const link = await signLink(
        core,
        {
          kind: 'native-download',
          method: 'GET',
          principalId: principal.id,
          target: v.fileId,
          project: v.project,
          versionRow: v.rowId,
          versionId,
          ...(snapshot === undefined ? {} : { snapshot, path }),
        },
        bearerOf(request),
      );
      return reply.code(201).send({
        url: `${externalBase(request)}${LINKS_PREFIX}${link.token}`,
        expiresAt: iso(link.expiresAt),
        file: {
          project: v.project,
          path: v.path,
          versionId: v.versionId,
          size: v.size,
          etag: v.etag,
          ...(snapshot === undefined ? {} : { snapshot }),
        },
      });
    },
  );

  /**
   * What a link reads: the version it was made for. One asked for by version id reads that version; another reads the
   * file's current version, on the condition that it is still that one, so a new version (412), a delete or an expiry
   * (404) ends it. One made at a snapshot reads the file there until the snapshot is gone (404). The request's own
   * conditions apply besides.
   */
  const target = async (token: string, h: Record<string, string | string[] | undefined>) => {
    const { claims, principal } = await openLink(core, token, { kind: 'native-download', method: 'GET' });
    if (claims.versionRow === undefined)
      throw new StorageError('AccessDenied', 'The link is not valid, or has expired.');
    const conditions = {
      ...parseConditions(h),
      ifVersion: [claims.versionRow],
      ifVersionFrom: "link's version",
    };
    const sel =
      claims.snapshot === undefined
        ? { project: claims.project, id: claims.target, versionId: claims.versionId, conditions }
        : { project: claims.project, path: claims.path, snapshot: claims.snapshot, conditions };
    return { principal, sel };
  };

  app.head<{ Params: { token: string } }>(
    `${LINKS_PREFIX}:token`,
    CREDENTIAL_IN_PATH,
    async (request, reply) => {
      const { principal, sel } = await target(request.params.token, request.headers);
      const v = await stat(core, principal, sel);
      linkHeaders(reply, v);
      return reply.header('content-length', v.size).code(200).send();
    },
  );

  app.get<{ Params: { token: string } }>(
    `${LINKS_PREFIX}:token`,
    CREDENTIAL_IN_PATH,
    async (request, reply) => {
      const { principal, sel } = await target(request.params.token, request.headers);
      const range = typeof request.headers.range === 'string' ? request.headers.range : undefined;
      const ifRange = request.headers['if-range'] as string | undefined;
      // If-Range: the range only while the validator names this version, else the whole file (RFC 9110 13.1.5).
      const keep =
        range === undefined ||
        ifRange === undefined ||
        rangeStillValid(ifRange, await stat(core, principal, sel));
      const read = await openRead(core, principal, {
        ...sel,
        range: keep ? parseRange(range) : undefined,
        signal: clientGone(reply.raw),
      });
      linkHeaders(reply, read.version);
      return sendRead(reply, read);
    },
  );
};
