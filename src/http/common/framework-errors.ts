// The one place where an error the HTTP framework raises (a content-type parser, a body limit, schema validation,
// a client that went away) becomes a core code, so that no dialect answers a client's mistake with a 500.
import type { FastifyError } from 'fastify';
import { coreError, isStorageError, StorageError } from '../../core/errors.ts';

/**
 * Any error as a StorageError: core errors as they are, a store's own (no room) as the core code for it, framework
 * errors by what they mean, and anything else as InternalError (the cause kept for the log, never for the client).
 */
export function asStorageError(raw: unknown): StorageError {
  const err = coreError(raw);
  if (isStorageError(err)) return err;
  const e = err as Partial<FastifyError> & { name?: string };
  if (e.validation) return new StorageError('InvalidArgument', `Invalid request: ${e.message}`);
  if (e.statusCode === 413) return new StorageError('EntityTooLarge', e.message);
  if (e.statusCode === 415)
    return new StorageError('InvalidArgument', 'The Content-Type is not supported here.');
  if (e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return new StorageError('IncompleteBody', 'The body does not match its Content-Length.');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return new StorageError('InvalidArgument', e.message);
  if (e.name === 'AbortError') return new StorageError('IncompleteBody', 'The request was aborted.');
  return new StorageError('InternalError', 'An internal error occurred.', { cause: err });
}

/** A path no route of the port takes, for `method` (as asked: a HEAD refused in its GET's words names GET). */
export const noSuchRoute = (method: string, url: string) =>
  new StorageError('NoSuchRoute', `No route for ${method} ${url.split('?')[0]}.`);
