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
