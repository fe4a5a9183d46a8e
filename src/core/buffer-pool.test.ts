import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from './buffer-pool.ts';

test('a buffer given back is lent again; a view of it gives it back; foreign memory and second gives are ignored', () => {
  let made = 0;
  const pool = new BufferPool((n) => {
    made++;
    return Buffer.alloc(n);
  }, 2);
  const a = pool.take(16);
  const b = pool.take(16);
  assert.notEqual(a, b);
  pool.give(a.subarray(4, 8));
  assert.equal(pool.take(16), a, 'a view gives back its whole buffer');
  pool.give(Buffer.alloc(16));
  pool.give(b);
  pool.give(b);
  assert.equal(pool.take(16), b);
  assert.notEqual(pool.take(16), b, 'a buffer given twice is lent once');
  assert.equal(pool.take(32).length, 32, 'sizes are pooled apart');
  assert.equal(made, 4);
});

test('no more than perSize free buffers of a size are kept', () => {
  const pool = new BufferPool((n) => Buffer.alloc(n), 1);
  const a = pool.take(8);
  const b = pool.take(8);
  pool.give(a);
  pool.give(b);
  assert.equal(pool.take(8), a);
  const c = pool.take(8);
  assert.notEqual(c, b, 'the second buffer was not kept');
});

test('the first take of a burst runs one full collection, and so does going idle after it', async (t) => {
  let collections = 0;
  const saved = globalThis.gc;
  globalThis.gc = (() => {
    collections++;
  }) as typeof globalThis.gc;
  t.after(() => {
    globalThis.gc = saved;
  });
  t.mock.timers.enable({ apis: ['setInterval'] });
  const pool = new BufferPool((n) => Buffer.alloc(n), 4);
  const a = pool.take(8);
  assert.equal(collections, 1, 'the burst starts with a collection');
  const b = pool.take(8);
  pool.give(a);
  pool.give(b);
  pool.take(8);
  assert.equal(collections, 1, 'once per burst, not once per buffer');
  t.mock.timers.tick(2000);
  assert.equal(collections, 1, 'a buffer taken in the last interval keeps the pool in use');
  t.mock.timers.tick(2000);
  assert.equal(collections, 2, 'going idle drops the free buffers with a collection');
  pool.take(8);
  assert.equal(collections, 3, 'the next burst starts with one');
});
