// Core: scrub, a job that reads every block back and reports bit rot with what references it, on sqlite and postgres.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockStore } from '../../src/blocks/block-store.ts';
import { copyFile } from '../../src/core/copy.ts';
import { deleteFile } from '../../src/core/delete.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { getJob, JobRunner } from '../../src/core/jobs.ts';
import type { Principal } from '../../src/core/model.ts';
import { type ScrubProgress, scrubNow, startScrub } from '../../src/core/scrub.ts';
import type { BadBlock } from '../../src/core/scrub-check.ts';
import { startTreeCopy } from '../../src/core/tree-copy.ts';
import { count, forEachStore, newProject, put, rejectsWith, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';
import { overwriteBlock, type TestCore } from '../helpers/stores.ts';

const blocksOf = async (deps: CoreDeps, manifestId: string) =>
  (
    await deps.meta.tx((tx) =>
      tx.all<{ block_id: string }>(
        'SELECT block_id FROM extents WHERE manifest_id = ? ORDER BY file_offset',
        [manifestId],
      ),
    )
  ).map((r) => r.block_id);

/** Flips one bit of a stored block (a file, or a small block's row) and returns a way to put it back. */
async function flip(core: TestCore, id: string, at: number): Promise<() => Promise<void>> {
  const stored = await core.deps.blocks.read({ id });
  const original = Buffer.from(stored);
  stored[at]! ^= 0x10;
  await overwriteBlock(core, id, stored);
  return () => overwriteBlock(core, id, original);
}

const report = (progress: Record<string, unknown>) => progress as unknown as ScrubProgress;
const byId = (bad: BadBlock[]) => new Map(bad.map((b) => [b.id, b]));

forEachStore('core scrub', (get) => {
  test('a clean store: every block is read and none is bad', async () => {
    const { deps } = get();
    const p = await newProject(deps, { versioning: 'enabled' });
    await put(deps, p, 'small', bytes(1000, 1));
    await put(deps, p, 'large', bytes(100_000, 2));
    await put(deps, p, 'large', bytes(200_000, 3));
    const job = await scrubNow(deps, root);
    assert.equal(job.kind, 'scrub');
    assert.equal(job.state, 'succeeded');
    const r = report(job.progress);
    assert.equal(r.badBlocks, 0);
    assert.deepEqual(r.bad, []);
    assert.equal(r.blocksChecked, await count(deps, 'blocks'));
    assert.equal(r.blocksSkipped, 0);
    assert.ok(r.bytesChecked >= 301_000);
  });

  test('a flipped byte in a block file and in a small block row are reported with their files and versions', async () => {
    const core = get();
    const { deps } = core;
    const p = await newProject(deps, { versioning: 'enabled' });
    const large = await put(deps, p, 'dir/large', bytes(100_000, 4));
    await copyFile(deps, root, {
      source: { project: p, path: 'dir/large' },
      target: { project: p, path: 'copy' },
    });
    const copy = await getCurrent(deps, p, 'copy');
    const small1 = await put(deps, p, 'small', bytes(500, 5));
    const small2 = await put(deps, p, 'small', bytes(600, 6));
    const u = await newProject(deps);
    await put(deps, u, 'gone', bytes(700, 7));
    const goneBlock = (await blocksOf(deps, (await currentManifest(deps, u, 'gone'))!))[0]!;
    await deleteFile(deps, root, { project: u, path: 'gone' });

    const largeBlock = (await blocksOf(deps, large.streams['']!.manifestId))[0]!;
    const smallBlock = (await blocksOf(deps, small1.streams['']!.manifestId))[0]!;
    const restore = [
      await flip(core, largeBlock, 50_000),
      await flip(core, smallBlock, 3),
      await flip(core, goneBlock, 100),
    ];
    const inRows = await deps.meta.tx((tx) =>
      tx.all<{ id: string }>('SELECT id FROM block_data WHERE id IN (?, ?)', [smallBlock, largeBlock]),
    );
    assert.deepEqual(
      inRows.map((r) => r.id),
      [smallBlock],
      'the small block is a row, the large one a file',
    );

    const job = await scrubNow(deps, root);
    assert.equal(job.state, 'succeeded');
    const r = report(job.progress);
    assert.equal(r.badBlocks, 3);
    const bad = byId(r.bad);
    assert.deepEqual([...bad.keys()].sort(), [largeBlock, smallBlock, goneBlock].sort());
    const l = bad.get(largeBlock)!;
    assert.equal(l.storedIn, 'blocks');
    assert.equal(l.reason, 'corrupted');
    assert.equal(l.size, 100_000);
    assert.deepEqual(l.references, [
      { project: p, path: 'copy', versionId: copy, stream: '' },
      { project: p, path: 'dir/large', versionId: large.versionId, stream: '' },
    ]);
    const s = bad.get(smallBlock)!;
    assert.equal(s.storedIn, 'metadata');
    assert.equal(s.reason, 'corrupted');
    assert.deepEqual(s.references, [{ project: p, path: 'small', versionId: small1.versionId, stream: '' }]);
    assert.notEqual(small2.versionId, small1.versionId);
    const g = bad.get(goneBlock)!;
    assert.deepEqual([g.references, g.uploads], [[], []], 'a block no version references is still reported');

    for (const undo of restore) await undo();
    const again = report((await scrubNow(deps, root)).progress);
    assert.equal(again.badBlocks, 0);
  });

  test('a bad block that only a tree copy references is reported with the copy', async () => {
    const core = get();
    const { deps } = core;
    const p = await newProject(deps);
    const v = await put(deps, p, 'tree/a', bytes(100_000, 9));
    await startTreeCopy(deps, root, {
      source: { project: p, path: 'tree' },
      target: { project: p, path: 'twin' },
    });
    while (await new JobRunner(deps).runOnce()) {}
    await deleteFile(deps, root, { project: p, path: 'tree/a' });
    const id = (await blocksOf(deps, v.streams['']!.manifestId))[0]!;
    const restore = await flip(core, id, 70_000);
    const r = report((await scrubNow(deps, root)).progress);
    await restore();
    assert.equal(r.blocksSkipped, 0);
    assert.deepEqual(
      r.bad.map((b) => [b.id, b.reason, b.references]),
      [[id, 'corrupted', [{ project: p, path: 'twin/a', versionId: 'null', stream: '' }]]],
    );
  });

  test('a block whose bytes authenticate but whose CRC-64/NVME differs from the recorded one is reported', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const v = await put(deps, p, 'crc', bytes(2000, 8));
    const id = (await blocksOf(deps, v.streams['']!.manifestId))[0]!;
    const before = await deps.meta.tx((tx) =>
      tx.get<{ crc64: string }>('SELECT crc64 FROM blocks WHERE id = ?', [id]),
    );
    await deps.meta.tx((tx) => tx.run("UPDATE blocks SET crc64 = '12345' WHERE id = ?", [id]));
    const r = report((await scrubNow(deps, root)).progress);
    assert.deepEqual(
      r.bad.map((b) => [b.id, b.reason, b.message]),
      [[id, 'crc64', `Block ${id} failed its CRC-64/NVME check.`]],
    );
    await deps.meta.tx((tx) => tx.run('UPDATE blocks SET crc64 = ? WHERE id = ?', [before!.crc64, id]));
  });

  test('a scrub whose lease is lost mid-pass resumes from its progress on another runner and finishes', async () => {
    const core = get();
    const { deps } = core;
    const p = await newProject(deps);
    for (let i = 0; i < 9; i++) await put(deps, p, `f${i}`, bytes(300 + i, 20 + i));
    const total = await count(deps, 'blocks');
    const job = await startScrub(deps, root, { pageSize: 2 });
    // The fault: on its fifth read, the first runner's lease goes, as if it had stalled past its expiry.
    let reads = 0;
    const stalling: BlockStore = wrap(deps.blocks, async () => {
      if (++reads === 5)
        await deps.meta.tx((tx) =>
          tx.run("UPDATE jobs SET lease_owner = 'elsewhere', lease_expires_at = 0 WHERE id = ?", [job.id]),
        );
    });
    assert.equal(await new JobRunner({ ...deps, blocks: stalling }).runOnce(), true);
    const stopped = await getJob(deps, root, job.id);
    assert.equal(stopped.state, 'running');
    assert.equal(report(stopped.progress).blocksChecked, 4, 'two pages were saved before the lease went');

    let resumedReads = 0;
    const counting = wrap(deps.blocks, async () => {
      resumedReads++;
    });
    const second = new JobRunner({ ...deps, blocks: counting });
    while (await second.runOnce()) {}
    const done = await getJob(deps, root, job.id);
    assert.equal(done.state, 'succeeded');
    assert.equal(report(done.progress).blocksChecked, total);
    assert.equal(report(done.progress).badBlocks, 0);
    assert.equal(resumedReads, total - 4, 'the second runner read only what was not saved as checked');
  });

  test('one pass at a time, and only root or an administrator starts one', async () => {
    const { deps } = get();
    const first = await startScrub(deps, root);
    const again = await startScrub(deps, root);
    assert.equal(again.id, first.id);
    const user: Principal = { id: 'u-nobody', name: 'nobody', isRoot: false, isAdmin: false };
    await rejectsWith(startScrub(deps, user), 'AccessDenied');
    const runner = new JobRunner(deps);
    while (await runner.runOnce()) {}
    assert.equal((await getJob(deps, root, first.id)).state, 'succeeded');
    assert.notEqual((await startScrub(deps, root)).id, first.id);
    while (await runner.runOnce()) {}
  });
});

function wrap(inner: BlockStore, beforeRead: () => Promise<void>): BlockStore {
  return {
    kind: inner.kind,
    put: (o) => inner.put(o),
    read: async (o) => {
      await beforeRead();
      return inner.read(o);
    },
    delete: (o) => inner.delete(o),
    list: (o) => inner.list(o),
    close: () => inner.close(),
  };
}

async function currentRow(deps: CoreDeps, project: string, path: string) {
  return deps.meta.tx((tx) =>
    tx.get<{ version_id: string; manifest_id: string }>(
      `SELECT v.version_id, COALESCE(v.manifest_id, s.manifest_id) AS manifest_id FROM files f
         JOIN projects p ON p.id = f.project_id JOIN versions v ON v.id = f.current_version_id
         LEFT JOIN streams s ON s.version_id = v.id AND s.name = ''
       WHERE p.name = ? AND f.path = ?`,
      [project, path],
    ),
  );
}
const getCurrent = async (deps: CoreDeps, project: string, path: string) =>
  (await currentRow(deps, project, path))!.version_id;
const currentManifest = async (deps: CoreDeps, project: string, path: string) =>
  (await currentRow(deps, project, path))?.manifest_id;
