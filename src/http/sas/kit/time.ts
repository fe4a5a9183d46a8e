// Timestamps as the SAS services write them: ISO 8601 in UTC with milliseconds (`2022-03-31T20:00:03.609Z`).
import { StorageError } from '../../../core/errors.ts';
import { dateTimeExists } from '../../common/date-time.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A client's ISO 8601 date-time (`expirationTimeStamp`): a date and a time with seconds, optional fraction, and `Z`
 * or an offset. InvalidArgument for anything else, a date that does not exist, or a year past 9999.
 */
export function parseTimestamp(value: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(
    value.trim(),
  );
  const ms = m ? Date.parse(value.trim()) : Number.NaN;
  if (!m || Number.isNaN(ms))
    throw new StorageError(
      'InvalidArgument',
      `${name} must be an ISO 8601 date-time such as 2030-01-01T00:00:00.000Z.`,
    );
  const [, year, month, day, hour, minute, second] = m.map(Number);
  if (
    !dateTimeExists({
      year: year!,
      month: month!,
      day: day!,
      hour: hour!,
      minute: minute!,
      second: second || 0,
    })
  )
    throw new StorageError(
      'InvalidArgument',
      `${name} names a date or time that does not exist: '${value}'.`,
    );
  return ms;
}
