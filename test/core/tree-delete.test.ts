// Core: deleting a directory tree as a job, on sqlite and postgres.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory } from '../../src/core/dir-list.ts';
import { makeDirectory } from '../../src/core/dirs.ts';
import { getJob, JobRunner } from '../../src/core/jobs.ts';
import { listObjectKeys } from '../../src/core/list.ts';
import { listVersions } from '../../src/core/list-versions.ts';
import { startTreeDelete } from '../../src/core/tree-delete.ts';
import { forEachStore, newProject, put, rejectsWith, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

async function keys(deps: CoreDeps, project: string): Promise<string[]> {
  return (await listObjectKeys(deps, root, { project, prefix: '' })).entries.map((e) => e.path);
}

async function runAll(deps: CoreDeps): Promise<void> {
  const runner = new JobRunner(deps);
  while (await runner.runOnce()) {}
}

forEachStore(
  'core tree delete',
  (get) => {
    test('a tree delete removes every file and directory below, in batches, and nothing beside it', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const inside = Array.from({ length: 23 }, (_, i) => `t/${i % 2 ? 'a/' : 'b/c/'}f${i}`);
      for (const f of [...inside, 't/', 'tx', 't-sibling/k', 'keep/t/x']) await put(deps, p, f, bytes(3));
      await makeDirectory(deps, root, { project: p, path: 't/empty/deeper', parents: true });
      const job = await startTreeDelete(deps, root, { project: p, path: 't' });
      assert.equal(job.kind, 'tree-delete');
      await runAll(deps);
      const done = await getJob(deps, root, job.id);
      assert.equal(done.state, 'succeeded');
      assert.equal(done.progress['filesDeleted'], inside.length + 1);
      assert.equal(done.progress['directoriesDeleted'], 6);
      assert.deepEqual(await keys(deps, p), ['keep/t/x', 't-sibling/k', 'tx']);
      const top = (await listDirectory(deps, root, { project: p, path: '' })).entries.map((e) => e.name);
      assert.deepEqual(top, ['keep', 't-sibling', 'tx']);
      await rejectsWith(listDirectory(deps, root, { project: p, path: 't' }), 'NoSuchDirectory');
    });

    test('under versioning each file gets a delete marker, and its versions stay', async () => {
      const { deps } = get();
      const p = await newProject(deps, { versioning: 'enabled' });
      await put(deps, p, 'v/one', bytes(2, 1));
      await put(deps, p, 'v/sub/two', bytes(2, 2));
      // More than two batches of files that stay (with their markers) below the scan's cursor.
      for (let i = 0; i < 12; i++) await put(deps, p, `w/f${String(i).padStart(2, '0')}`, bytes(1, i));
      const many = await startTreeDelete(deps, root, { project: p, path: 'w' });
      await startTreeDelete(deps, root, { project: p, path: 'v/' });
      await runAll(deps);
      assert.equal((await getJob(deps, root, many.id)).progress['filesDeleted'], 12);
      assert.deepEqual(await keys(deps, p), []);
      const versions = await listVersions(deps, root, { project: p, prefix: 'v/' });
      assert.equal((await listVersions(deps, root, { project: p, prefix: 'w/' })).versions.length, 24);
      assert.deepEqual(
        versions.versions.map((v) => `${v.path}:${v.deleteMarker ? 'marker' : 'data'}`),
        ['v/one:marker', 'v/one:data', 'v/sub/two:marker', 'v/sub/two:data'],
      );
      await rejectsWith(listDirectory(deps, root, { project: p, path: 'v' }), 'NoSuchDirectory');
    });

    test('bad input: a missing directory, a file, the root', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'file', bytes(1));
      await rejectsWith(startTreeDelete(deps, root, { project: p, path: 'nope' }), 'NoSuchDirectory');
      await rejectsWith(startTreeDelete(deps, root, { project: p, path: 'file' }), 'NotADirectory');
      await rejectsWith(startTreeDelete(deps, root, { project: p, path: '' }), 'InvalidPath');
      await rejectsWith(startTreeDelete(deps, root, { project: p, path: 'a/../b' }), 'InvalidPath');
    });
  },
  { limits: { treeBatchSize: 5 } },
);
