import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyToPath } from './secure-path.ts';

test('a key maps below the root, fanned out by its last characters', () => {
  assert.equal(keyToPath('/data/blocks', 'abcdef0123'), join('/data/blocks', '01', '23', 'abcdef0123'));
});

test('dangerous keys are refused', () => {
  for (const key of [
    '',
    '..',
    '.',
    '../etc/passwd',
    'a/../../b',
    '/etc/passwd',
    'a\0b',
    'a\\b',
    'x'.repeat(256),
  ]) {
    assert.throws(() => keyToPath('/data/blocks', key), `key ${JSON.stringify(key)}`);
  }
});
