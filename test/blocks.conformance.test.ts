// One BlockStore conformance suite, run against every implementation.
import assert from 'node:assert/strict';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { BlockMissingError, type BlockStore } from '../src/blocks/block-store.ts';
import { FsBlockStore } from '../src/blocks/fs.ts';
import { MemoryBlockStore } from '../src/blocks/memory.ts';
import { newBlockId } from '../src/core/ids.ts';
import { SmallBlockStore } from '../src/core/small-blocks.ts';
import { bytes } from './helpers/data.ts';
import { META_KINDS, tempDir } from './helpers/stores.ts';

const kinds: {
  name: string;
  open: () => Promise<{ store: BlockStore; close: () => Promise<void>; dir?: string }>;
}[] = [
  {
    name: 'fs',
    open: async () => {
      const dir = await tempDir('mimeo-bs');
      const store = new FsBlockStore({ root: dir.path });
      await store.init();
      return { store, dir: dir.path, close: dir.remove };
    },
  },
  { name: 'memory', open: async () => ({ store: new MemoryBlockStore(), close: async () => {} }) },
  // Blocks under 64 bytes are rows in the metadata store, the rest go to memory: each test crosses the threshold.
  ...META_KINDS.filter((k) => !k.skip).map((k) => ({
    name: `small blocks on ${k.name}`,
    open: async () => {
      const { meta, close } = await k.open();
      return { store: new SmallBlockStore({ meta, large: new MemoryBlockStore(), below: 64 }), close };
    },
  })),
];

for (const kind of kinds) {
  describe(`BlockStore conformance: ${kind.name}`, () => {
    let store: BlockStore;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await kind.open());
    });
    after(async () => close());

    test('put then read returns the same bytes, whole and by range', async () => {
      const id = newBlockId();
      const data = bytes(100_000, 3);
      await store.put({ id, data });
      assert.deepEqual(await store.read({ id }), data);
      assert.deepEqual(await store.read({ id, offset: 99_990, length: 10 }), data.subarray(99_990));
      assert.deepEqual(await store.read({ id, offset: 0, length: 0 }), Buffer.alloc(0));
    });

    test("the buffer is the caller's again once the store says it copied it, or once put settles", async () => {
      for (const size of [40, 100_000]) {
        const id = newBlockId();
        const data = bytes(size, 7);
        const buffer = Buffer.from(data);
        let copies = 0;
        const put = store.put({
          id,
          data: buffer,
          copied: () => {
            copies++;
            // The caller reuses its buffer while the block is still being made durable.
            buffer.fill(0);
          },
        });
        await put;
        buffer.fill(0xee);
        assert.ok(copies <= 1, `copied is called at most once, not ${copies} times`);
        // The file store copies into the page cache before it syncs: it says so.
        if (kind.name === 'fs') assert.equal(copies, 1);
        assert.deepEqual(await store.read({ id }), data);
      }
    });

    test('a missing block and a read past the end throw BlockMissingError', async () => {
      await assert.rejects(store.read({ id: newBlockId() }), BlockMissingError);
      const id = newBlockId();
      await store.put({ id, data: bytes(10) });
      await assert.rejects(store.read({ id, offset: 5, length: 10 }), BlockMissingError);
    });

    test('delete removes a block, and deleting twice is fine', async () => {
      for (const size of [10, 1000]) {
        const id = newBlockId();
        await store.put({ id, data: bytes(size) });
        await store.delete({ id });
        await store.delete({ id });
        await assert.rejects(store.read({ id }), BlockMissingError);
      }
    });

    test('a small block reads back whole and by range', async () => {
      const id = newBlockId();
      const data = bytes(40, 5);
      await store.put({ id, data });
      assert.deepEqual(await store.read({ id }), data);
      assert.deepEqual(await store.read({ id, offset: 30, length: 10 }), data.subarray(30));
      await assert.rejects(store.read({ id, offset: 35, length: 10 }), BlockMissingError);
    });

    test('list yields every stored id with a write time', async () => {
      const ids = [newBlockId(), newBlockId(), newBlockId()];
      for (const [i, id] of ids.entries()) await store.put({ id, data: bytes(5 + i * 100) });
      const listed = new Map<string, number>();
      for await (const b of store.list()) listed.set(b.id, b.mtimeMs);
      for (const id of ids) assert.ok((listed.get(id) ?? 0) > Date.now() - 60_000, id);
    });

    test('ids that are not 32 hex characters are refused before any I/O', async () => {
      for (const id of ['../x', 'ABC', '', 'a'.repeat(33)]) {
        await assert.rejects(store.put({ id, data: bytes(1) }), /invalid block id/);
        await assert.rejects(store.read({ id }), /invalid block id/);
      }
    });
  });
}

test('fs: blocks land as whole files, and no temp file is left behind', async () => {
  const { store, dir, close } = await kinds[0]!.open();
  const id = newBlockId();
  const data = bytes(4096, 9);
  await store.put({ id, data });
  assert.deepEqual(await readFile(`${dir}/blocks/${id.slice(-4, -2)}/${id.slice(-2)}/${id}`), data);
  assert.deepEqual(await readdir(`${dir}/tmp`), []);
  await close();
});

test('fs: opening the store removes old temp files a crash left, and keeps a fresh one another process is writing', async () => {
  const dir = await tempDir('mimeo-bs');
  await new FsBlockStore({ root: dir.path }).init();
  await writeFile(`${dir.path}/tmp/left-by-a-crash`, 'x');
  const old = new Date(Date.now() - 3600_000);
  await utimes(`${dir.path}/tmp/left-by-a-crash`, old, old);
  await writeFile(`${dir.path}/tmp/being-written`, 'y');
  await new FsBlockStore({ root: dir.path }).init();
  assert.deepEqual(await readdir(`${dir.path}/tmp`), ['being-written']);
  await dir.remove();
});
