// Paged listings of the native API read a page at a time: each page is handed on as it arrives, so output streams
// and memory holds one page, whatever the listing's length.
import type { ApiClient } from '../client.ts';

/** A query string from the defined values: `?a=1&b=x`, or '' when there are none. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/**
 * Every item of a listing whose pages carry `items` under `key` and the cursor of the next page in `next` (absent,
 * null, or with `truncated: false`, on the last page). `params` are sent on every page, with `after` the cursor.
 */
export async function* pages<T>(
  api: ApiClient,
  input: { path: string; key: string; params?: Record<string, string | number | undefined> },
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const page = await api.call<Record<string, unknown>>(
      'GET',
      `${input.path}${query({ ...input.params, after })}`,
    );
    const items = (page[input.key] as T[] | undefined) ?? [];
    yield* items;
    const next = page['next'];
    // A cursor that did not move would ask for the same page again: that is the end too.
    if (typeof next !== 'string' || next === '' || next === after || page['truncated'] === false) return;
    after = next;
  }
}
