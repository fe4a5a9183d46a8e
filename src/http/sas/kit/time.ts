// Timestamps as the SAS services write them: ISO 8601 in UTC with milliseconds (`2022-03-31T20:00:03.609Z`).
import { StorageError } from '../../../core/errors.ts';
import { instantOf, isoFields } from '../../common/date-time.ts';

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A client's ISO 8601 date-time (`expirationTimeStamp`): a date and a time, seconds optional, any fraction, and `Z`
 * or an offset (`isoFields`). InvalidArgument for anything else or a date that does not exist; a leap second is read
 * as every dialect reads one (`instantOf`).
 */
export function parseTimestamp(value: string, name: string): number {
  const fields = isoFields(value.trim());
  if (fields === undefined)
    throw new StorageError(
      'InvalidArgument',
      `${name} must be an ISO 8601 date-time such as 2030-01-01T00:00:00.000Z.`,
    );
  const t = instantOf(fields);
  if (t === undefined)
    throw new StorageError(
      'InvalidArgument',
      `${name} names a date or time that does not exist: '${value}'.`,
    );
  return t;
}
