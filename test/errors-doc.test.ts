// The error catalogue, the native table and docs/errors.md stay in step.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../src/core/errors.ts';
import { renderErrorsDoc } from '../src/http/errors-doc.ts';
import { NATIVE_STATUS } from '../src/http/native/errors.ts';
import { S3_ERRORS } from '../src/http/s3/errors.ts';

test('every core error code has a native status, and no status is for an unknown code', () => {
  assert.deepEqual(Object.keys(NATIVE_STATUS).sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, status] of Object.entries(NATIVE_STATUS)) assert.ok(status >= 300 && status < 600, code);
});

test('every core error code has an S3 code and status', () => {
  assert.deepEqual(Object.keys(S3_ERRORS).sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, e] of Object.entries(S3_ERRORS))
    assert.ok(/^[A-Z][A-Za-z0-9.]+$/.test(e.code) && e.status >= 300 && e.status < 600, code);
});

test('docs/errors.md is up to date (regenerate with npm run docs:errors)', () => {
  assert.equal(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8'), renderErrorsDoc());
});
