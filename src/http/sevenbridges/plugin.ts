// The Seven Bridges Platform API v2 at /v2: a personal token (X-SBG-Auth-Token) or a bearer token, projects as
// `owner/name`, files and folders by 24-hex-digit ids, and the copy. Bodies are read by the routes themselves.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { resolveBearer } from '../../auth/sign-in.ts';
import { StorageError } from '../../core/errors.ts';
import { rawBodies } from '../common/content-type.ts';
import type { Dialect } from '../common/dialect.ts';
import { bearerToken, carryBearer } from '../common/principal.ts';
import { externalBase } from '../common/request-context.ts';
import { rateLimitHeaders, renderSbgError, SBG_ERRORS } from './errors.ts';
import { asyncCopyRoutes } from './routes/async-copy.ts';
import { copyRoutes } from './routes/copy.ts';
import { downloadRoutes } from './routes/download.ts';
import { fileRoutes } from './routes/files.ts';
import { projectRoutes } from './routes/projects.ts';
import { uploadRoutes } from './routes/upload.ts';

const PREFIXES = ['/v2', '/sbg-upload', '/sbg-download'] as const;

/** The signed links authorize themselves. */
const SIGNED = new Set(['/sbg-upload/:token', '/sbg-download/:token']);

async function sbgApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (sbg) => {
    rawBodies(sbg);
    sbg.addHook('onRequest', async (request, reply) => {
      reply.headers(rateLimitHeaders());
      // Answers carry links built on the Host: one that names no host is refused before anything is done.
      externalBase(request);
      if (SIGNED.has(request.routeOptions.url ?? '')) return;
      // A developer token, an OAuth bearer token or a session id (the clients' three headers): here each is a token.
      const sbgToken = request.headers['x-sbg-auth-token'] ?? request.headers['x-sbg-session-id'];
      const token = typeof sbgToken === 'string' ? sbgToken.trim() : bearerToken(request);
      if (!token)
        throw new StorageError(
          'Unauthenticated',
          'Send X-SBG-Auth-Token, X-SBG-Session-Id or Authorization: Bearer.',
        );
      request.principal = await resolveBearer(deps, token);
      carryBearer(request, token);
    });
    await sbg.register(projectRoutes(deps));
    await sbg.register(fileRoutes(deps));
    await sbg.register(copyRoutes(deps));
    await sbg.register(asyncCopyRoutes(deps));
    await sbg.register(uploadRoutes(deps));
    await sbg.register(downloadRoutes(deps));
  });
}

export const sbgDialect: Dialect<AuthDeps> = {
  name: 'sevenbridges',
  port: 'api',
  prefixes: PREFIXES,
  errors: SBG_ERRORS,
  render: renderSbgError,
  mount: sbgApi,
};
