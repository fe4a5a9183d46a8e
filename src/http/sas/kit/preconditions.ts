// The SAS services' updates name the version they replace: `If-Match` with the ETag the client read (or `*`), and
// optionally `If-Unmodified-Since`. A SAS ETag names a version, not its content (two uploads of the same bytes are two
// versions): it is the version's row id, checked as Conditions.ifVersion. An update without a precondition is 428.
import type { FastifyRequest } from 'fastify';
import type { Conditions } from '../../../core/conditions.ts';
import { parseHttpDate, versionTags } from '../../common/conditions.ts';
import { WIRE_ERRORS } from './error-table.ts';
import { SasWireError } from './errors.ts';

/** The ETag header of a version: its row id, quoted. */
export const etagOf = (versionRow: string) => `"${versionRow}"`;

/** `If-Match` and `If-Unmodified-Since` as conditions; undefined when the request sends neither (or sends them empty). */
export function updateConditions(request: FastifyRequest): Conditions | undefined {
  const raw = request.headers['if-match'];
  const tags = typeof raw === 'string' && raw.trim() === '' ? undefined : versionTags(raw);
  const since = parseHttpDate(request.headers['if-unmodified-since']);
  if (!tags && !since) return undefined;
  // `*` matches any existing version (Conditions.ifVersion takes it as it is).
  return { ifVersion: tags, ifUnmodifiedSince: tags ? undefined : since };
}

/** The conditions of an update that must have one: 428 without. */
export function requiredConditions(request: FastifyRequest, what: string): Conditions {
  const c = updateConditions(request);
  if (!c)
    throw new SasWireError(
      428,
      WIRE_ERRORS.preconditionRequired,
      `${what} needs If-Match with the ETag it was read with (or *).`,
    );
  return c;
}
