// The one place untrusted headers become a Range or preconditions (RFC 9110 sections 13.1 and 14.2).
import { type Conditions, unquote } from '../../core/conditions.ts';
import { StorageError } from '../../core/errors.ts';
import type { RangeSpec } from '../../core/ranges.ts';
import { httpDate } from './date-time.ts';

type Headers = Record<string, string | string[] | undefined>;

function one(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Splits an entity-tag list (`"a", W/"b"` or `*`) into its members. */
export function parseEtagList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const out = value.match(/\*|(?:W\/)?"[^"]*"|[^,\s]+/g) ?? [];
  return out.length > 0 ? out : undefined;
}

/**
 * An If-Match list for a dialect whose ETags name versions (Conditions.ifVersion): the tags without their quotes.
 * If-Match compares strongly, so a weak tag matches nothing; nor does `"*"`, an entity tag and not the wildcard.
 */
export function versionTags(value: string | string[] | undefined): string[] | undefined {
  const tags = parseEtagList(Array.isArray(value) ? value.join(',') : value);
  return tags?.map((t) => (t.startsWith('W/') || t === '"*"' ? '\u0000no-match' : unquote(t)));
}

/**
 * An If-None-Match list for such a dialect: If-None-Match compares weakly (RFC 9110 13.1.2), so `W/"x"` names the
 * version x as `"x"` does.
 */
export function noneMatchTags(value: string | string[] | undefined): string[] | undefined {
  const tags = parseEtagList(Array.isArray(value) ? value.join(',') : value);
  return tags?.map((t) => (t === '"*"' ? '\u0000no-match' : unquote(t.startsWith('W/') ? t.slice(2) : t)));
}

/** An HTTP date, or undefined when the value is absent or invalid (an invalid date is ignored, RFC 9110 13.1.3). */
export function parseHttpDate(value: string | undefined): Date | undefined {
  const t = value === undefined ? undefined : httpDate(value);
  return t === undefined ? undefined : new Date(t);
}

/** Whether an `If-Range` value is the strong entity tag `etag` (a weak tag or a date never is). */
export const sameStrongTag = (ifRange: string, etag: string): boolean => ifRange.trim() === `"${etag}"`;

/**
 * Whether a Range is served under `If-Range` (RFC 9110 13.1.5) of a read pinned to one version: its entity tag is
 * the version's, compared strongly (a weak tag never is), or its date is the version's Last-Modified, to the second.
 * A read of whatever version is current must not take the date (see sameStrongTag): two versions may share it.
 */
export function rangeStillValid(ifRange: string, v: { etag: string; modifiedAt: number }): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return sameStrongTag(value, v.etag);
  const t = httpDate(value);
  return t !== undefined && Math.floor(t / 1000) === Math.floor(v.modifiedAt / 1000);
}

/** Preconditions from If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since (or prefixed names). */
export function parseConditions(h: Headers, prefix = ''): Conditions | undefined {
  const c: Conditions = {
    ifMatch: parseEtagList(one(h, `${prefix}if-match`)),
    ifNoneMatch: parseEtagList(one(h, `${prefix}if-none-match`)),
    ifModifiedSince: parseHttpDate(one(h, `${prefix}if-modified-since`)),
    ifUnmodifiedSince: parseHttpDate(one(h, `${prefix}if-unmodified-since`)),
  };
  return c.ifMatch || c.ifNoneMatch || c.ifModifiedSince || c.ifUnmodifiedSince ? c : undefined;
}

/**
 * Refuses conditions from the two families together (COS's copy-source rule): If-Match goes only with
 * If-Unmodified-Since, If-None-Match only with If-Modified-Since. Judged on the headers present, valid or not, so a
 * refused pair is refused before anything is read or copied.
 */
export function checkConditionPairs(h: Headers, prefix = ''): void {
  const has = (name: string) => one(h, `${prefix}${name}`) !== undefined;
  const positive = has('if-match') || has('if-unmodified-since');
  const negative = has('if-none-match') || has('if-modified-since');
  if (positive && negative)
    throw new StorageError(
      'InvalidArgument',
      `${prefix}if-match and ${prefix}if-unmodified-since may not be combined with ${prefix}if-none-match or ${prefix}if-modified-since.`,
    );
}

const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * Parses a single `bytes=` range. Returns undefined when there is no header, and when the header is one to ignore
 * (RFC 9110 14.2): a unit other than bytes, a malformed range, one whose last byte is before its first, or several
 * ranges (mimeo serves one range per request, and answers such a request whole, as S3 does). Offsets past any file
 * are clamped: a last byte past the end reads to the end, a first byte past it is unsatisfiable (InvalidRange, when
 * the read resolves it).
 */
export function parseRange(value: string | undefined): RangeSpec | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const first = m[1] === '' ? undefined : Math.min(Number(m[1]), MAX_OFFSET);
  const last = m[2] === '' ? undefined : Math.min(Number(m[2]), MAX_OFFSET);
  if (first === undefined) return { suffix: last! };
  if (last !== undefined && last < first) return undefined;
  return last === undefined ? { first } : { first, last };
}

/** A non-negative integer from a query parameter or header, or undefined when absent. */
export function parseNonNegativeInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new StorageError('InvalidArgument', `${name} must be a non-negative integer.`);
  }
  return Number(value);
}
