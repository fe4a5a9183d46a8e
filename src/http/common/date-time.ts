// A client's date-time as an instant, checked once for every dialect that reads one: Date.parse rolls 2030-02-30
// over to March, accepts hour 24 and refuses a leap second, so the fields are checked and counted here instead.

/** The fields of an ISO 8601 or RFC 3339 date-time, as written. */
export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The digits after the second's point ('5' is half a second); only whole milliseconds are kept. */
  fraction?: string;
  /** The offset from UTC in minutes (`+01:00` is 60, `Z` 0), at most 23:59 either way; absent: UTC. */
  offset?: number;
}

const MINUTE = 60_000;

/**
 * The instant the fields name, in milliseconds since 1970 (a finer fraction cut off), or undefined when no such time
 * exists: a date the calendar does not have, hour 24, minute 60, an offset past 23:59, or a second 60 that is not a
 * leap second.
 *
 * A leap second (second 60, RFC 3339 section 5.7) is inserted only as the last second of a UTC month (ITU-R
 * TF.460-6, section 2.1), so second 60 is taken there, in whatever offset it is written, and nowhere else. A count
 * of milliseconds since 1970 that leaves leap seconds out, as POSIX time and Date do, has no place for it: it is kept
 * as the last millisecond before it, 23:59:59.999 UTC. The date the client named stays the same, and the time sorts
 * after every earlier time and before every later one.
 */
export function instantOf(f: DateTimeFields): number | undefined {
  const { year, month, day, hour, minute, second, offset = 0 } = f;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const onCalendar =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!onCalendar || hour > 23 || minute > 59 || second > 60 || Math.abs(offset) >= 24 * 60) return undefined;
  const leap = second === 60;
  const ms = leap ? 999 : Number((f.fraction ?? '').slice(0, 3).padEnd(3, '0'));
  date.setUTCHours(hour, minute, leap ? 59 : second, ms);
  const t = date.getTime() - offset * MINUTE;
  if (leap) {
    const next = new Date(t + 1);
    if (next.getUTCDate() !== 1 || next.getUTCHours() !== 0 || next.getUTCMinutes() !== 0) return undefined;
  }
  return t;
}

/**
 * RFC 3339's date-time (section 5.6): `T` between date and time (`t`, or a space as its note allows), seconds, any
 * fraction, and `Z` or a `+hh:mm` / `-hh:mm` offset.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time as milliseconds since 1970, or undefined when it is not one or names no moment. */
export function rfc3339(text: string): number | undefined {
  // Every RFC 3339 date-time is of ISO 8601's extended form, whose fields are read in one place.
  const fields = RFC3339.test(text) ? isoFields(text) : undefined;
  return fields === undefined ? undefined : instantOf(fields);
}

/**
 * ISO 8601's extended date-time as clients write it beside RFC 3339's: seconds optional, any fraction, and `Z` or an
 * offset of hours with minutes or without, with a colon or without (`+01:00`, `+0100`, `+01`).
 */
const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/i;

/**
 * The fields of an ISO 8601 date-time (see ISO8601), or undefined when the text is not of that form; whether they name
 * a moment is `instantOf`'s to say.
 */
export function isoFields(text: string): DateTimeFields | undefined {
  const m = ISO8601.exec(text);
  if (m === null) return undefined;
  const n = m.map((d) => Number(d ?? 0));
  if (m[8] === undefined && n[11]! > 59) return undefined;
  return {
    year: n[1]!,
    month: n[2]!,
    day: n[3]!,
    hour: n[4]!,
    minute: n[5]!,
    second: n[6]!,
    fraction: m[7],
    offset: m[8] !== undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n[10]! * 60 + n[11]!),
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/**
 * `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's preferred form; also, as clients write it, with a one-digit day or
 * with the zone as `UTC` or `+0000` (the same instant, and RFC 9110 lets a recipient take more than it sends).
 */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{1,2}) ${MONTH} (\\d{4}) ${TIME} (?:GMT|UTC|\\+0000)$`, 'i');
/** `Sunday, 06-Nov-94 08:49:37 GMT`, obsolete. */
const RFC850 = new RegExp(`^${DAY}[a-z]{3,6}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** `Sun Nov  6 08:49:37 1994`, C's asctime, obsolete. */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/**
 * An HTTP-date (RFC 9110 section 5.6.7) in any of its three forms, as a recipient must accept them, in
 * milliseconds; undefined for anything else or a moment that does not exist (Date.parse would read 30 February as
 * 1 March and second 61 as second 0), which a precondition then ignores, as RFC 9110 says. A leap second is read as
 * `instantOf` reads one. A two-digit year more than 50 years ahead of `now` is the last such year in the past.
 */
export function httpDate(text: string, now = Date.now()): number | undefined {
  const f = httpDateFields(text.trim(), now);
  if (f === undefined) return undefined;
  const [day, month, year, hour, minute, second] = f;
  return instantOf({
    year,
    month: MONTHS.indexOf(month.toLowerCase()) + 1,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  });
}

/** The fields of an HTTP-date as written, in the order day, month, year, hour, minute, second. */
function httpDateFields(
  t: string,
  now: number,
): [string, string, number, string, string, string] | undefined {
  const imf = IMF_FIXDATE.exec(t);
  if (imf) return [imf[1]!, imf[2]!, Number(imf[3]), imf[4]!, imf[5]!, imf[6]!];
  const old = RFC850.exec(t);
  if (old) {
    // The year of those two digits that is at most 50 years ahead and less than 50 behind.
    const thisYear = new Date(now).getUTCFullYear();
    let year = thisYear - (thisYear % 100) + Number(old[3]);
    if (year > thisYear + 50) year -= 100;
    else if (year <= thisYear - 50) year += 100;
    return [old[1]!, old[2]!, year, old[4]!, old[5]!, old[6]!];
  }
  const asc = ASCTIME.exec(t);
  return asc ? [asc[2]!, asc[1]!, Number(asc[6]), asc[3]!, asc[4]!, asc[5]!] : undefined;
}
