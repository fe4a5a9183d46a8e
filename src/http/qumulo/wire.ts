// What the Qumulo routes read and write on the wire: JSON bodies, numbers sent as decimal strings, refs (an id or
// a percent-encoded absolute path), ETags, and answers with `Content-Type: application/json` exactly.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { type Conditions, checkConditions } from '../../core/conditions.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { entryAtSnapshot } from '../../core/dir-list.ts';
import { type Entry, getEntry, getEntryByPath } from '../../core/entries.ts';
import { TREE_ROOT_NUMBER } from '../../core/entry-ids.ts';
import { StorageError } from '../../core/errors.ts';
import { checkSize } from '../../core/size-limit.ts';

/** The tree's root as Qumulo names it. */
export const ROOT_ID = String(TREE_ROOT_NUMBER);

import type { Principal } from '../../core/model.ts';
import { childPath as pathIn } from '../../core/paths.ts';
import { versionTags } from '../common/conditions.ts';
import { setContentType } from '../common/content-type.ts';
import { rfc3339 } from '../common/date-time.ts';

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A uint64 as Qumulo sends it: a decimal string (a JSON number is taken too). Values past what the server can
 * address are refused, except where `clampTo` says what "more than there is" means (a length). Throws
 * InvalidArgument for anything else: a sign, a fraction, an exponent, a value past 2^64 - 1.
 */
export function uint64(value: unknown, name: string, clampTo?: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  let n: bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) n = BigInt(value);
  else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) n = BigInt(value);
  else
    throw new StorageError(
      'InvalidArgument',
      `${name} must be an unsigned 64-bit integer as a decimal string.`,
    );
  if (n > UINT64_MAX) throw new StorageError('InvalidArgument', `${name} is larger than 2^64 - 1.`);
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  if (clampTo !== undefined) return clampTo;
  throw new StorageError('InvalidArgument', `${name} is past the largest offset this server stores.`);
}

/** A query parameter given at most once, or undefined when absent. */
export function queryValue(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new StorageError('InvalidArgument', `Give ${name} once.`);
  return v;
}

/** A query parameter that is a uint64, or undefined when absent. */
export const queryUint64 = (request: FastifyRequest, name: string, clampTo?: number) =>
  uint64(queryValue(request, name), name, clampTo);

/**
 * A place a write makes a file reach (PATCH data's `offset` and copy-chunk's `target_offset`, where the file is
 * zero-filled up to; a `size` set): a uint64 as Qumulo sends it, or undefined when absent. Qumulo takes any uint64
 * there, so one past the largest file this server keeps (`limits.maxObjectSize`) asks for a file too large:
 * EntityTooLarge (413), as a write or a copy whose bytes would end past it is, not bad input. Malformed numbers are
 * InvalidArgument.
 */
export function withinLargestFile(core: CoreDeps, value: unknown, name: string): number | undefined {
  const n = uint64(value, name, Number.MAX_SAFE_INTEGER);
  if (n !== undefined) checkSize(core, n, `${name} ${String(value)}`);
  return n;
}

/**
 * A snapshot id (a JSON number, or its decimal string in a query) as the core's snapshot reference. Qumulo's ids
 * are uint64: one past any number this server gives out is a snapshot that does not exist (404), not bad input.
 */
export function snapshotRef(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const digits = typeof value === 'number' && Number.isInteger(value) ? BigInt(value).toString() : value;
  const n = typeof digits === 'string' && /^[1-9][0-9]{0,19}$/.test(digits) ? BigInt(digits) : undefined;
  if (n === undefined || n > UINT64_MAX)
    throw new StorageError('InvalidArgument', 'A snapshot id is a positive integer.');
  // Past the numbers the core gives out: a snapshot that does not exist (the core would look for it as a name).
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw new StorageError('NoSuchSnapshot', `The snapshot ${n} does not exist.`, { resource: String(n) });
  return String(n);
}

/** The id Qumulo gives a file's default stream (`qq fs_copy` copies it as `source_stream_id: "0"`). */
export const DEFAULT_STREAM_ID = '0';

/** A stream id as the core names streams: the default stream's id is none, any other id is the stream's name. */
export const streamOf = (id: string | undefined): string | undefined =>
  id === DEFAULT_STREAM_ID ? undefined : id;

/** An optional string field of a JSON body. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new StorageError('InvalidArgument', `${name} must be a string.`);
  return v;
}

/**
 * An optional RFC 3339 time field of a JSON body (fractions to the nanosecond, as Qumulo writes them), in ms. A leap
 * second is kept as 23:59:59.999 UTC of its day (see `instantOf`).
 */
export function timeField(body: Record<string, unknown>, name: string): number | undefined {
  const v = stringField(body, name);
  if (v === undefined) return undefined;
  const t = rfc3339(v);
  if (t === undefined || t < 0)
    throw new StorageError('InvalidArgument', `${name} is an RFC 3339 time after 1970.`);
  return t;
}

/** A place in the tree: the root, a project (path ''), or an entry's path within its project. */
export interface Place {
  project: string;
  path: string;
  /** The ref named a directory explicitly (a trailing '/'). */
  dirOnly: boolean;
}

/**
 * An absolute path as a place; '/' is the root (project ''). Every ref and path argument (source_path, old_path) is
 * read here: an empty segment (`//`, `/p//a`, `/p/d//`) is InvalidPath, wherever it is, naming the path.
 */
