// POST /SASLogon/oauth/token: SAS Logon's token endpoint (sas-files.md section 1, RFC 6749 sections 4.3, 4.4, 5
// and 6). Grants: password, refresh_token and client_credentials; authorization_code is not served (mimeo has no
// login page to issue codes).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  clientCredentialsGrant,
  type Granted,
  passwordGrant,
  refreshGrant,
} from '../../../../auth/oauth-grants.ts';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { nowOf } from '../../../../core/deps.ts';
import { StorageError } from '../../../../core/errors.ts';
import { clientOf } from '../auth.ts';
import { NO_STORE, OAuthError } from '../errors.ts';
import { formFields } from '../form.ts';

/** The scope every token has: SAS clients ask for none and read `scope` back as `openid`. */
const SCOPE = 'openid';

function required(form: Map<string, string>, name: string): string {
  const value = form.get(name);
  if (value === undefined || value === '')
    throw new StorageError('InvalidArgument', `The form field '${name}' is required.`);
  return value;
}

/**
 * The token response of RFC 6749 section 5.1 as SAS Logon gives it. `jti` identifies the access token without
 * revealing it: the first 32 hex digits of its SHA-256.
 */
function tokenResponse(granted: Granted, now: number) {
  const { access, refresh } = granted;
  return {
    access_token: access.token,
    token_type: 'bearer',
    ...(refresh ? { refresh_token: refresh.token } : {}),
    expires_in: Math.max(0, Math.round((access.expiresAt - now) / 1000)),
    scope: SCOPE,
    jti: createHash('sha256').update(access.token).digest('hex').slice(0, 32),
  };
}

export const tokenRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  app.post('/SASLogon/oauth/token', async (request, reply) => {
    const form = await formFields(request);
    const grantType = required(form, 'grant_type');
    const client = await clientOf(deps, request, form);
    let granted: Granted;
    switch (grantType) {
      case 'password':
        granted = await passwordGrant(deps, {
          client,
          name: required(form, 'username'),
          password: required(form, 'password'),
          address: request.ip,
          log: request.log,
        });
        break;
      case 'refresh_token':
        granted = await refreshGrant(deps, { client, refreshToken: required(form, 'refresh_token') });
        break;
      case 'client_credentials':
        granted = await clientCredentialsGrant(deps, client);
        break;
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          400,
          `The grant type '${grantType.slice(0, 64)}' is not served: use password, refresh_token or client_credentials.`,
        );
    }
    request.principal = granted.principal;
    return reply.headers(NO_STORE).send(tokenResponse(granted, nowOf(deps.core)));
  });
};
