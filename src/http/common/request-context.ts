// What a route knows of where the client reached it: the scheme and host it used, for absolute links.
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../core/errors.ts';

/**
 * The base URL the client used (`https://files.example.org`, no trailing slash). Behind a proxy it comes from
 * X-Forwarded-Proto and -Host, but only when the server trusts the proxy (`trustProxy`); otherwise from the
 * connection and the Host header. A host that makes no URL (`a b`, `x:99999`, `[::1`, `a/b`, empty) is
 * InvalidArgument: no link is built on it.
 */
export function externalBase(request: FastifyRequest): string {
  const base = `${request.protocol}://${request.host}`;
  const u = URL.parse(base);
  if (!u || u.host === '' || u.pathname !== '/' || u.search || u.hash || u.username || u.password)
    throw new StorageError('InvalidArgument', `The Host header does not name a host: '${request.host}'.`);
  return base;
}

/**
 * The options of a route whose path carries a credential (a signed link's token): the request's log line shows the
 * route's pattern (`/api/v1/links/:token`), not the token.
 */
export const CREDENTIAL_IN_PATH = { config: { credentialInPath: true } } as const;

/** The path a request's log line shows: without its query, and without a credential a route carries in it. */
export function loggedPath(request: FastifyRequest): string {
  const config = request.routeOptions.config as { credentialInPath?: boolean } | undefined;
  return config?.credentialInPath === true && request.routeOptions.url !== undefined
    ? request.routeOptions.url
    : request.url.split('?')[0]!;
}
