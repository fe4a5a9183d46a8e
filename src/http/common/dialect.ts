// What a dialect is to the server: a name, the port and paths it owns, its complete error table, its renderer, and
// how it mounts its routes. The server, the error document and the tests loop over the list in `dialects.ts`.

import type { FastifyInstance } from 'fastify';
import type { ErrorCode, StorageError } from '../../core/errors.ts';
import type { RenderError } from './error-page.ts';
import { routedPath } from './request-target.ts';

/** A core code as a dialect puts it on the wire. */
export interface WireError {
  code: string;
  status: number;
}

/** Every core code mapped: a code missing from a dialect's table is a compile error. */
export type ErrorTable = { readonly [C in ErrorCode]: WireError };

/** A table for a dialect whose wire codes are the core's own: only the statuses are its. */
export function sameCodes(statuses: { readonly [C in ErrorCode]: number }): ErrorTable {
  return Object.fromEntries(
    Object.entries(statuses).map(([code, status]) => [code, { code, status }]),
  ) as unknown as ErrorTable;
}

export type Port = 's3' | 'api';

export interface Dialect<D = unknown> {
  /** As the error document and the tests name it. */
  name: string;
  port: Port;
  /**
   * The paths it owns on its port; its renderer answers errors and 404s under them. A `*` segment stands for any one
   * segment, for paths inside another dialect's (Qumulo's ACLs under Seven Bridges' `/v2/files`).
   */
  prefixes: readonly string[];
  errors: ErrorTable;
  render: RenderError;
  /** Registers its routes and hooks; its hooks must leave paths outside its prefixes alone. */
  mount(app: FastifyInstance, deps: D): Promise<void>;
}

/**
 * HTTP headers that go with a core error in every dialect (RFC 9110): the size of what a 416 could not serve, the
 * validators of what a 304 says the client has, and when to come back after a 429 or a 503.
 */
export function coreErrorHeaders(se: StorageError): Record<string, string> {
  const h: Record<string, string> = {};
  if (se.code === 'InvalidRange' && typeof se.details['size'] === 'number')
    h['content-range'] = `bytes */${se.details['size']}`;
  if (se.code === 'NotModified' && typeof se.details['etag'] === 'string') {
    h['etag'] = `"${se.details['etag']}"`;
    h['last-modified'] = new Date(Number(se.details['modifiedAt'])).toUTCString();
  }
  if (
    (se.code === 'TooManyRequests' || se.code === 'ServiceUnavailable') &&
    typeof se.details['retryAfterSeconds'] === 'number'
  )
    h['retry-after'] = String(se.details['retryAfterSeconds']);
  return h;
}

/** Whether `path` is `prefix` or under it; a `*` segment of the prefix matches any one segment. */
function under(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  if (!prefix.includes('*')) return path === prefix || path.startsWith(`${prefix}/`);
  const want = prefix.split('/');
  const have = path.split('/');
  return have.length >= want.length && want.every((s, i) => (s === '*' ? have[i] !== '' : s === have[i]));
}

/** The dialect that owns a request target (path and query) on a port: the longest matching prefix, if any. */
export function dialectFor<D>(dialects: readonly Dialect<D>[], url: string): Dialect<D> | undefined {
  const path = routedPath(url);
  let best: Dialect<D> | undefined;
  let length = -1;
  for (const d of dialects)
    for (const p of d.prefixes) {
      if (under(p, path) && p.length > length) {
        best = d;
        length = p.length;
      }
    }
  return best;
}
