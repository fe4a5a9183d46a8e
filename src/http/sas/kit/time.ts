// Timestamps as the SAS services write them: ISO 8601 in UTC with milliseconds (`2022-03-31T20:00:03.609Z`).
import { StorageError } from '../../../core/errors.ts';
import { instantOf } from '../../common/date-time.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A client's ISO 8601 date-time (`expirationTimeStamp`): a date and a time with seconds, optional fraction, and `Z`
 * or an offset. InvalidArgument for anything else, a date that does not exist, or a year past 9999. A leap second is
 * read as every dialect reads one (`instantOf`).
 */
export function parseTimestamp(value: string, name: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i.exec(
      value.trim(),
    );
  if (!m || (m[8] === undefined && Number(m[11]) > 59))
    throw new StorageError(
      'InvalidArgument',
      `${name} must be an ISO 8601 date-time such as 2030-01-01T00:00:00.000Z.`,
    );
  const n = m.map(Number);
  const t = instantOf({
    year: n[1]!,
    month: n[2]!,
    day: n[3]!,
    hour: n[4]!,
    minute: n[5]!,
    second: n[6] || 0,
    fraction: m[7],
    offset: m[8] !== undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n[10]! * 60 + n[11]!),
  });
  if (t === undefined)
    throw new StorageError(
      'InvalidArgument',
      `${name} names a date or time that does not exist: '${value}'.`,
    );
  return t;
}
