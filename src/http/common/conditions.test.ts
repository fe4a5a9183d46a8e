import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConditions } from '../../core/conditions.ts';
import { isStorageError } from '../../core/errors.ts';
import { resolveRange } from '../../core/ranges.ts';
import { parseConditions, parseEtagList, parseRange } from './conditions.ts';

test('ranges: first-last, open-ended and suffix, resolved against the size', () => {
  assert.deepEqual(resolveRange(parseRange('bytes=0-0'), 10), { start: 0, end: 1 });
  assert.deepEqual(resolveRange(parseRange('bytes=5-'), 10), { start: 5, end: 10 });
  assert.deepEqual(resolveRange(parseRange('bytes=-3'), 10), { start: 7, end: 10 });
  assert.deepEqual(resolveRange(parseRange('bytes=-30'), 10), { start: 0, end: 10 });
  assert.deepEqual(resolveRange(parseRange('bytes=8-100'), 10), { start: 8, end: 10 });
  assert.equal(parseRange(undefined), undefined);
});

test('ranges: a header to ignore (RFC 9110) reads the whole; a first byte past any file is unsatisfiable', () => {
  for (const h of [
    'bytes=5-2',
    'items=0-1',
    'bytes=0-1,3-4',
    'bytes=-',
    'bytes=a-b',
    'bytes=abc',
    'bytes 0-1',
  ]) {
    assert.equal(parseRange(h), undefined, h);
  }
  assert.deepEqual(resolveRange(parseRange('bytes=0-99999999999999999999'), 10), { start: 0, end: 10 });
  assert.throws(
    () => resolveRange(parseRange('bytes=99999999999999999999-'), 10),
    (err) => isStorageError(err, 'InvalidRange'),
  );
  assert.throws(
    () => resolveRange(parseRange('bytes=10-'), 10),
    (err) => isStorageError(err, 'InvalidRange') && err.details['size'] === 10,
  );
  assert.throws(
    () => resolveRange(parseRange('bytes=-0'), 10),
    (err) => isStorageError(err, 'InvalidRange'),
  );
  assert.throws(
    () => resolveRange(parseRange('bytes=0-'), 0),
    (err) => isStorageError(err, 'InvalidRange'),
  );
});

test('etag lists keep quotes and weak tags', () => {
  assert.deepEqual(parseEtagList('"a", W/"b" , *'), ['"a"', 'W/"b"', '*']);
});

const subject = { etag: 'abc', modifiedAt: Date.parse('2026-01-01T00:00:00Z') };
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return isStorageError(err) ? err.code : 'other';
  }
};

test('RFC 9110 precedence on reads: If-Match before If-Unmodified-Since, If-None-Match before If-Modified-Since', () => {
  const read = (h: Record<string, string>) =>
    code(() => checkConditions(parseConditions(h), subject, { safe: true }));
  assert.equal(read({ 'if-match': '"abc"' }), 'ok');
  assert.equal(read({ 'if-match': '"zzz"' }), 'PreconditionFailed');
  assert.equal(read({ 'if-match': '"abc"', 'if-unmodified-since': 'Wed, 01 Dec 2025 00:00:00 GMT' }), 'ok');
  assert.equal(read({ 'if-unmodified-since': 'Mon, 01 Dec 2025 00:00:00 GMT' }), 'PreconditionFailed');
  assert.equal(read({ 'if-none-match': '"abc"' }), 'NotModified');
  assert.equal(
    read({ 'if-none-match': '"zzz"', 'if-modified-since': 'Fri, 02 Jan 2026 00:00:00 GMT' }),
    'ok',
  );
  assert.equal(read({ 'if-modified-since': 'Fri, 02 Jan 2026 00:00:00 GMT' }), 'NotModified');
  assert.equal(read({ 'if-modified-since': 'not a date' }), 'ok');
});

test('copy-source precedence follows S3: every failure is 412', () => {
  const src = (h: Record<string, string>) =>
    code(() => checkConditions(parseConditions(h), subject, { safe: true, copySource: true }));
  // If-Match true plus If-Unmodified-Since false copies.
  assert.equal(src({ 'if-match': '"abc"', 'if-unmodified-since': 'Mon, 01 Dec 2025 00:00:00 GMT' }), 'ok');
  // If-None-Match false plus If-Modified-Since true gives 412.
  assert.equal(
    src({ 'if-none-match': '"abc"', 'if-modified-since': 'Mon, 01 Dec 2025 00:00:00 GMT' }),
    'PreconditionFailed',
  );
  assert.equal(src({ 'if-modified-since': 'Fri, 02 Jan 2026 00:00:00 GMT' }), 'PreconditionFailed');
});

test('writes: If-None-Match * fails when something exists and passes when nothing does', () => {
  const c = parseConditions({ 'if-none-match': '*' });
  assert.equal(
    code(() => checkConditions(c, subject, { safe: false })),
    'PreconditionFailed',
  );
  assert.equal(
    code(() => checkConditions(c, undefined, { safe: false })),
    'ok',
  );
  // If-Match on a write names a version to replace: with nothing there, that is NoSuchKey (S3's answer).
  assert.equal(
    code(() => checkConditions(parseConditions({ 'if-match': '*' }), undefined, { safe: false })),
    'NoSuchKey',
  );
  assert.equal(
    code(() => checkConditions(parseConditions({ 'if-match': '"a"' }), undefined, { safe: true })),
    'PreconditionFailed',
  );
});
