import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { alignedShared } from '../blocks/aligned.ts';
import { copyInto } from './shared-copy.ts';

test('copyInto copies the whole source at the offset, into shared and plain memory, and nothing around it', () => {
  for (const target of [
    alignedShared(256 * 1024),
    Buffer.from(new SharedArrayBuffer(256 * 1024)),
    Buffer.alloc(256 * 1024),
    new Uint8Array(256 * 1024),
  ]) {
    target.fill(0xee);
    const cases = [
      { at: 0, source: randomBytes(65536) },
      { at: 65536 + 3, source: randomBytes(1) },
      { at: 100_000, source: new Uint8Array(randomBytes(4097)) },
      { at: 200_000, source: randomBytes(3).subarray(1, 2) },
      { at: 256 * 1024 - 16, source: randomBytes(16) },
    ];
    for (const { at, source } of cases) copyInto(target, source, at);
    const expected = Buffer.alloc(256 * 1024, 0xee);
    for (const { at, source } of cases) expected.set(source, at);
    assert.ok(expected.equals(target));
    copyInto(target, Buffer.alloc(0), 10);
    assert.ok(expected.equals(target), 'an empty source copies nothing');
    assert.throws(() => copyInto(target, randomBytes(17), 256 * 1024 - 16), RangeError);
  }
});
