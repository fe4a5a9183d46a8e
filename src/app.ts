// Builds the servers from injected dependencies. Starts nothing: main.ts listens.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { keepContentTypes } from './http/common/content-type.ts';
import { type Dialect, dialectFor } from './http/common/dialect.ts';
import {
  errorHandler,
  frameworkErrorOptions,
  headersTooLarge,
  type RenderError,
  TransportError,
} from './http/common/error-page.ts';
import { refuseOtherExpectations } from './http/common/expect-continue.ts';
import { noSuchRoute } from './http/common/framework-errors.ts';
import { headerBytes, parserHeaderLimit } from './http/common/header-limit.ts';
import { carryPrincipals } from './http/common/principal.ts';
import { loggedPath } from './http/common/request-context.ts';
import { originForm } from './http/common/request-target.ts';
import { webConsole } from './http/console/plugin.ts';
import { API_DIALECTS, S3_DIALECTS } from './http/dialects.ts';
import type { NativeDeps } from './http/native/context.ts';
import type { S3Deps } from './http/s3/context.ts';

export interface AppOptions {
  logger: Logger;
  /** A request's header section is refused (431) once it reaches this many bytes, as `headerBytes` counts them. */
  maxHeaderSize?: number;
  headerTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** PEM certificate chain and key: the server speaks HTTPS only. */
  tls?: { cert: string; key: string };
  /** Honour X-Forwarded-For, -Proto and -Host (see the trustProxy setting). */
  trustProxy?: boolean;
}

/**
 * Request ids: 16 hex digits, a random prefix per process and a counter, so that a request costs no call for
 * random bytes, and ids from different nodes are unlikely to meet.
 */
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex');
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) >>> 0;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(8, '0');
}

/** A server with the settings both ports share: request ids, one log line per request, header limits. */
function baseServer(options: AppOptions, render: RenderError): FastifyInstance {
  const headerLimit = options.maxHeaderSize ?? 16_384;
  const serverOptions = {
    requestTimeout: 0,
    headersTimeout: options.headerTimeoutMs ?? 20_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 1_000,
    // Node's parser refuses only requests far past the limit; the first hook below refuses the others.
    maxHeaderSize: parserHeaderLimit(headerLimit),
    // An HTTP/1.1 request without Host is refused below, in the shape of the API it was sent to, not by Node with
    // an empty 400.
    requireHostHeader: false,
  };
  // The same limits either way; with TLS they go to the HTTPS server, whose options include the HTTP ones.
  const transport = options.tls ? { https: { ...serverOptions, ...options.tls } } : { http: serverOptions };
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: nextRequestId,
    // A request's logger is its server's with the request's id bound. Without options, the child takes the parent's
    // settings (redaction among them) as they are rather than building them again for every request.
    childLoggerFactory: (logger: FastifyBaseLogger, bindings: Record<string, unknown>) =>
      logger.child(bindings),
    requestIdHeader: false,
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // A number where a string belongs (or the reverse) is a client error, never silently converted.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // A segment as long as the headers allow reaches its route, whose own limits name what is too long.
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 16_384 },
    // An absolute-form target is routed, signed and rendered as its path and query.
    rewriteUrl: originForm,
    // Slow clients: every header within headerTimeoutMs and no connection idle past idleTimeoutMs; a body may
    // take as long as it keeps moving. Node checks these every second.
    connectionTimeout: options.idleTimeoutMs ?? 60_000,
    trustProxy: options.trustProxy ?? false,
    ...frameworkErrorOptions(render, nextRequestId),
    ...transport,
  }) as unknown as FastifyInstance;
  carryPrincipals(app);
  keepContentTypes(app);
  // Hooks that run for every request take a callback and finish in the same turn: an async hook costs each request
  // a promise and a turn of the microtask queue.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const raw = request.raw;
    if (headerBytes(raw, request.originalUrl) >= headerLimit) {
      // Refused before any dialect reads it, as Node's parser would, but with the path known: the API it names
      // answers. Its body is not read: the connection ends with the answer.
      reply.header('connection', 'close');
      done(headersTooLarge());
      return;
    }
    if (raw.headers.host === undefined && raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1) {
      // RFC 9112 section 3.2: a server answers 400 to an HTTP/1.1 request without Host.
      reply.header('connection', 'close');
      done(new TransportError(400, 'BadRequest', 'An HTTP/1.1 request must carry a Host header.'));
      return;
    }
    done();
  });
  // One log line per request, with its id; nothing is built for it when the level leaves it out.
  app.addHook('onResponse', (request, reply, done) => {
    if (options.logger.isLevelEnabled('info'))
      request.log.info(
        {
          method: request.method,
          url: loggedPath(request),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
          principal: request.principal?.name,
        },
        'request',
      );
    done();
  });
  return app;
}

/**
 * A port's server with its dialects mounted. The port owns the root handlers: an error or an unknown route is
 * answered by the dialect that claimed the request (COS on the S3 port), else by the one that owns the path (the
 * longest prefix), and by the port's first dialect elsewhere.
 */
async function buildServer<D>(
  dialects: readonly Dialect<D>[],
  deps: D,
  options: AppOptions,
  /** What the port adds to every request of its own, before its dialects are mounted. */
  prepare?: (app: FastifyInstance) => void,
): Promise<FastifyInstance> {
  const home = dialects[0]!;
  const render: RenderError = (err, site) =>
    (dialects.find((d) => d.name === site.dialect) ?? dialectFor(dialects, site.url) ?? home).render(
      err,
      site,
    );
  const app = baseServer(options, render);
  app.setErrorHandler(errorHandler(render));
  app.setNotFoundHandler(async (request) => {
    throw noSuchRoute(request.method, request.url);
  });
  // Before the dialects: a hook added here runs for every route they mount.
  prepare?.(app);
  for (const d of dialects) await d.mount(app, deps);
  return app;
}

/** The API port's server: the native API, the file dialects and the web console. */
export async function buildApiServer(deps: NativeDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = await buildServer(API_DIALECTS, deps, options, refuseOtherExpectations);
  await app.register(webConsole);
  return app;
}

/** The S3 port's server. */
export function buildS3Server(deps: S3Deps, options: AppOptions): Promise<FastifyInstance> {
  return buildServer(S3_DIALECTS, deps, options);
}
