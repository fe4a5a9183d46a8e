// The one way a request carries its principal: every dialect's authentication sets it, routes read it, and each
// request's log line names it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StorageError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request authenticated as; null until a dialect's authentication has run. */
    principal: Principal | null;
  }
}

/** Gives every request of `app` its principal slot. */
export function carryPrincipals(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
}

/** The request's principal; Unauthenticated when no dialect authenticated it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token>.');
  return request.principal;
}

/**
 * The token of an `Authorization: Bearer <token>` header: undefined without the header; Unauthenticated for a header
 * of another form. The one place a dialect reads a bearer token.
 */
export function bearerToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m) throw new StorageError('Unauthenticated', 'The Authorization header must be "Bearer <token>".');
  return m[1];
}

const bearers = new WeakMap<FastifyRequest, string>();

/** Notes the bearer token a request authenticated with, for work that must end with it (a signed link). */
export function carryBearer(request: FastifyRequest, token: string): void {
  bearers.set(request, token);
}

/** The bearer token the request authenticated with; Unauthenticated when it had none. */
export function bearerOf(request: FastifyRequest): string {
  const token = bearers.get(request);
  if (token === undefined) throw new StorageError('Unauthenticated', 'This needs a bearer token.');
  return token;
}
