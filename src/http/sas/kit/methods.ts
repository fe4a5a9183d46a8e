// Methods as the SAS services, Spring MVC applications, map them: every GET route answers HEAD too (the same status
// and headers, Content-Length among them, and no body: RFC 9110 section 9.3.2), OPTIONS on a path lists its methods,
// and a method a path does not take is 405 with `Allow` (section 15.5.6), not 404. A path no route takes stays 404.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noSuchRoute } from '../../common/framework-errors.ts';
import { SasMethodNotAllowed } from './errors.ts';

/** The methods a SAS route takes, in the order `Allow` lists them; OPTIONS follows them. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const isStream = (payload: unknown): payload is Readable =>
  typeof (payload as Readable | null)?.pipe === 'function';

/**
 * The methods the server's routes take at `url` (path and query), with OPTIONS; empty when no route takes it. A match
 * through a catch-all of `springMethods` (its `*` parameter) is no route.
 */
function allowedAt(app: FastifyInstance, url: string): string[] {
  const found = METHODS.filter((method) => {
    const route = app.findRoute({ method, url }) as { params: Record<string, unknown> } | null;
    return route !== null && !('*' in route.params);
  });
  return found.length === 0 ? [] : [...found, 'OPTIONS'];
}

export interface SpringOptions {
  /** The paths the service owns: every method of every path below them is answered here when no route takes it. */
  prefixes: readonly string[];
  /** Authenticates a request before it learns which methods a path takes; a service without credentials has none. */
  authenticate?: (request: FastifyRequest) => Promise<void>;
}

/**
 * Makes every GET route registered in `app` and its children after this call take HEAD, and answers, below
 * `prefixes`, any method that no route takes at a path that some route does: 200 with `Allow` for OPTIONS, else a
 * SasMethodNotAllowed (405). A path that no route takes is NoSuchRoute (404), before any authentication.
 */
export function springMethods(app: FastifyInstance, options: SpringOptions): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (methods.includes('GET') && !methods.includes('HEAD')) route.method = [...methods, 'HEAD'];
  });
  // A GET route's answer to HEAD has the headers it set (a download's Content-Length among them); a streamed body is
  // closed unread. A body in one piece goes nowhere: Node writes no body to HEAD, and Fastify counts it for
  // Content-Length.
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.method !== 'HEAD' || !isStream(payload)) {
      done(null, payload);
      return;
    }
    payload.destroy();
    done(null, null);
  });

  // A HEAD is refused as its GET is, in the same words: its answer has the Content-Length of the GET's body.
  const asked = (request: FastifyRequest) => (request.method === 'HEAD' ? 'GET' : request.method);
  const noRoute = (request: FastifyRequest) => noSuchRoute(asked(request), request.url);
  const refuse = async (request: FastifyRequest, reply: FastifyReply) => {
    const allow = allowedAt(app, request.url);
    if (allow.length === 0) throw noRoute(request);
    await options.authenticate?.(request);
    if (request.method === 'OPTIONS') return reply.code(200).header('allow', allow.join(', ')).send();
    throw new SasMethodNotAllowed(asked(request), allow);
  };
  for (const prefix of options.prefixes) {
    // The prefix itself is no path of the service: a route there would clash with this one when it is registered.
    app.all(prefix, async (request) => {
      throw noRoute(request);
    });
    app.all(`${prefix}/*`, refuse);
  }
}
