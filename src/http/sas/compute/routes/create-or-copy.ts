// `POST /compute/sessions/{sid}/files/{path}` is two operations, told apart by the request's Content-Type (spec §5
// #5, #8): `…compute.file.properties+json` makes an empty file or a directory in the directory {path}
// (#touchFileOrDirectory); `…compute.file.request+json` copies the file or directory the body names to {path}
// (#copyFileOrDirectory, the seed). Any other Content-Type is 415.
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../../../auth/principals.ts';
import { contentTypeOf } from '../../../common/content-type.ts';
import { WIRE_ERRORS } from '../../kit/error-table.ts';
import { SasWireError } from '../../kit/errors.ts';
import { checkBodyVersion } from '../../kit/media.ts';
import { type FileParams, PROPERTIES_NAME } from '../wire.ts';
import { copy } from './copy.ts';
import { touch } from './touch.ts';

/** The request's media type without parameters or `+json`, lowercased. */
function mediaOf(type: string | undefined): string {
  return (type ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
    .replace(/\+json$/, '');
}

export const createOrCopyRoutes = (deps: AuthDeps) => async (app: FastifyInstance) => {
  app.post<FileParams>('/compute/sessions/:sid/files/:path', async (request, reply) => {
    const type = contentTypeOf(request);
    switch (mediaOf(type)) {
      case 'application/vnd.sas.compute.file.request':
        checkBodyVersion(type, 'compute.file.request', 1);
        return copy(deps, request, reply);
      case 'application/vnd.sas.compute.file.properties':
        checkBodyVersion(type, PROPERTIES_NAME, 1);
        return touch(deps, request, reply);
      default:
        throw new SasWireError(
          415,
          WIRE_ERRORS.unsupportedMedia,
          `POST on a path takes application/vnd.sas.compute.file.request+json (a copy) or ` +
            `application/vnd.sas.compute.file.properties+json (a new file or directory), not '${type ?? 'no Content-Type'}'.`,
        );
    }
  });
};
