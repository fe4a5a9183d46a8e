// A raw request body as the core takes it (a stream of chunks) and the length its sender declared.
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../core/errors.ts';
import { parseNonNegativeInt } from './conditions.ts';

/** The body of a `rawBodies` route as a stream of chunks; an absent body is empty. */
export function bodyOf(request: FastifyRequest): AsyncIterable<Uint8Array> {
  const b = request.body as unknown;
  if (b === undefined || b === null) return (async function* () {})();
  if (b instanceof Readable || (typeof b === 'object' && Symbol.asyncIterator in (b as object)))
    return b as AsyncIterable<Uint8Array>;
  throw new StorageError('InvalidArgument', 'The body could not be read as bytes.');
}

/** The Content-Length the client declared, if any. */
export function declaredLength(request: FastifyRequest): number | undefined {
  return parseNonNegativeInt(request.headers['content-length'], 'Content-Length');
}
