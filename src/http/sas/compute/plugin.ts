// The SAS Viya Compute service (`/compute`): contexts, sessions, and the file system a session sees, with paths in
// `~fs~` form, and the copy of a file or a directory. Every request carries a bearer token from SAS Logon. Bodies
// are read by the routes. Methods map as Spring MVC maps them (kit/methods.ts): HEAD for every GET, 405 for a method a
// path does not take.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { rawBodies } from '../../common/content-type.ts';
import type { Dialect } from '../../common/dialect.ts';
import { authenticate, requireBearer } from '../kit/bearer.ts';
import { springMethods } from '../kit/methods.ts';
import { renderSasComputeError, SAS_COMPUTE_ERRORS } from './errors.ts';
import { contentRoutes } from './routes/content.ts';
import { contextRoutes } from './routes/contexts.ts';
import { createOrCopyRoutes } from './routes/create-or-copy.ts';
import { memberRoutes } from './routes/members.ts';
import { propertyRoutes } from './routes/properties.ts';
import { sessionRoutes } from './routes/sessions.ts';

const PREFIXES = ['/compute'] as const;

async function sasComputeApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (sas) => {
    rawBodies(sas);
    springMethods(sas, { prefixes: PREFIXES, authenticate: (request) => authenticate(deps, request) });
    await sas.register(async (api) => {
      requireBearer(api, deps);
      await api.register(contextRoutes());
      await api.register(sessionRoutes(deps));
      await api.register(propertyRoutes(deps));
      await api.register(memberRoutes(deps));
      await api.register(contentRoutes(deps));
      await api.register(createOrCopyRoutes(deps));
    });
  });
}

export const sasComputeDialect: Dialect<AuthDeps> = {
  name: 'sas-compute',
  port: 'api',
  prefixes: PREFIXES,
  errors: SAS_COMPUTE_ERRORS,
  render: renderSasComputeError,
  mount: sasComputeApi,
};
