// The error catalogue, every dialect's table and docs/errors.md stay in step.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../src/core/errors.ts';
import { DIALECTS } from '../src/http/dialects.ts';
import { renderErrorsDoc } from '../src/http/errors-doc.ts';

for (const d of DIALECTS) {
  test(`${d.name}: every core error code has a code and status, and no entry is for an unknown code`, () => {
    assert.deepEqual(Object.keys(d.errors).sort(), Object.keys(ERROR_CODES).sort());
    for (const [code, e] of Object.entries(d.errors))
      assert.ok(/^[A-Za-z0-9][A-Za-z0-9._]*$/.test(e.code) && e.status >= 300 && e.status < 600, code);
  });
}

test('docs/errors.md is up to date (regenerate with npm run docs:errors)', () => {
  assert.equal(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8'), renderErrorsDoc());
});
