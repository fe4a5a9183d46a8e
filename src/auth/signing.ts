// What every request-signature scheme shares: the clock window, presigned lifetimes, HTTP dates, and the
// constant-time comparison of signatures.
import { timingSafeEqual } from 'node:crypto';

/** How far a signed request's time may be from ours (S3's RequestTimeTooSkewed window). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest a SigV4 presigned URL may live: a week. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Whether two signatures are equal, in time that depends only on their lengths. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a request time `t` (ms) is within the window around `now`; NaN never is. */
export const withinSkew = (now: number, t: number): boolean => Math.abs(now - t) <= MAX_SKEW_MS;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE =
  /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:GMT|\+0000)$/;

/**
 * An HTTP date in RFC 7231's preferred form (`Sun, 06 Nov 1994 08:49:37 GMT`) to milliseconds, or NaN for anything
 * else, an impossible date included. The zone may also be written `+0000`, as SigV2 clients (and AWS's own SigV2
 * examples) do.
 */
export function parseHttpDate(s: string | undefined): number {
  const m = IMF_FIXDATE.exec(s?.trim() ?? '');
  if (!m || !DAYS.includes(m[1]!)) return Number.NaN;
  const [day, month, year, h, min, sec] = [+m[2]!, MONTHS.indexOf(m[3]!), +m[4]!, +m[5]!, +m[6]!, +m[7]!];
  if (month < 0 || h > 23 || min > 59 || sec > 59) return Number.NaN;
  const t = Date.UTC(year, month, day, h, min, sec);
  return new Date(t).getUTCDate() === day ? t : Number.NaN;
}

/** Milliseconds to SigV4's basic ISO 8601 form, `20130524T000000Z`. */
export const toAmzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
