// The Qumulo Core REST dialect at /v1, /v2/snapshots, /v2/files/{ref}/info/acl and /v3: bearer sessions from a
// login, the file tree by id or path, data, named streams, ACLs as modes give them, snapshots and copy-chunk. Every
// body is read by the routes themselves (JSON or raw bytes), so that no framework parser answers for them.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { resolveBearer } from '../../auth/sign-in.ts';
import { StorageError } from '../../core/errors.ts';
import { rawBodies } from '../common/content-type.ts';
import type { Dialect } from '../common/dialect.ts';
import { bearerToken } from '../common/principal.ts';
import { QUMULO_ERRORS, renderQumuloError } from './errors.ts';
import { aclRoutes } from './routes/acl.ts';
import { copyChunkRoutes } from './routes/copy-chunk.ts';
import { dataRoutes } from './routes/data.ts';
import { entryRoutes } from './routes/entries.ts';
import { sessionRoutes } from './routes/session.ts';
import { snapshotRoutes } from './routes/snapshots.ts';
import { streamRoutes } from './routes/streams.ts';

/** `/v2/files` is Seven Bridges' but for the ACLs, which `qq fs_copy` copies: the two dialects' routes do not meet. */
const PREFIXES = ['/v1', '/v2/snapshots', '/v2/files/*/info/acl', '/v3'] as const;

/** What answers without a session: the version probe the SDK sends on connecting, and the login. */
const PUBLIC = new Set(['/v1/version', '/v1/session/login']);

async function qumuloApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (q) => {
    rawBodies(q);
    q.addHook('onRequest', async (request) => {
      // Every route of this scope is the dialect's: the route matched, not the raw URL, says which are public.
      if (PUBLIC.has(request.routeOptions.url ?? '')) return;
      const token = bearerToken(request);
      if (!token) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token>.');
      request.principal = await resolveBearer(deps, token);
    });
    await q.register(sessionRoutes(deps));
    await q.register(entryRoutes(deps));
    await q.register(dataRoutes(deps));
    await q.register(streamRoutes(deps));
    await q.register(snapshotRoutes(deps));
    await q.register(copyChunkRoutes(deps));
    await q.register(aclRoutes(deps));
  });
}

export const qumuloDialect: Dialect<AuthDeps> = {
  name: 'qumulo',
  port: 'api',
  prefixes: PREFIXES,
  errors: QUMULO_ERRORS,
  render: renderQumuloError,
  mount: qumuloApi,
};
