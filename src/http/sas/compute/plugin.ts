// The SAS Viya Compute service (`/compute`): contexts, sessions, and the file system a session sees, with paths in
// `~fs~` form, and the copy of a file or a directory. Every request carries a bearer token from SAS Logon. Bodies
// are read by the routes.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { rawBodies } from '../../common/content-type.ts';
import type { Dialect } from '../../common/dialect.ts';
import { requireBearer } from '../kit/bearer.ts';
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
    requireBearer(sas, deps);
    await sas.register(contextRoutes());
    await sas.register(sessionRoutes(deps));
    await sas.register(propertyRoutes(deps));
    await sas.register(memberRoutes(deps));
    await sas.register(contentRoutes(deps));
    await sas.register(createOrCopyRoutes(deps));
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
