// The one reading of a client's date-time: the calendar, offsets, fractions and leap seconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpDate, instantOf, isoFields, rfc3339 } from './date-time.ts';

const iso = (text: string) => {
  const t = rfc3339(text);
  return t === undefined ? undefined : new Date(t).toISOString();
};

test('RFC 3339 date-times: T, t or a space, any fraction cut to the millisecond, Z or an offset', () => {
  assert.equal(iso('2021-03-04T05:06:07.123456789Z'), '2021-03-04T05:06:07.123Z');
  assert.equal(iso('2021-03-04t05:06:07.9999z'), '2021-03-04T05:06:07.999Z');
  assert.equal(iso('2021-03-04 05:06:07Z'), '2021-03-04T05:06:07.000Z');
  assert.equal(iso('2024-02-29T12:00:00.1+05:30'), '2024-02-29T06:30:00.100Z');
  assert.equal(iso('2024-02-01T00:00:00-23:59'), '2024-02-01T23:59:00.000Z');
  assert.equal(iso('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z');
});

test('a date, hour, minute, second or offset that does not exist names no time', () => {
  for (const text of [
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-02-01T24:00:00Z',
    '2024-02-01T00:60:00Z',
    '2024-02-01T00:00:61Z',
    '2024-02-01T00:00:00+24:00',
    '2024-02-01T00:00:00+23:60',
    '2024-02-01T00:00:00',
    '2024-02-01T00:00Z',
    'Sun, 06 Dec 2026 22:04:15 GMT',
  ])
    assert.equal(rfc3339(text), undefined, text);
});

test('a leap second is the last second of a UTC month, in any offset, kept as the millisecond before it', () => {
  assert.equal(iso('2016-12-31T23:59:60Z'), '2016-12-31T23:59:59.999Z');
  assert.equal(iso('2015-06-30T23:59:60.5Z'), '2015-06-30T23:59:59.999Z');
  assert.equal(iso('1990-12-31T15:59:60-08:00'), '1990-12-31T23:59:59.999Z');
  assert.equal(iso('2017-01-01T00:59:60+01:00'), '2016-12-31T23:59:59.999Z');
  // Never after the next second's start, never before a time earlier in its second.
  assert.ok(rfc3339('2016-12-31T23:59:60Z')! < rfc3339('2017-01-01T00:00:00Z')!);
  assert.ok(rfc3339('2016-12-31T23:59:60Z')! >= rfc3339('2016-12-31T23:59:59.998Z')!);
  for (const text of [
    '2016-12-30T23:59:60Z',
    '2016-12-31T23:58:60Z',
    '2016-12-31T22:59:60Z',
    '2016-12-31T23:59:60+01:00',
  ])
    assert.equal(rfc3339(text), undefined, text);
  // Fields without an offset are UTC's.
  assert.notEqual(instantOf({ year: 2016, month: 12, day: 31, hour: 23, minute: 59, second: 60 }), undefined);
  assert.equal(instantOf({ year: 2016, month: 12, day: 30, hour: 23, minute: 59, second: 60 }), undefined);
});

test('HTTP-dates in their three forms; a moment that does not exist is no date, never a neighbouring one', () => {
  const at = (text: string, now?: number) => {
    const t = httpDate(text, now);
    return t === undefined ? undefined : new Date(t).toISOString();
  };
  assert.equal(at('Sun, 06 Nov 1994 08:49:37 GMT'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2026, 0, 1)), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2080, 0, 1)), '2094-11-06T08:49:37.000Z');
  assert.equal(at('Sun Nov  6 08:49:37 1994'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('sun, 06 nov 1994 08:49:37 gmt'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Sun, 6 Nov 1994 08:49:37 GMT'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Sun, 06 Nov 1994 08:49:37 UTC'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Sun, 06 Nov 1994 08:49:37 +0000'), '1994-11-06T08:49:37.000Z');
  assert.equal(at('Thursday, 06-Nov-05 08:49:37 GMT', Date.UTC(2080, 0, 1)), '2105-11-06T08:49:37.000Z');
  assert.equal(at('Sat, 31 Dec 2016 23:59:60 GMT'), '2016-12-31T23:59:59.999Z');
  for (const text of [
    'Sat, 31 Dec 2016 23:59:61 GMT',
    'Fri, 30 Dec 2016 23:59:60 GMT',
    'Tue, 30 Feb 2016 10:00:00 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 +0100',
    'Sun, 06 Nov 1994 08:49:37 +0100',
    'Sun, 06 Nov 1994 08:49:37',
    '1994-11-06T08:49:37Z',
    'yesterday',
    '',
  ])
    assert.equal(httpDate(text), undefined, text);
});

test('ISO 8601 date-times as clients write them: seconds optional, an offset with or without colon or minutes', () => {
  const at = (text: string) => {
    const f = isoFields(text);
    const t = f && instantOf(f);
    return t === undefined ? undefined : new Date(t).toISOString();
  };
  assert.equal(at('2030-01-01T00:00Z'), '2030-01-01T00:00:00.000Z');
  assert.equal(at('2030-01-01T02:00:00.5+02:00'), '2030-01-01T00:00:00.500Z');
  assert.equal(at('2030-01-01T02:00:00+0200'), '2030-01-01T00:00:00.000Z');
  assert.equal(at('2030-01-01 02:00:00+02'), '2030-01-01T00:00:00.000Z');
  assert.equal(at('2016-12-31T15:59:60-0800'), '2016-12-31T23:59:59.999Z');
  for (const text of [
    '2030-01-01T00:00',
    '2030-01-01',
    '2030-01-01T00:00:00+02:60',
    '2030-01-01T00:00:00+2',
    'x',
  ])
    assert.equal(isoFields(text), undefined, text);
  assert.equal(at('2030-02-30T00:00Z'), undefined);
});