export function placeOf(absolute: string): Place {
  if (!absolute.startsWith('/'))
    throw new StorageError('InvalidPath', `A path is absolute: '${absolute}' does not start with '/'.`);
  // The segments after the leading '/': only the last may be empty (a trailing '/', or the root's '/' alone).
  const segments = absolute.slice(1).split('/');
  if (segments.slice(0, -1).includes(''))
    throw new StorageError('InvalidPath', `'${absolute}' has an empty segment ('//').`, {
      resource: absolute,
    });
  const dirOnly = absolute.endsWith('/');
  const inner = absolute.slice(1, dirOnly && absolute.length > 1 ? -1 : undefined);
  if (inner === '') return { project: '', path: '', dirOnly: true };
  const slash = inner.indexOf('/');
  const project = slash < 0 ? inner : inner.slice(0, slash);
  const path = slash < 0 ? '' : inner.slice(slash + 1);
  if (project === '' || project === '.' || project === '..')
    throw new StorageError('InvalidPath', `'${absolute}' is not a valid path.`);
  return { project, path, dirOnly: dirOnly || path === '' };
}

/**
 * The entry a decimal id names, whatever its number of digits (the core would read 24 digits as a Seven Bridges id).
 * An id past every number the core gives out names nothing: NoSuchEntry, as any unknown id.
 */
async function entryById(deps: AuthDeps, principal: Principal, id: string): Promise<Entry> {
  const digits = id.replace(/^0+(?=[0-9])/, '');
  if (digits.length > 16)
    throw new StorageError('NoSuchEntry', `No file or directory has the id '${id.slice(0, 64)}'.`, {
      resource: id.slice(0, 64),
    });
  return getEntry(deps.core, principal, digits);
}

/** The entry a ref names: a decimal id, or an absolute path (already percent-decoded once by the router). */
export function entryOf(deps: AuthDeps, principal: Principal, ref: string): Promise<Entry> {
  if (/^[0-9]+$/.test(ref)) return entryById(deps, principal, ref);
  if (!ref.startsWith('/'))
    throw new StorageError('InvalidArgument', `'${ref}' is neither a file id nor an absolute path.`);
  const place = placeOf(ref);
  if (place.project === '') return getEntry(deps.core, principal, ROOT_ID);
  return getEntryByPath(deps.core, principal, {
    project: place.project,
    path: place.dirOnly && place.path !== '' ? `${place.path}/` : place.path,
  });
}

/**
 * The entry a ref names for a read at a snapshot: an absolute path as that snapshot shows it (a file deleted since
 * is still there), an id as the live entry it names (the caller reads that entry's version at the snapshot).
 */
export function entryAt(deps: AuthDeps, principal: Principal, ref: string, snapshot: string): Promise<Entry> {
  if (!ref.startsWith('/')) return entryOf(deps, principal, ref);
  const place = placeOf(ref);
  if (place.project === '') return getEntry(deps.core, principal, ROOT_ID);
  return entryAtSnapshot(deps.core, principal, {
    project: place.project,
    path: place.dirOnly && place.path !== '' ? `${place.path}/` : place.path,
    snapshot,
  });
}

/** A file the ref names; IsADirectory for a directory. */
export async function fileOf(deps: AuthDeps, principal: Principal, ref: string): Promise<Entry> {
  const entry = await entryOf(deps, principal, ref);
  if (entry.type !== 'file')
    throw new StorageError('IsADirectory', `'${pathOf(entry)}' is a directory.`, { resource: ref });
  return entry;
}

/** A directory the ref names; NotADirectory for a file. */
export async function dirOf(deps: AuthDeps, principal: Principal, ref: string): Promise<Entry> {
  const entry = await entryOf(deps, principal, ref);
  if (entry.type !== 'directory')
    throw new StorageError('NotADirectory', `'${pathOf(entry)}' is not a directory.`, { resource: ref });
  return entry;
}

/** An entry's absolute path as Qumulo shows it: a directory's ends with '/', the root is '/'. */
export function pathOf(e: Entry): string {
  if (e.project === '') return '/';
  if (e.path === '') return `/${e.project}/`;
  return e.type === 'directory' ? `/${e.project}/${e.path}/` : `/${e.project}/${e.path}`;
}

/** An ETag as Qumulo sends it back: quoted. */
export const quoted = (etag: string) => `"${etag}"`;

/** The If-Match header as version tags (see Conditions.ifVersion), or undefined. */
export const ifMatchOf = (request: FastifyRequest) => versionTags(request.headers['if-match']);

/**
 * If-Match checked against an entry's ETag as the routes show it (`etag`: a file's version, a directory's
 * attributes), up front, for a change that is not a write of the file's bytes (mode, times, ACL): 412 as the core
 * checks a version. A write of the bytes checks it again, in its transaction (`writeConditions`).
 */
export function checkIfMatch(request: FastifyRequest, etag: string): void {
  checkConditions({ ifVersion: ifMatchOf(request) }, { etag, modifiedAt: 0, rowId: etag }, { safe: false });
}

/** A write's conditions: the file the ref resolved must still be there, in the version If-Match names. */
export const writeConditions = (request: FastifyRequest, file: Entry): Conditions => ({
  fileId: file.id,
  ifVersion: ifMatchOf(request),
});

/** Sends a JSON answer as Qumulo's clients require it: exactly `application/json`, with its length. */
export function sendJson(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  setContentType(reply, 'application/json');
  const body = Buffer.from(JSON.stringify(value));
  return reply.code(status).header('content-length', body.length).send(body);
}

/** An answer without a body (a delete): Content-Length 0. */
export function sendEmpty(reply: FastifyReply, status = 200): FastifyReply {
  return reply.code(status).header('content-length', 0).send();
}

/** The path in its project of `name` inside the directory `dir`; the root holds only projects. */
export function childPath(dir: Entry, name: unknown): string {
  if (dir.project === '')
    throw new StorageError('AccessDenied', 'The root holds projects, which are made through the native API.');
  return pathIn(dir.path, name);
}
