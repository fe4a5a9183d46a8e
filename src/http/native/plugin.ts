// The native JSON API at /api/v1: bearer authentication, one error shape, and the route modules.
import type { FastifyInstance } from 'fastify';
import { resolveBearer } from '../../auth/sign-in.ts';
import { ERROR_CODES, StorageError } from '../../core/errors.ts';
import { coreErrorHeaders, type Dialect } from '../common/dialect.ts';
import { type ErrorPage, type ErrorSite, TransportError } from '../common/error-page.ts';
import { asStorageError } from '../common/framework-errors.ts';
import { jsonText, parseJson } from '../common/json-body.ts';
import { bearerToken, carryBearer } from '../common/principal.ts';
import { routedPath } from '../common/request-target.ts';
import type { NativeDeps } from './context.ts';
import { NATIVE_ERRORS } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { clientRoutes } from './routes/clients.ts';
import { copyRoutes } from './routes/copy.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { dirRoutes } from './routes/dirs.ts';
import { docsRoutes } from './routes/docs.ts';
import { fileIdRoutes } from './routes/file-ids.ts';
import { fileRoutes } from './routes/files.ts';
import { jobRoutes } from './routes/jobs.ts';
import { kmsRoutes } from './routes/kms.ts';
import { LINKS_PREFIX, linkRoutes } from './routes/links.ts';
import { projectRoutes } from './routes/projects.ts';
import { scrubRoutes } from './routes/scrub.ts';
import { statsRoutes } from './routes/stats.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { versionRoutes } from './routes/versions.ts';

const PUBLIC = new Set(['/api/v1/auth/token', '/api/v1/openapi.json', '/api/v1/docs']);

/**
 * Refuses a key that names a prototype, wherever it is in a body: `__proto__`, or `constructor` holding `prototype`.
 * The native routes take their bodies as plain objects, through schema validation and on into the core, where such
 * a key could set an object's prototype; they are kept out as the framework's own JSON parser keeps them out.
 */
function noPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__')
    throw new StorageError('InvalidArgument', "A JSON body may not have a key named '__proto__'.");
  if (
    key === 'constructor' &&
    typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, 'prototype')
  )
    throw new StorageError(
      'InvalidArgument',
      "A JSON body may not have a key named 'constructor' that holds a 'prototype'.",
    );
  return value;
}

export async function nativeApi(app: FastifyInstance, deps: NativeDeps): Promise<void> {
  // JSON bodies are read as the other APIs read theirs: a byte that is not UTF-8 is refused, not made U+FFFD, and
  // each refusal is an InvalidArgument that says what is wrong, not the framework's words.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // Mounted on the port's server, this parser also meets a body sent to a path no route takes: that is 404 in the
    // shape of the API that owns the path, whatever the body, and the native rules stay the native API's.
    if (!routedPath(request.url).startsWith('/api/v1/')) {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJson(jsonText(body as Buffer), noPrototypeKeys));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('onRequest', async (request) => {
    // The path as the router matched it: `/%61pi/v1/...` is this API's too.
    const path = routedPath(request.url);
    // A download link is its own credential.
    if (!path.startsWith('/api/v1/') || PUBLIC.has(path) || path.startsWith(LINKS_PREFIX)) return;
    const token = bearerToken(request);
    if (!token) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token>.');
    request.principal = await resolveBearer(deps, token);
    // A download link asked with this token ends with it.
    carryBearer(request, token);
  });

  await app.register(authRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(credentialRoutes(deps));
  await app.register(clientRoutes(deps));
  await app.register(kmsRoutes(deps));
  await app.register(statsRoutes(deps));
  await app.register(scrubRoutes(deps));
  await app.register(projectRoutes(deps));
  await app.register(fileRoutes(deps));
  await app.register(uploadRoutes(deps));
  await app.register(versionRoutes(deps));
  await app.register(fileIdRoutes(deps));
  await app.register(linkRoutes(deps));
  await app.register(copyRoutes(deps));
  await app.register(dirRoutes(deps));
  await app.register(jobRoutes(deps));
  await app.register(docsRoutes());
}

/** Any error as the native JSON body. A server-side failure says what kind it was, never which internal part. */
export function renderNativeError(err: unknown, site: ErrorSite): ErrorPage {
  const headers: Record<string, string> = {};
  if (err instanceof TransportError) {
    const body = { error: { code: err.code, message: err.message, requestId: site.requestId } };
    return { status: err.status, headers, contentType: 'application/json', body: JSON.stringify(body) };
  }
  const se = asStorageError(err);
  const { status } = NATIVE_ERRORS[se.code];
  Object.assign(headers, coreErrorHeaders(se));
  if (se.code === 'Unauthenticated' || se.code === 'TokenExpired' || se.code === 'InvalidCredentials')
    headers['www-authenticate'] = 'Bearer realm="mimeo"';
  const message = status >= 500 ? ERROR_CODES[se.code] : se.message;
  // A range not satisfiable names the size it was measured against (as S3's ActualObjectSize), for a client to say.
  const size = se.code === 'InvalidRange' ? se.details['size'] : undefined;
  const body = {
    error: {
      code: se.code,
      message,
      requestId: site.requestId,
      ...(typeof size === 'number' ? { size } : {}),
    },
  };
  return {
    status,
    headers,
    contentType: 'application/json',
    body: status === 304 ? undefined : JSON.stringify(body),
  };
}

export const nativeDialect: Dialect<NativeDeps> = {
  name: 'native',
  port: 'api',
  prefixes: ['/api/v1'],
  errors: NATIVE_ERRORS,
  render: renderNativeError,
  mount: nativeApi,
};
