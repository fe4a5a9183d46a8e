// The native JSON API at /api/v1: bearer authentication, one error shape, and the route modules.
import type { FastifyError, FastifyInstance } from 'fastify';
import { verifyToken } from '../../auth/tokens.ts';
import { ERROR_CODES, isStorageError, StorageError } from '../../core/errors.ts';
import { clientLeft } from '../common/client-gone.ts';
import type { NativeDeps } from './context.ts';
import { NATIVE_STATUS } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { copyRoutes } from './routes/copy.ts';
import { docsRoutes } from './routes/docs.ts';
import { fileIdRoutes } from './routes/file-ids.ts';
import { fileRoutes } from './routes/files.ts';
import { jobRoutes } from './routes/jobs.ts';
import { kmsRoutes } from './routes/kms.ts';
import { projectRoutes } from './routes/projects.ts';
import { statsRoutes } from './routes/stats.ts';

const PUBLIC = new Set(['/api/v1/auth/token', '/api/v1/openapi.json', '/api/v1/docs']);

/** Turns any error into a StorageError: framework errors by their status, the rest as InternalError. */
export function toStorageError(err: unknown): StorageError {
  if (isStorageError(err)) return err;
  const e = err as FastifyError;
  if (e.validation) return new StorageError('InvalidArgument', `Invalid request: ${e.message}`);
  if (e.statusCode === 413) return new StorageError('EntityTooLarge', e.message);
  if (e.statusCode === 415)
    return new StorageError('InvalidArgument', 'The Content-Type is not supported here.');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new StorageError('InvalidArgument', e.message);
  }
  if (e.name === 'AbortError') return new StorageError('IncompleteBody', 'The request was aborted.');
  return new StorageError('InternalError', 'An internal error occurred.', { cause: err });
}

export async function nativeApi(app: FastifyInstance, deps: NativeDeps): Promise<void> {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/v1/') || PUBLIC.has(path)) return;
    const auth = request.headers.authorization;
    if (!auth) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token>.');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) throw new StorageError('Unauthenticated', 'The Authorization header must be "Bearer <token>".');
    request.principal = await verifyToken(deps.core, m[1]!);
  });

  app.setErrorHandler(async (err, request, reply) => {
    if (clientLeft(request.raw)) {
      // A body cut short or a wait given up because the client went away: no answer to send, no server fault.
      request.log.info({ err: (err as Error).message }, 'client went away');
      reply.raw.destroy();
      return reply;
    }
    const se = toStorageError(err);
    const status = NATIVE_STATUS[se.code];
    // A 503 is a refusal the server chose (no room now), which the client retries; other 5xx are faults.
    if (status === 503) request.log.warn({ code: se.code }, 'request refused');
    else if (status >= 500) request.log.error({ err, code: se.code }, 'request failed');
    if (reply.raw.headersSent) {
      reply.raw.destroy(err as Error);
      return reply;
    }
    if (se.code === 'Unauthenticated' || se.code === 'TokenExpired' || se.code === 'InvalidCredentials') {
      reply.header('www-authenticate', 'Bearer realm="mimeo"');
    }
    if (se.code === 'InvalidRange' && typeof se.details['size'] === 'number') {
      reply.header('content-range', `bytes */${se.details['size']}`);
    }
    if (status === 304) return reply.code(304).send();
    // A server-side failure says what kind it was, never which internal part: the log has that.
    const message = status >= 500 ? ERROR_CODES[se.code] : se.message;
    return reply
      .code(status)
      .type('application/json')
      .send({ error: { code: se.code, message, requestId: request.id } });
  });

  app.setNotFoundHandler(async (request) => {
    throw new StorageError('NoSuchRoute', `No route for ${request.method} ${request.url.split('?')[0]}.`);
  });

  await app.register(authRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(kmsRoutes(deps));
  await app.register(statsRoutes(deps));
  await app.register(projectRoutes(deps));
  await app.register(fileRoutes(deps));
  await app.register(fileIdRoutes(deps));
  await app.register(copyRoutes(deps));
  await app.register(jobRoutes(deps));
  await app.register(docsRoutes());
}
