// The SAS Viya Files service (`/files/files`), with the Folders (`/folders/folders`) and Types (`/types/types`)
// services its clients go through: files and folders named by UUID in the tree whose top-level folders are
// projects, and the copy. Every request carries a bearer token from SAS Logon. Bodies are read by the routes. Methods
// map as Spring MVC maps them (kit/methods.ts): HEAD for every GET, 405 for a method a path does not take.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { rawBodies } from '../../common/content-type.ts';
import type { Dialect } from '../../common/dialect.ts';
import { authenticate, requireBearer } from '../kit/bearer.ts';
import { springMethods } from '../kit/methods.ts';
import { renderSasFilesError, SAS_FILES_ERRORS } from './errors.ts';
import { contentRoutes } from './routes/content.ts';
import { copyRoutes } from './routes/copy.ts';
import { fileRoutes } from './routes/files.ts';
import { folderRoutes } from './routes/folders.ts';
import { typeRoutes } from './routes/types.ts';

const PREFIXES = ['/files', '/folders', '/types'] as const;

async function sasFilesApi(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  await app.register(async (sas) => {
    rawBodies(sas);
    springMethods(sas, { prefixes: PREFIXES, authenticate: (request) => authenticate(deps, request) });
    await sas.register(async (api) => {
      requireBearer(api, deps);
      await api.register(folderRoutes(deps));
      await api.register(typeRoutes(deps));
      await api.register(fileRoutes(deps));
      await api.register(contentRoutes(deps));
      await api.register(copyRoutes(deps));
    });
  });
}

export const sasFilesDialect: Dialect<AuthDeps> = {
  name: 'sas-files',
  port: 'api',
  prefixes: PREFIXES,
  errors: SAS_FILES_ERRORS,
  render: renderSasFilesError,
  mount: sasFilesApi,
};
