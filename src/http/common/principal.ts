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
