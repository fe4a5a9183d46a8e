// Every SAS service request but SAS Logon's carries `Authorization: Bearer <token>`, a token from SAS Logon (or any
// bearer token mimeo issues): it resolves to the request's principal, or the request is 401.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { resolveBearer } from '../../../auth/sign-in.ts';
import { StorageError } from '../../../core/errors.ts';
import { bearerToken } from '../../common/principal.ts';

/** Sets the request's principal from its bearer token. Unauthenticated without one; the resolver's errors as they are. */
export async function authenticate(deps: AuthDeps, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request);
  if (!token) throw new StorageError('Unauthenticated', 'Send Authorization: Bearer <token from SAS Logon>.');
  request.principal = await resolveBearer(deps, token);
}

/** Adds the hook that authenticates every request of `app` by its bearer token. */
export function requireBearer(app: FastifyInstance, deps: AuthDeps): void {
  app.addHook('onRequest', async (request) => {
    await authenticate(deps, request);
  });
}
