// What a route knows of where the client reached it: the scheme and host it used, for absolute links.
import type { FastifyRequest } from 'fastify';

/**
 * The base URL the client used (`https://files.example.org`, no trailing slash). Behind a proxy it comes from
 * X-Forwarded-Proto and -Host, but only when the server trusts the proxy (`trustProxy`); otherwise from the
 * connection and the Host header.
 */
export function externalBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
