import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertWellFormed, clip, splice, truncate } from './extents.ts';
import type { Extent } from './model.ts';

const e = (fileOffset: number, length: number, blockId: string, blockOffset = 0): Extent => ({
  fileOffset,
  length,
  blockId,
  blockOffset,
});
const list = [e(0, 10, 'a'), e(10, 10, 'b'), e(25, 5, 'c')];

test('clip splits only the boundary extents and keeps block offsets right', () => {
  assert.deepEqual(clip(list, 5, 27), [e(5, 5, 'a', 5), e(10, 10, 'b'), e(25, 2, 'c')]);
  assert.deepEqual(clip(list, 20, 25), []);
  assert.deepEqual(clip(list, 12, 14), [e(12, 2, 'b', 2)]);
});

test('splice replaces a range and leaves holes where nothing is inserted', () => {
  const out = splice(list, 8, 4, [e(8, 4, 'x')]);
  assert.deepEqual(out, [e(0, 8, 'a'), e(8, 4, 'x'), e(12, 8, 'b', 2), e(25, 5, 'c')]);
  assertWellFormed(out, 30);
  assert.deepEqual(splice(list, 0, 30, []), []);
});

test('truncate cuts at a size; assertWellFormed refuses overlaps', () => {
  assert.deepEqual(truncate(list, 15), [e(0, 10, 'a'), e(10, 5, 'b')]);
  assert.throws(() => assertWellFormed([e(0, 10, 'a'), e(5, 10, 'b')], 20));
  assert.throws(() => assertWellFormed([e(0, 10, 'a')], 5));
});
