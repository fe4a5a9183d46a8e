// What the Seven Bridges routes read and write: file ids (24 hex digits), project ids (`owner/name`), the `fields`
// selector, collections paged by offset with absolute links, and the headers every answer carries.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/principals.ts';
import { type Entry, getEntry } from '../../core/entries.ts';
import { TREE_ROOT_NUMBER } from '../../core/entry-ids.ts';
import { StorageError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import { externalBase } from '../common/request-context.ts';

/**
 * The entry a 24-hex-digit id names (a file or a folder). Throws InvalidArgument for any other shape, and for none
 * at all: then it names the body's `field` that is missing. Throws NoSuchEntry for an unknown id, and for the id of
 * the tree's root: the directory that holds the projects in the file dialects' tree is no SBG file or folder (a
 * project's top level is its root folder).
 */
export async function entryOf(
  deps: AuthDeps,
  principal: Principal,
  id: unknown,
  field?: string,
): Promise<Entry> {
  if (id === undefined || id === null)
    throw new StorageError(
      'InvalidArgument',
      field ? `Give '${field}': a file id.` : 'A file id is missing.',
    );
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id))
    throw new StorageError('InvalidArgument', `'${String(id).slice(0, 64)}' is not a file id.`);
  const e = await getEntry(deps.core, principal, id.toLowerCase());
  if (e.number === TREE_ROOT_NUMBER)
    throw new StorageError('NoSuchEntry', `No file or folder has the id '${id}'.`, { resource: id });
  return e;
}

/** A project id `owner/name`, lower-cased. Throws InvalidProjectName (SBG's 3012) for any other form. */
export function projectIdOf(value: unknown): { owner: string; name: string } {
  if (typeof value !== 'string') throw new StorageError('InvalidArgument', 'A project id is a string.');
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!m)
    throw new StorageError('InvalidProjectName', `Project id '${value}' is not in the form owner/project.`);
  return { owner: m[1]!.toLowerCase(), name: m[2]!.toLowerCase() };
}

/** The API's base for absolute hrefs: scheme, host and `/v2`. */
export const apiBase = (request: FastifyRequest) => `${externalBase(request)}/v2`;

/** ISO 8601 in UTC to the second, as SBG writes its times. */
export const sbgTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The values of a repeatable query parameter. */
export function queryList(request: FastifyRequest, name: string): string[] {
  const v = (request.query as Record<string, unknown>)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** One value of a query parameter; InvalidArgument when it is given twice. */
export function queryOne(request: FastifyRequest, name: string): string | undefined {
  const v = queryList(request, name);
  if (v.length > 1) throw new StorageError('InvalidArgument', `Give ${name} once.`);
  return v[0];
}

/** `offset` and `limit` of a collection: 0 and 50 by default, at most 100 per page. */
export function pageOf(request: FastifyRequest): { offset: number; limit: number } {
  const int = (name: string, fallback: number, max: number) => {
    const v = queryOne(request, name);
    if (v === undefined) return fallback;
    if (!/^[0-9]{1,9}$/.test(v))
      throw new StorageError('InvalidArgument', `${name} must be a non-negative integer.`);
    return Math.min(Number(v), max);
  };
  const limit = int('limit', 50, 100);
  if (limit < 1) throw new StorageError('InvalidArgument', 'limit must be at least 1.');
  return { offset: int('offset', 0, 1_000_000_000), limit };
}

/**
 * Applies the `fields` selector: a list of top-level names to keep (`href` and `id` always stay), `_all` for every
 * field with the hidden ones (names starting with `_`), `!name` to drop one. Without it, hidden fields are dropped.
 */
export function selectFields(
  request: FastifyRequest,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const given = queryOne(request, 'fields');
  const spec = (given ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const all = spec.includes('_all');
  const drop = new Set(spec.filter((f) => f.startsWith('!')).map((f) => f.slice(1)));
  const keep = new Set(spec.filter((f) => !f.startsWith('!') && f !== '_all'));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const always = k === 'href' || k === 'id';
    if (drop.has(k) && !always) continue;
    if (keep.size > 0 && !all && !keep.has(k) && !always) continue;
    if (k.startsWith('_') && !all && !keep.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** A collection as SBG sends it: its href, the page's items, links to the next and previous pages. */
export function sendCollection(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { items: unknown[]; total: number; offset: number; limit: number },
): FastifyReply {
  const here = new URL(`${externalBase(request)}${request.url}`);
  const at = (offset: number) => {
    const u = new URL(here);
    u.searchParams.set('offset', String(offset));
    u.searchParams.set('limit', String(page.limit));
    return u.toString();
  };
  const links: { href: string; rel: string; method: string }[] = [];
  if (page.offset + page.items.length < page.total)
    links.push({ href: at(page.offset + page.limit), rel: 'next', method: 'GET' });
  if (page.offset > 0)
    links.push({ href: at(Math.max(0, page.offset - page.limit)), rel: 'prev', method: 'GET' });
  reply.header('x-total-matching-query', String(page.total));
  return reply.send({ href: here.toString(), items: page.items, links });
}
