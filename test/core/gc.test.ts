// Core: garbage collection frees exactly the unreachable blocks, after the metadata commits.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { insertBlocks } from '../../src/core/block-rows.ts';
import { copyFile } from '../../src/core/copy.ts';
import { deleteFile } from '../../src/core/delete.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { collectGarbage } from '../../src/core/gc.ts';
import { newBlockId } from '../../src/core/ids.ts';
import { ingest } from '../../src/core/ingest.ts';
import { createSnapshot, deleteSnapshot } from '../../src/core/snapshots.ts';
import { count, forEachStore, newProject, put, read, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';
import { storedBlocks } from '../helpers/stores.ts';

async function blockFiles(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const a of await readdir(dir).catch(() => []))
    for (const b of await readdir(join(dir, a))) for (const f of await readdir(join(dir, a, b))) out.add(f);
  return out;
}

const gc = (deps: CoreDeps) => collectGarbage(deps, { graceSeconds: 0 });

forEachStore(
  'core gc',
  (get) => {
    test('a deleted file is collected; a copy keeps its blocks alive after the source goes', async () => {
      const { deps } = get();
      await gc(deps);
      const p = await newProject(deps);
      const data = bytes(5000, 1);
      await put(deps, p, 'a', data);
      await copyFile(deps, root, { source: { project: p, path: 'a' }, target: { project: p, path: 'b' } });
      await put(deps, p, 'c', bytes(3000, 2));
      const stored = await storedBlocks(deps);
      await deleteFile(deps, root, { project: p, path: 'a' });
      await deleteFile(deps, root, { project: p, path: 'c' });
      const report = await gc(deps);
      assert.equal(report.blocksDeleted, 3);
      assert.equal(report.bytesFreed, 3000);
      assert.deepEqual(await read(deps, p, 'b'), data);
      assert.equal((await storedBlocks(deps)).size, stored.size - 3);
      await deleteFile(deps, root, { project: p, path: 'b' });
      assert.equal((await gc(deps)).bytesFreed, 5000);
      assert.equal(await count(deps, 'blocks'), 0);
      assert.equal((await storedBlocks(deps)).size, 0);
    });

    test('a snapshot keeps blocks until it is deleted', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'a', bytes(2000, 3));
      const snap = await createSnapshot(deps, root, { project: p });
      await deleteFile(deps, root, { project: p, path: 'a' });
      assert.equal((await gc(deps)).blocksDeleted, 0);
      assert.deepEqual(await read(deps, p, 'a', { snapshot: snap.id }), bytes(2000, 3));
      await deleteSnapshot(deps, root, { project: p, id: snap.id });
      assert.equal((await gc(deps)).bytesFreed, 2000);
    });

    test('an orphan block file (a crash before its metadata) is swept; the grace period protects young ones', async () => {
      const { deps, blocksDir } = get();
      const id = newBlockId();
      await mkdir(join(blocksDir, id.slice(-4, -2), id.slice(-2)), { recursive: true });
      await writeFile(join(blocksDir, id.slice(-4, -2), id.slice(-2), id), bytes(10));
      assert.equal((await collectGarbage(deps, { graceSeconds: 3600 })).orphanFilesDeleted, 0);
      assert.equal((await gc(deps)).orphanFilesDeleted, 1);
      assert.equal((await blockFiles(blocksDir)).has(id), false);
    });

    test('a live upload lease keeps its registered blocks', async () => {
      const { deps } = get();
      const stored = await ingest(
        {
          meta: deps.meta,
          blocks: deps.blocks,
          blockSize: 1024,
          gcGraceSeconds: 3600,
          buffers: deps.buffers,
        },
        body(bytes(3000)),
      );
      const now = Date.now();
      await deps.meta.tx(async (tx) => {
        await tx.run('INSERT INTO leases (id, expires_at) VALUES (?, ?)', ['lease-live', now + 60_000]);
        await insertBlocks(tx, stored.blocks, { leaseId: 'lease-live', now: now - 10_000 });
      });
      assert.equal((await gc(deps)).blocksDeleted, 0);
      await deps.meta.tx((tx) =>
        tx.run('UPDATE leases SET expires_at = ? WHERE id = ?', [now - 1, 'lease-live']),
      );
      assert.equal((await gc(deps)).blocksDeleted, 3);
    });
  },
  { limits: { blockSize: 1024 } },
);
