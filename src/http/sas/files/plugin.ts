// The SAS Viya Files service (`/files/files`), with the Folders (`/folders/folders`) and Types (`/types/types`)
// services its clients go through: files and folders named by UUID in the tree whose top-level folders are
// projects, and the copy. Every request carries a bearer token from SAS Logon. Bodies are read by the routes.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../auth/principals.ts';
import { rawBodies } from '../../common/content-type.ts';
import type { Dialect } from '../../common/dialect.ts';
import { requireBearer } from '../kit/bearer.ts';
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
    requireBearer(sas, deps);
    await sas.register(folderRoutes(deps));
    await sas.register(typeRoutes(deps));
    await sas.register(fileRoutes(deps));
    await sas.register(contentRoutes(deps));
    await sas.register(copyRoutes(deps));
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
