// Secrets a user types or pastes on a command line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newKeySecret } from './ids.ts';

test("an access key's secret is 40 base64url characters and never starts with '-'", () => {
  // One in 64 would, drawn plainly: 5,000 draws meet it with near certainty.
  for (let i = 0; i < 5_000; i++) {
    const s = newKeySecret();
    assert.match(s, /^[A-Za-z0-9_][A-Za-z0-9_-]{39}$/, s);
  }
});
