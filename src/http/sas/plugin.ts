// The SAS Viya dialect on the API port. For now SAS Logon (`/SASLogon/oauth/token`), which the Files and Compute
// services share: its clients authenticate themselves at the endpoint, so no hook asks for a bearer token here.
// Bodies are read by the routes themselves.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { rawBodies } from '../common/content-type.ts';
import type { Dialect } from '../common/dialect.ts';
import { renderSasError, SAS_ERRORS } from './errors.ts';
import { tokenRoutes } from './routes/token.ts';

const PREFIXES = ['/SASLogon'] as const;

async function sasApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (sas) => {
    rawBodies(sas);
    await sas.register(tokenRoutes(deps));
  });
}

export const sasDialect: Dialect<AuthDeps> = {
  name: 'sas',
  port: 'api',
  prefixes: PREFIXES,
  errors: SAS_ERRORS,
  render: renderSasError,
  mount: sasApi,
};
