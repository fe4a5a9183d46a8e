// Whether the fields of a client's date-time name a moment that exists: Date.parse rolls 2030-02-30 over to March
// and accepts hour 24, so a dialect that parses an ISO 8601 or RFC 3339 time checks its fields here.

/** True when year-month-day is a date of the calendar and hour:minute:second a time of a day (no leap second). */
export function dateTimeExists(fields: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): boolean {
  const { year, month, day, hour, minute, second } = fields;
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}
