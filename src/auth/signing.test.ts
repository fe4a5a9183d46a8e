// HTTP dates as signed requests carry them, the clock window, and the signature comparison.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SKEW_MS, parseHttpDate, sameSignature, toAmzDate, withinSkew } from './signing.ts';

test('RFC 7231 dates, with GMT or +0000; anything else is NaN', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Tue, 27 Mar 2007 19:36:42 +0000'), Date.UTC(2007, 2, 27, 19, 36, 42));
  for (const bad of [
    '',
    '20130524T000000Z',
    'Sunday, 06-Nov-94 08:49:37 GMT',
    'Sun Nov  6 08:49:37 1994',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 +0100',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Xyz, 06 Nov 1994 08:49:37 GMT',
    '1994',
  ])
    assert.ok(Number.isNaN(parseHttpDate(bad)), bad);
  assert.equal(toAmzDate(Date.UTC(2013, 4, 24)), '20130524T000000Z');
});

test('the clock window is 15 minutes either way', () => {
  const now = Date.UTC(2030, 0, 1);
  assert.ok(withinSkew(now, now - MAX_SKEW_MS));
  assert.ok(withinSkew(now, now + MAX_SKEW_MS));
  assert.ok(!withinSkew(now, now + MAX_SKEW_MS + 1000));
  assert.ok(!withinSkew(now, Number.NaN));
});

test('signatures compare equal only when identical', () => {
  assert.ok(sameSignature('abc=', 'abc='));
  assert.ok(!sameSignature('abc=', 'abd='));
  assert.ok(!sameSignature('abc', 'abc='));
});
