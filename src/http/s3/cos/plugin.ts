// The Tencent COS dialect on the S3 port. It owns no paths: it claims a request by its Host (a COS virtual host) or
// by its COS signature, hands it to the S3 handler in COS's flavor, and renames the answer's headers to COS's.
import type { FastifyInstance } from 'fastify';
import { claimOf, claimRequest } from '../../common/claims.ts';
import type { Dialect } from '../../common/dialect.ts';
import type { S3Deps } from '../context.ts';
import { serveAs } from '../flavor.ts';
import { cosHostBucket } from './address.ts';
import { hasCosSignature } from './auth.ts';
import { COS_ERRORS } from './errors.ts';
import { COS_FLAVOR } from './flavor.ts';
import { cosResponseHeaders, renderCosError } from './render.ts';

/** Whether a request is COS's: a COS virtual host, or a COS signature whatever the host. */
export function isCosRequest(
  r: { url: string; host: string | undefined; authorization: string | undefined },
  domains: readonly string[],
): boolean {
  if (cosHostBucket(r.host, domains) !== undefined) return true;
  const q = r.url.indexOf('?');
  // Only a query with `sign` or a `q-` field in it can hold a COS signature; others are not parsed here.
  const query =
    q < 0 || !/sign|q-/i.test(r.url.slice(q))
      ? new URLSearchParams()
      : new URLSearchParams(r.url.slice(q + 1));
  return hasCosSignature(r.authorization, query);
}

async function mountCos(app: FastifyInstance, deps: S3Deps): Promise<void> {
  // Both hooks run for every request on the port, so they finish in the same turn (see app.ts).
  app.addHook('onRequest', (request, _reply, done) => {
    const h = request.raw.headers;
    if (
      isCosRequest(
        { url: request.raw.url ?? '/', host: h.host, authorization: h.authorization },
        deps.cosDomains,
      )
    ) {
      claimRequest(request.raw, 'cos');
      serveAs(request.raw, COS_FLAVOR);
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (claimOf(request.raw) === 'cos') cosResponseHeaders(reply, request.id);
    done(null, payload);
  });
}

export const cosDialect: Dialect<S3Deps> = {
  name: 'cos',
  port: 's3',
  prefixes: [],
  errors: COS_ERRORS,
  render: renderCosError,
  mount: mountCos,
};
