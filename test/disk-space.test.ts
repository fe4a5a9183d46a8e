// The stores and the disk reserve on a file system that runs out of room (a 16 MiB tmpfs): each store raises its
// own typed error and leaves nothing half-written; the reserve is made only with room to spare, and given back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BlockStoreFullError } from '../src/blocks/block-store.ts';
import { FsBlockStore } from '../src/blocks/fs.ts';
import { DiskReserve } from '../src/blocks/reserve.ts';
import { MetaStoreFullError } from '../src/meta/meta-store.ts';
import { SqliteMetaStore } from '../src/meta/sqlite.ts';
import { tempDir } from './helpers/stores.ts';
import { mountTmpfs } from './helpers/tmpfs.ts';

const MiB = 1024 * 1024;
const fs = await mountTmpfs('16m');
after(async () => {
  if ('path' in fs) await fs.unmount();
});
const skip = 'skip' in fs ? fs.skip : false;

/** A directory of its own on the tmpfs, removed after `fn`. */
async function onTmpfs(name: string, fn: (dir: string) => Promise<void>): Promise<void> {
  if (!('path' in fs)) return;
  const dir = join(fs.path, name);
  await mkdir(dir);
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('a full file system', { skip }, () => {
  test('FsBlockStore: a block with no room is BlockStoreFullError, and no temp file is left', () =>
    onTmpfs('blocks', async (dir) => {
      const store = new FsBlockStore({ root: dir });
      await store.init();
      const id = randomBytes(16).toString('hex');
      await assert.rejects(store.put({ id, data: randomBytes(20 * MiB) }), BlockStoreFullError);
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
      const listed: string[] = [];
      for await (const b of store.list()) listed.push(b.id);
      assert.deepEqual(listed, []);
      // The room the failed write took is back: a block that fits is stored.
      const small = randomBytes(16).toString('hex');
      await store.put({ id: small, data: randomBytes(4 * MiB) });
      assert.equal((await store.read({ id: small })).length, 4 * MiB);
    }));

  test('SqliteMetaStore: no room is MetaStoreFullError, and that transaction did not commit', () =>
    onTmpfs('meta', async (dir) => {
      const meta = new SqliteMetaStore({ path: join(dir, 'meta.sqlite') });
      try {
        await meta.tx((tx) => tx.run('CREATE TABLE t (n INTEGER, data BLOB)'));
        let committed = 0;
        let full: unknown;
        for (let n = 0; n < 200 && !full; n++) {
          try {
            await meta.tx((tx) => tx.run('INSERT INTO t VALUES (?, ?)', [n, randomBytes(MiB)]));
            committed++;
          } catch (err) {
            full = err;
          }
        }
        assert.ok(full instanceof MetaStoreFullError, `${full}`);
        const rows = await meta.tx((tx) => tx.get<{ c: number }>('SELECT count(*) AS c FROM t'), {
          readOnly: true,
        });
        assert.equal(rows?.c, committed);
      } finally {
        await meta.close();
      }
    }));

  test('DiskReserve: made with room for it twice over, given back when asked, made again once there is room', () =>
    onTmpfs('reserve', async (dir) => {
      if (!('path' in fs)) return;
      await mkdir(join(dir, 'tmp'));
      const reserve = new DiskReserve({ dir, bytes: 4 * MiB });
      assert.equal(await reserve.restore(), true);
      const file = await stat(join(dir, 'reserve'));
      assert.equal(file.size, 4 * MiB);
      assert.equal(file.mode & 0o777, 0o600);
      assert.equal(await reserve.held(), true);

      // Someone fills the rest of the disk: the reserve is still there to give.
      const filler = join(dir, 'filler');
      await writeFile(filler, Buffer.alloc((await fs.free()) - 2 * MiB));
      assert.equal(await reserve.release(), true);
      assert.equal(await reserve.held(), false);
      assert.ok((await fs.free()) >= 6 * MiB - 64 * 1024);
      // About 6 MiB free, less than twice the reserve: it is not made again, and nothing is left of a try.
      assert.equal(await reserve.restore(), false);
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
      await rm(filler);
      assert.equal(await reserve.restore(), true);
      assert.equal((await stat(join(dir, 'reserve'))).size, 4 * MiB);
    }));
});

test('SqliteMetaStore.compact gives the room of deleted rows back to the file system', async () => {
  const dir = await tempDir('mimeo-compact');
  const path = join(dir.path, 'meta.sqlite');
  const meta = new SqliteMetaStore({ path });
  try {
    await meta.tx((tx) => tx.run('CREATE TABLE t (n INTEGER, data BLOB)'));
    for (let n = 0; n < 16; n++)
      await meta.tx((tx) => tx.run('INSERT INTO t VALUES (?, ?)', [n, randomBytes(MiB)]));
    await meta.tx((tx) => tx.run('DELETE FROM t'));
    assert.ok((await meta.compact()) >= 15 * MiB);
    assert.equal(await meta.compact(), 0);
  } finally {
    await meta.close();
  }
  // Closing checkpoints the WAL, which cuts the file to the pages still in use.
  assert.ok((await stat(path)).size < MiB, `${(await stat(path)).size} bytes left`);
  await dir.remove();
});
