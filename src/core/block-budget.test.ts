import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockBudget } from './block-budget.ts';
import { blockBuffers } from './buffer-pool.ts';
import { isStorageError } from './errors.ts';

const MiB = 1024 * 1024;
const budget = (buffers: number, waitMs = 1000) =>
  new BlockBudget({ capacity: buffers * MiB, waitMs: { upload: waitMs, download: waitMs } });
const up = { direction: 'upload' } as const;

test('a lease keeps one buffer while open; closing gives it back', async () => {
  const b = budget(4);
  const lease = await b.lease(MiB, up);
  assert.deepEqual(b.stats(), {
    capacity: 4 * MiB,
    inUse: MiB,
    peak: MiB,
    transfers: 1,
    waiting: 0,
    refused: 0,
  });
  const buf = lease.tryTake(MiB)!;
  assert.equal(buf.length, MiB);
  assert.equal(b.stats().inUse, MiB, 'the first buffer is the one the lease keeps');
  blockBuffers.give(buf);
  lease.close();
  lease.close();
  assert.equal(b.stats().inUse, 0);
  assert.equal(b.stats().transfers, 0);
});

test('transfers wait in line in order, and get in as room comes back', async () => {
  const b = budget(2);
  const first = await b.lease(MiB, up);
  const second = await b.lease(MiB, up);
  const order: string[] = [];
  const third = b.lease(MiB, up).then((l) => {
    order.push('third');
    return l;
  });
  const fourth = b.lease(MiB, up).then((l) => {
    order.push('fourth');
    return l;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(b.stats().waiting, 2);
  second.close();
  (await third).close();
  first.close();
  (await fourth).close();
  assert.deepEqual(order, ['third', 'fourth']);
  assert.equal(b.stats().inUse, 0);
});

test('a transfer that waits too long is refused with SlowDown; one whose client leaves stops waiting', async () => {
  const b = budget(1, 50);
  const held = await b.lease(MiB, up);
  const t0 = Date.now();
  await assert.rejects(b.lease(MiB, up), (err) => isStorageError(err, 'SlowDown'));
  assert.ok(Date.now() - t0 >= 45);
  assert.equal(b.stats().refused, 1);
  const ac = new AbortController();
  const gone = b.lease(MiB, { ...up, signal: ac.signal });
  ac.abort(new Error('client went away'));
  await assert.rejects(gone, /client went away/);
  assert.deepEqual([b.stats().waiting, b.stats().refused, b.stats().inUse], [0, 1, MiB]);
  held.close();
  assert.equal(b.stats().inUse, 0);
});

test('a download waits longer than an upload before it is refused', async () => {
  const b = new BlockBudget({ capacity: MiB, waitMs: { upload: 30, download: 2000 } });
  const held = await b.lease(MiB, up);
  const download = b.lease(MiB, { direction: 'download' });
  await assert.rejects(b.lease(MiB, up), (err) => isStorageError(err, 'SlowDown'));
  await new Promise((r) => setTimeout(r, 100));
  held.close();
  (await download).close();
  assert.deepEqual([b.stats().refused, b.stats().inUse], [1, 0]);
});

test('a lease grows while there is room and nobody waits, and what it gives back goes to those in line', async () => {
  const b = budget(3);
  const lease = await b.lease(MiB, up);
  const bufs = [lease.tryTake(MiB)!, lease.tryTake(MiB)!, lease.tryTake(MiB)!];
  assert.equal(b.stats().inUse, 3 * MiB);
  assert.ok(lease.tryTake(MiB) === undefined, 'the budget is full');
  const second = b.lease(MiB, up);
  blockBuffers.give(bufs[0]!);
  const third = b.lease(MiB, up);
  blockBuffers.give(bufs[1]!);
  const others = [await second, await third];
  assert.equal(b.stats().inUse, 3 * MiB);
  // The lease keeps the buffer it started with, whoever waits.
  const fourth = b.lease(MiB, up);
  blockBuffers.give(bufs[2]!);
  assert.equal(b.stats().waiting, 1);
  const again = lease.tryTake(MiB);
  assert.ok(again !== undefined);
  assert.ok(lease.tryTake(MiB) === undefined, 'no growing past a transfer in line');
  blockBuffers.give(again);
  lease.close();
  (await fourth).close();
  for (const o of others) o.close();
  assert.equal(b.stats().inUse, 0);
});

test('a lease that cannot grow waits for one of its own buffers to come back', async () => {
  const b = budget(2);
  const lease = await b.lease(MiB, up);
  const other = await b.lease(MiB, up);
  const mine = lease.tryTake(MiB)!;
  let got: Buffer | undefined;
  const waiting = lease.take(MiB).then((buf) => {
    got = buf;
  });
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(got === undefined);
  blockBuffers.give(mine);
  await waiting;
  assert.ok(got);
  blockBuffers.give(got);
  lease.close();
  other.close();
  assert.equal(b.stats().inUse, 0);
});

test('buffers still out when a lease closes count until they are given back or forgotten', async () => {
  const b = budget(4);
  const lease = await b.lease(MiB, up);
  const a = lease.tryTake(MiB)!;
  const c = lease.tryTake(MiB)!;
  lease.close();
  assert.equal(b.stats().inUse, 2 * MiB);
  assert.equal(b.stats().transfers, 0);
  blockBuffers.give(a);
  blockBuffers.forget(c.subarray(10, 20));
  blockBuffers.give(c);
  assert.equal(b.stats().inUse, 0, 'a buffer settles once, by a view of it too');
});

test('a buffer larger than the whole budget is lent when nothing else holds any', async () => {
  const b = budget(2);
  const lease = await b.lease(3 * MiB, up);
  assert.equal(b.stats().inUse, 3 * MiB);
  lease.close();
  const small = await b.lease(MiB, up);
  const big = b.lease(3 * MiB, up);
  small.close();
  (await big).close();
  assert.equal(b.stats().inUse, 0);
});
