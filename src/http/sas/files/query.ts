// The query parameters of the Files service: each given once, text, of the form its name says.
import type { FastifyRequest } from 'fastify';
import { StorageError } from '../../../core/errors.ts';
import { parseTimestamp } from '../kit/time.ts';

export type Query = Record<string, unknown>;

/** One value of a parameter; InvalidArgument when it is given twice. */
export function one(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Query)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new StorageError('InvalidArgument', `Give ${name} once.`);
  return v;
}

/** An expiry a client sets: a time to come (a file that would be gone before it is answered is a mistake). */
export function futureExpiry(value: string): number {
  const at = parseTimestamp(value, 'expirationTimeStamp');
  if (at <= Date.now())
    throw new StorageError('InvalidArgument', `expirationTimeStamp '${value}' is not in the future.`);
  return at;
}

/** `expirationTimeStamp` as ms since the epoch; undefined when absent. */
export function expiryOf(request: FastifyRequest): number | undefined {
  const v = one(request, 'expirationTimeStamp');
  return v === undefined || v === '' ? undefined : futureExpiry(v);
}

/** A boolean parameter: `true` or `false`. */
export function flagOf(request: FastifyRequest, name: string): boolean | undefined {
  const v = one(request, name);
  if (v === undefined || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw new StorageError('InvalidArgument', `${name} is true or false.`);
  return v === 'true';
}

/** `typeDefName`: a short word, `file` by default. */
export function typeDefOf(request: FastifyRequest): string | undefined {
  const v = one(request, 'typeDefName');
  if (v === undefined || v === '') return undefined;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v))
    throw new StorageError('InvalidArgument', 'typeDefName is 1 to 64 letters, digits, "_", "." or "-".');
  return v;
}
