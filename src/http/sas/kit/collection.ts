// SAS collections (`application/vnd.sas.collection+json`): `start` and `limit` from the query, the total as `count`,
// and links to the first, previous, next and last pages that keep the rest of the query (`filter`, `sortBy`...).
import { StorageError } from '../../../core/errors.ts';
import { type Link, link } from './links.ts';

/** No page holds more: a client that asks for more (@sasjs/adapter asks for up to 1,000,000) is told `limit`. */
export const MAX_LIMIT = 10_000;

export interface Page {
  start: number;
  limit: number;
}

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value))
    throw new StorageError('InvalidArgument', `${name} must be a whole number of 0 or more.`);
  return Number(value);
}

/** `start` (0 by default) and `limit` (`defaultLimit` by default, at most MAX_LIMIT). InvalidArgument otherwise. */
export function pageOf(query: Record<string, unknown>, defaultLimit: number): Page {
  const start = nonNegative(query['start'], 'start') ?? 0;
  const limit = Math.min(nonNegative(query['limit'], 'limit') ?? defaultLimit, MAX_LIMIT);
  return { start, limit };
}

/** A collection of `items`, page `page` of `count`, listed at `path` with the query `query`. */
export function collection(
  items: unknown[],
  input: { count: number; page: Page; path: string; query: Record<string, unknown>; accept: string },
) {
  const { count, page, path } = input;
  const keep = Object.entries(input.query).filter(
    (e): e is [string, string] => e[0] !== 'start' && e[0] !== 'limit' && typeof e[1] === 'string',
  );
  const at = (start: number) => {
    const q = new URLSearchParams([...keep, ['start', String(start)], ['limit', String(page.limit)]]);
    return `${path}?${q.toString()}`;
  };
  const type = 'application/vnd.sas.collection';
  const links: Link[] = [link('GET', 'self', at(page.start), { type, itemType: input.accept })];
  if (page.limit > 0) {
    const last = count === 0 ? 0 : Math.floor((count - 1) / page.limit) * page.limit;
    links.push(link('GET', 'first', at(0), { type, itemType: input.accept }));
    if (page.start > 0)
      links.push(
        link('GET', 'prev', at(Math.max(0, page.start - page.limit)), { type, itemType: input.accept }),
      );
    if (page.start + page.limit < count)
      links.push(link('GET', 'next', at(page.start + page.limit), { type, itemType: input.accept }));
    links.push(link('GET', 'last', at(last), { type, itemType: input.accept }));
  }
  return {
    version: 2,
    accept: input.accept,
    count,
    start: page.start,
    limit: page.limit,
    name: 'items',
    items,
    links,
  };
}
