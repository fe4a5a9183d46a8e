// The S3 front door: every request goes through one handler that addresses, authenticates and routes it.

import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientGone, clientLeft } from '../common/client-gone.ts';
import { continueOnRead, deferContinue } from '../common/continue.ts';
import { authenticate } from './auth.ts';
import type { S3Context, S3Deps } from './context.ts';
import { toS3Error } from './errors.ts';
import { address, headerMap, queryMap } from './request.ts';
import { route } from './router.ts';
import { escapeXml } from './xml.ts';

function bodyOf(request: FastifyRequest, reply: FastifyReply): AsyncIterable<Uint8Array> {
  const b = request.body as unknown;
  if (b instanceof Readable) return continueOnRead(request.raw, reply.raw, b);
  return (async function* () {})();
}

export async function s3Api(app: FastifyInstance, deps: S3Deps): Promise<void> {
  deferContinue(app.server);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-amz-request-id', request.id).header('x-amz-id-2', request.id);
    const url = request.raw.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const headers = headerMap(request.raw.rawHeaders);
    const query = queryMap(rawQuery);
    const { bucket, key } = address(headers['host'], rawPath, deps.domains);
    const auth = await authenticate(deps, {
      method: request.method,
      rawPath,
      rawQuery,
      headers,
      query,
      body: bodyOf(request, reply),
    });
    const ctx: S3Context = {
      deps,
      reply,
      requestId: request.id,
      method: request.method,
      bucket,
      key,
      query,
      headers,
      ...auth,
      signal: clientGone(reply.raw),
    };
    return route(ctx).handle(ctx);
  };
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], url: '/', handler });
  app.route({ method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], url: '/*', handler });

  app.setNotFoundHandler(async (request, reply) => {
    reply.header('x-amz-request-id', request.id);
    return reply
      .code(405)
      .type('application/xml')
      .send(
        errorXml(
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          request.url,
          request.id,
        ),
      );
  });

  app.setErrorHandler(async (err, request, reply) => {
    if (clientLeft(request.raw)) {
      // A body cut short or a wait given up because the client went away: no answer to send, no server fault.
      request.log.info({ err: (err as Error).message }, 'client went away');
      reply.raw.destroy();
      return reply;
    }
    const e = toS3Error(err);
    // A 503 is a refusal the server chose (no room now), which the client retries; other 5xx are faults.
    if (e.status === 503) request.log.warn({ code: e.code }, 'request refused');
    else if (e.status >= 500) request.log.error({ err, code: e.code }, 'request failed');
    if (reply.raw.headersSent) {
      reply.raw.destroy(err as Error);
      return reply;
    }
    reply.header('x-amz-request-id', request.id).header('x-amz-id-2', request.id);
    for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
    if (e.status === 304) return reply.code(304).send();
    reply.code(e.status);
    if (request.method === 'HEAD') return reply.send();
    const resource = (request.raw.url ?? '/').split('?')[0]!;
    return reply.type('application/xml').send(errorXml(e.code, e.message, resource, request.id));
  });
}

export function errorXml(code: string, message: string, resource: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${escapeXml(requestId)}</RequestId></Error>`;
}
