// The block buffer budget in the core: every path of an upload and a download gives back the buffers it took,
// failures included (a disk that fails a write, a body that breaks off, a read left halfway), and an upload that
// finds no room is refused before its body is read.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryBlockStore } from '../../src/blocks/memory.ts';
import { BlockBudget } from '../../src/core/block-budget.ts';
import { blockBuffers } from '../../src/core/buffer-pool.ts';
import { ingest, ingestDepsOf } from '../../src/core/ingest.ts';
import { openRead } from '../../src/core/read.ts';
import { newProject, put, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes, collect } from '../helpers/data.ts';
import { META_KINDS, openTestCore, type TestCore } from '../helpers/stores.ts';

const BLOCK = 512 * 1024;
const BUFFER = BLOCK + 16;

/** Memory blocks, with a disk that fails the write of the `failAt`-th block when set. */
class FailingStore extends MemoryBlockStore {
  puts = 0;
  failAt = 0;
  override async put(options: Parameters<MemoryBlockStore['put']>[0]): Promise<void> {
    if (++this.puts === this.failAt) {
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('EIO: the disk failed the write');
    }
    return super.put(options);
  }
}

const store = new FailingStore();
/** Room for more blocks than are written at once (four), so that a block can queue behind them. */
const SLOTS = 6;
const buffers = new BlockBudget({ capacity: SLOTS * BUFFER, waitMs: { upload: 200, download: 200 } });
let core: TestCore;
before(async () => {
  core = await openTestCore(META_KINDS[0]!, { blockSize: BLOCK }, { blocks: store, buffers });
});
after(async () => core.close());

const idle = () => {
  const s = buffers.stats();
  assert.deepEqual(
    { inUse: s.inUse, transfers: s.transfers, waiting: s.waiting },
    {
      inUse: 0,
      transfers: 0,
      waiting: 0,
    },
  );
};

test('a block write that fails mid-upload gives back every buffer, those in flight and those queued', async () => {
  for (const failAt of [1, 2, 5]) {
    store.puts = 0;
    store.failAt = failAt;
    const data = bytes(8 * BLOCK + 1000, failAt);
    await assert.rejects(
      ingest(ingestDepsOf(core.deps), body(data, 100_000), { expectedSize: data.length }),
      /EIO/,
    );
    idle();
  }
  store.failAt = 0;
});

test('a body that breaks off mid-block gives back the block being filled', async () => {
  async function* breaking() {
    yield bytes(BLOCK + 300_000, 3);
    throw new Error('aborted');
  }
  for (const expectedSize of [2 * BLOCK, undefined]) {
    await assert.rejects(ingest(ingestDepsOf(core.deps), breaking(), { expectedSize }), /aborted/);
    idle();
  }
});

test('an upload that finds no room is refused with SlowDown before its body is read; a small one is not', async () => {
  const held = await Promise.all(
    Array.from({ length: SLOTS }, () => buffers.lease(BUFFER, { direction: 'upload' })),
  );
  let read = false;
  async function* watched() {
    read = true;
    yield bytes(BLOCK, 1);
  }
  await rejectsWith(ingest(ingestDepsOf(core.deps), watched(), { expectedSize: BLOCK }), 'SlowDown');
  assert.equal(read, false, 'no byte of the body was read');
  // Under 256 KiB no block buffer is needed, so nothing waits.
  const small = await ingest(ingestDepsOf(core.deps), body(bytes(200_000, 2)), { expectedSize: 200_000 });
  assert.equal(small.size, 200_000);
  for (const l of held) l.close();
  idle();
});

test('an upload runs with fewer buffers in flight when the budget is tight, and stores the right bytes', async () => {
  const project = await newProject(core.deps);
  const held = await Promise.all(
    Array.from({ length: SLOTS - 1 }, () => buffers.lease(BUFFER, { direction: 'upload' })),
  );
  const data = bytes(6 * BLOCK + 77, 9);
  await put(core.deps, project, 'tight', data);
  assert.ok(buffers.stats().peak <= SLOTS * BUFFER);
  for (const l of held) l.close();
  idle();
  const r = await openRead(core.deps, root, { project, path: 'tight' });
  assert.ok((await collect(r.body)).equals(data));
  idle();
});

test('a read left halfway, or ended by its client, gives back its buffers and the one read ahead', async () => {
  const project = await newProject(core.deps);
  const data = bytes(5 * BLOCK, 4);
  await put(core.deps, project, 'r', data);
  const r = await openRead(core.deps, root, { project, path: 'r' });
  const it = r.body[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.done, false);
  blockBuffers.give(first.value);
  await it.return?.(undefined);
  idle();
  // A client gone while the read waits for room: the wait ends, nothing is held.
  const held = await Promise.all(
    Array.from({ length: SLOTS }, () => buffers.lease(BUFFER, { direction: 'upload' })),
  );
  const ac = new AbortController();
  const waiting = openRead(core.deps, root, { project, path: 'r', signal: ac.signal });
  const next = (await waiting).body[Symbol.asyncIterator]().next();
  ac.abort(new Error('client went away'));
  await assert.rejects(next, /client went away/);
  for (const l of held) l.close();
  idle();
});
