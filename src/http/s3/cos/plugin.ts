// The Tencent COS dialect on the S3 port. It owns no paths: it claims a request by its Host (a COS virtual host) or
// by its COS signature, hands it to the S3 handler in COS's flavor, and renames the answer's headers to COS's. A
// request on a COS host signed with AWS's schemes is served on S3's wire under COS's rules, and is not claimed.
import type { FastifyInstance } from 'fastify';
import { claimOf, claimRequest } from '../../common/claims.ts';
import type { Dialect } from '../../common/dialect.ts';
import { hasAwsSignature } from '../auth.ts';
import type { S3Deps } from '../context.ts';
import { type Flavor, serveAs } from '../flavor.ts';
import { isCosHost } from './address.ts';
import { hasCosSignature } from './auth.ts';
import { COS_ERRORS } from './errors.ts';
import { COS_FLAVOR, COS_ON_S3_WIRE } from './flavor.ts';
import { cosResponseHeaders, renderCosError } from './render.ts';

/**
 * The flavor a request is served in when it is COS's: a COS signature whatever the host (in the Authorization
 * header, or in the query when there is no such header), or a COS host without AWS's signatures, is COS
 * (`COS_FLAVOR`); a COS host with one of AWS's signatures is COS's rules on S3's wire (`COS_ON_S3_WIRE`); anything
 * else is not COS's (undefined).
 */
export function cosFlavorOf(
  r: { url: string; host: string | undefined; authorization: string | undefined },
  domains: readonly string[],
): Flavor | undefined {
  const onCosHost = isCosHost(r.host, domains);
  const q = r.url.indexOf('?');
  // Elsewhere only a query with `sign` or a `q-` field in it can hold a COS signature; others are not parsed.
  const query =
    q < 0 || (!onCosHost && !/sign|q-/i.test(r.url.slice(q)))
      ? new URLSearchParams()
      : new URLSearchParams(r.url.slice(q + 1));
  if (hasCosSignature(r.authorization, query)) return COS_FLAVOR;
  if (!onCosHost) return undefined;
  return hasAwsSignature(r.authorization, query) ? COS_ON_S3_WIRE : COS_FLAVOR;
}

async function mountCos(app: FastifyInstance, deps: S3Deps): Promise<void> {
  // Both hooks run for every request on the port, so they finish in the same turn (see app.ts).
  app.addHook('onRequest', (request, _reply, done) => {
    const h = request.raw.headers;
    const flavor = cosFlavorOf(
      { url: request.raw.url ?? '/', host: h.host, authorization: h.authorization },
      deps.cosDomains,
    );
    if (flavor) serveAs(request.raw, flavor);
    // Errors and answers in COS's shape, with COS's header names; on S3's wire they stay S3's.
    if (flavor === COS_FLAVOR) claimRequest(request.raw, 'cos');
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
