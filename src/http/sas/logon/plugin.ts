// SAS Logon (`/SASLogon/oauth/token`) on the API port: the token endpoint the SAS Files and Compute dialects' clients
// get their bearer tokens from. Its clients authenticate themselves at the endpoint, so no hook asks for a bearer
// token here. Bodies are read by the routes themselves. Another method on the endpoint is 405 (kit/methods.ts).
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { rawBodies } from '../../common/content-type.ts';
import type { Dialect } from '../../common/dialect.ts';
import { springMethods } from '../kit/methods.ts';
import { renderSasLogonError, SAS_LOGON_ERRORS } from './errors.ts';
import { tokenRoutes } from './routes/token.ts';

const PREFIXES = ['/SASLogon'] as const;

async function sasApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (sas) => {
    rawBodies(sas);
    springMethods(sas, { prefixes: PREFIXES });
    await sas.register(tokenRoutes(deps));
  });
}

export const sasLogonDialect: Dialect<AuthDeps> = {
  name: 'sas-logon',
  port: 'api',
  prefixes: PREFIXES,
  errors: SAS_LOGON_ERRORS,
  render: renderSasLogonError,
  mount: sasApi,
};
