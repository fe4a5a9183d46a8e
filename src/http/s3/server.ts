// The S3 front door: every request goes through one handler that addresses, authenticates and routes it.

import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientGone } from '../common/client-gone.ts';
import { rawBodies } from '../common/content-type.ts';
import type { Dialect } from '../common/dialect.ts';
import type { ErrorPage, ErrorSite } from '../common/error-page.ts';
import { continuedBody, deferExpectations } from '../common/expect-continue.ts';
import { authenticate } from './auth.ts';
import type { S3Context, S3Deps } from './context.ts';
import { S3_ERRORS, toS3Error } from './errors.ts';
import { checkExpectedOwners } from './expected-owner.ts';
import { asS3Headers, flavorOf } from './flavor.ts';
import { address, headerMap, queryMap } from './request.ts';
import { route } from './routes.ts';
import { escapeXml } from './xml.ts';

function bodyOf(request: FastifyRequest, reply: FastifyReply): AsyncIterable<Uint8Array> {
  if (request.body instanceof Readable) return continuedBody(request.raw, reply.raw);
  return (async function* () {})();
}

export async function s3Api(app: FastifyInstance, deps: S3Deps): Promise<void> {
  // An object's body is bytes whatever its Content-Type says; commands read the header from the raw headers.
  rawBodies(app);
  // 100 Continue goes out when a command reads the body, after authentication and its own checks.
  deferExpectations(app.server);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-amz-request-id', request.id).header('x-amz-id-2', request.id);
    const url = request.raw.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const flavor = flavorOf(request.raw);
    const headers = headerMap(request.raw.rawHeaders);
    const query = queryMap(rawQuery);
    const { bucket, key, virtualHosted } =
      flavor.address?.(headers['host'], rawPath, deps) ?? address(headers['host'], rawPath, deps.domains);
    // A host that names its region (COS's) is served as that region's; a signature may name the server's too.
    const region = flavor.hostRegion?.(headers['host']);
    const rdeps =
      region === undefined || region === deps.region ? deps : { ...deps, region, alsoRegion: deps.region };
    const auth = await (flavor.authenticate ?? authenticate)(rdeps, {
      method: request.method,
      rawPath,
      rawQuery,
      headers,
      query,
      hostBucket: virtualHosted ? bucket : undefined,
      body: bodyOf(request, reply),
    });
    request.principal = auth.principal;
    const ctx: S3Context = {
      deps: rdeps,
      flavor,
      reply,
      requestId: request.id,
      method: request.method,
      bucket,
      key,
      virtualHosted,
      query,
      // Signed under the vendor's names; the commands read S3's.
      headers: asS3Headers(flavor, headers),
      ...auth,
      signal: clientGone(reply.raw),
    };
    const command = route(ctx);
    await checkExpectedOwners(ctx, command);
    return command.handle(ctx);
  };
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], url: '/', handler });
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], url: '/*', handler });
}

/** S3 owns its whole port; its table maps an unknown route (NoSuchRoute) to 405 MethodNotAllowed, as S3 does. */
export const s3Dialect: Dialect<S3Deps> = {
  name: 's3',
  port: 's3',
  prefixes: ['/'],
  errors: S3_ERRORS,
  render: renderS3Error,
  mount: s3Api,
};

/** Any error as S3's `<Error>` document, with the request id in its headers. */
export function renderS3Error(err: unknown, site: ErrorSite): ErrorPage {
  const e = toS3Error(err);
  const headers = { 'x-amz-request-id': site.requestId, 'x-amz-id-2': site.requestId, ...e.headers };
  const resource = site.url.split('?')[0]!;
  return {
    status: e.status,
    headers,
    contentType: 'application/xml',
    body: e.status === 304 ? undefined : errorXml({ ...e, resource, requestId: site.requestId }),
  };
}

/** S3's `<Error>` document; `fields` are further elements after the message (`<Region>`, `<HeadersNotSigned>`). */
export function errorXml(e: {
  code: string;
  message: string;
  resource: string;
  requestId: string;
  fields?: Record<string, string>;
}): string {
  const extra = Object.entries(e.fields ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message>${extra}<Resource>${escapeXml(e.resource)}</Resource><RequestId>${escapeXml(e.requestId)}</RequestId></Error>`;
}
