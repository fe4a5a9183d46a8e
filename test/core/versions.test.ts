// Core: versioning, delete markers, snapshots and listing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFile } from '../../src/core/copy.ts';
import { deleteFile } from '../../src/core/delete.ts';
import { setFileModified } from '../../src/core/file-times.ts';
import { listFiles } from '../../src/core/list.ts';
import { deleteProject, setVersioning } from '../../src/core/projects.ts';
import { stat } from '../../src/core/read.ts';
import { createSnapshot, deleteSnapshot } from '../../src/core/snapshots.ts';
import { projectUsage } from '../../src/core/usage.ts';
import { count, forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

forEachStore('core versions and listing', (get) => {
  test('versioning off: an overwrite replaces and the old version is purged at once', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const versions = await count(deps, 'versions');
    const a = await put(deps, p, 'f', bytes(10, 1));
    await put(deps, p, 'f', bytes(10, 2));
    assert.equal(a.versionId, 'null');
    assert.equal(await count(deps, 'versions'), versions + 1);
    await rejectsWith(read(deps, p, 'f', { versionId: 'nope' }), 'NoSuchVersion');
    const del = await deleteFile(deps, root, { project: p, path: 'f' });
    assert.deepEqual(del, { versionId: null, deleteMarker: false });
    await rejectsWith(read(deps, p, 'f'), 'NoSuchKey');
    await rejectsWith(deleteFile(deps, root, { project: p, path: 'f' }), 'NoSuchKey');
    assert.equal(await count(deps, 'versions'), versions);
  });

  test('versioning enabled: delete markers, reading old versions, and removing a version restores the one before', async () => {
    const { deps } = get();
    const p = await newProject(deps, { versioning: 'enabled' });
    const v1 = await put(deps, p, 'f', bytes(10, 1));
    const v2 = await put(deps, p, 'f', bytes(10, 2));
    assert.notEqual(v1.versionId, v2.versionId);
    const marker = await deleteFile(deps, root, { project: p, path: 'f' });
    assert.equal(marker.deleteMarker, true);
    await rejectsWith(read(deps, p, 'f'), 'NoSuchKey');
    await rejectsWith(read(deps, p, 'f', { versionId: marker.versionId! }), 'MethodNotAllowedOnDeleteMarker');
    assert.deepEqual(await read(deps, p, 'f', { versionId: v1.versionId }), bytes(10, 1));
    // Removing the marker brings v2 back; removing v2 brings v1 back.
    await deleteFile(deps, root, { project: p, path: 'f', versionId: marker.versionId! });
    assert.deepEqual(await read(deps, p, 'f'), bytes(10, 2));
    await deleteFile(deps, root, { project: p, path: 'f', versionId: v2.versionId });
    assert.deepEqual(await read(deps, p, 'f'), bytes(10, 1));
    assert.equal((await stat(deps, root, { project: p, path: 'f' })).versionId, v1.versionId);
    await rejectsWith(
      deleteFile(deps, root, { project: p, path: 'f', versionId: v2.versionId }),
      'NoSuchVersion',
    );
  });

  test('suspended versioning writes "null" versions and keeps the earlier ones', async () => {
    const { deps } = get();
    const p = await newProject(deps, { versioning: 'enabled' });
    const v1 = await put(deps, p, 'f', bytes(10, 1));
    await setVersioning(deps, root, p, 'suspended');
    const n1 = await put(deps, p, 'f', bytes(10, 2));
    const n2 = await put(deps, p, 'f', bytes(10, 3));
    assert.deepEqual([n1.versionId, n2.versionId], ['null', 'null']);
    assert.deepEqual(await read(deps, p, 'f', { versionId: v1.versionId }), bytes(10, 1));
    assert.deepEqual(await read(deps, p, 'f', { versionId: 'null' }), bytes(10, 3));
    await assert.rejects(setVersioning(deps, root, p, 'off'));
  });

  test('a snapshot keeps what it saw: overwritten and deleted files read back, listing at the snapshot too', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'keep', bytes(10, 1));
    await put(deps, p, 'gone', bytes(10, 2));
    const snap = await createSnapshot(deps, root, { project: p, name: 'before' });
    await put(deps, p, 'keep', bytes(10, 3));
    await deleteFile(deps, root, { project: p, path: 'gone' });
    await put(deps, p, 'later', bytes(10, 4));
    assert.deepEqual(await read(deps, p, 'keep', { snapshot: snap.id }), bytes(10, 1));
    assert.deepEqual(await read(deps, p, 'gone', { snapshot: snap.id }), bytes(10, 2));
    await rejectsWith(read(deps, p, 'later', { snapshot: snap.id }), 'NoSuchKey');
    const listed = await listFiles(deps, root, { project: p, snapshot: snap.id });
    assert.deepEqual(
      listed.entries.map((e) => e.path),
      ['gone', 'keep'],
    );
    assert.deepEqual(
      (await listFiles(deps, root, { project: p })).entries.map((e) => e.path),
      ['keep', 'later'],
    );
    // Deleting the snapshot purges what only it kept.
    const before = await count(deps, 'versions');
    await deleteSnapshot(deps, root, { project: p, id: snap.id });
    assert.equal(await count(deps, 'versions'), before - 2);
    await rejectsWith(read(deps, p, 'gone', { snapshot: snap.id }), 'NoSuchSnapshot');
  });

  test('listing: prefix, delimiter, and pages that end on a common prefix', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const paths = ['a.txt', 'd1/x', 'd1/y', 'd2/z', 'e/f/g', 'e/h', 'z.txt'];
    for (const path of paths) await put(deps, p, path, bytes(1));
    const all = await listFiles(deps, root, { project: p });
    assert.deepEqual(
      all.entries.map((e) => e.path),
      paths,
    );
    const top = await listFiles(deps, root, { project: p, delimiter: '/' });
    assert.deepEqual(
      [top.entries.map((e) => e.path), top.prefixes],
      [
        ['a.txt', 'z.txt'],
        ['d1/', 'd2/', 'e/'],
      ],
    );
    const e = await listFiles(deps, root, { project: p, prefix: 'e/', delimiter: '/' });
    assert.deepEqual([e.entries.map((x) => x.path), e.prefixes], [['e/h'], ['e/f/']]);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listFiles(deps, root, { project: p, delimiter: '/', limit: 2, after });
      seen.push(...page.entries.map((x) => x.path), ...page.prefixes);
      if (!page.truncated) break;
      after = page.next!;
    }
    assert.deepEqual(seen.sort(), ['a.txt', 'd1/', 'd2/', 'e/', 'z.txt']);
    await rejectsWith(listFiles(deps, root, { project: p, limit: 0 }), 'InvalidArgument');
  });

  test('pagination is stable under concurrent writes: every key that exists throughout is listed exactly once', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const stable = Array.from({ length: 60 }, (_, i) => `k/${String(i * 2).padStart(4, '0')}`);
    for (const path of stable) await put(deps, p, path, bytes(1));
    const seen: string[] = [];
    let after: string | undefined;
    let i = 0;
    for (;;) {
      const page = await listFiles(deps, root, { project: p, prefix: 'k/', limit: 7, after });
      seen.push(...page.entries.map((x) => x.path));
      // Writes between pages: new keys on both sides of the cursor, and overwrites of listed ones.
      await put(deps, p, `k/${String(i * 2 + 1).padStart(4, '0')}`, bytes(1));
      await put(deps, p, `k/0000`, bytes(2));
      i += 5;
      if (!page.truncated) break;
      after = page.next!;
    }
    for (const path of stable) assert.equal(seen.filter((s) => s === path).length, 1, path);
    assert.deepEqual(seen, [...seen].sort());
  });

  test('usage reports logical, physical and shared bytes', async () => {
    const { deps } = get();
    const a = await newProject(deps);
    const b = await newProject(deps);
    await put(deps, a, 'one', bytes(5000, 1));
    await put(deps, a, 'two', bytes(3000, 2));
    await copyFile(deps, root, {
      source: { project: a, path: 'one' },
      target: { project: a, path: 'one-copy' },
    });
    await copyFile(deps, root, { source: { project: a, path: 'two' }, target: { project: b, path: 'two' } });
    const ua = await projectUsage(deps, root, a);
    assert.deepEqual([ua.files, ua.logicalBytes, ua.physicalBytes, ua.sharedBytes], [3, 13000, 8000, 8000]);
    const ub = await projectUsage(deps, root, b);
    assert.deepEqual([ub.logicalBytes, ub.physicalBytes, ub.sharedBytes], [3000, 3000, 3000]);
  });

  test('a project deletes only when empty', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(1));
    await rejectsWith(deleteProject(deps, root, p), 'ProjectNotEmpty');
    await deleteFile(deps, root, { project: p, path: 'f' });
    await deleteProject(deps, root, p);
    await rejectsWith(read(deps, p, 'f'), 'NoSuchProject');
  });
  test("a file's modification time set: a new version with the same bytes, ETag and size, seen by every read", async () => {
    const { deps } = get();
    const p = await newProject(deps, { versioning: 'enabled' });
    const data = bytes(9000, 5);
    const v1 = await put(deps, p, 'f', data);
    const at = Date.UTC(2020, 1, 3, 4, 5, 6, 7);
    const versions = await count(deps, 'versions');
    const blocks = await count(deps, 'blocks');
    const v2 = await setFileModified(deps, root, { project: p, path: 'f', modifiedAt: at });
    assert.notEqual(v2.versionId, v1.versionId);
    assert.equal(v2.modifiedAt, at);
    assert.deepEqual([v2.etag, v2.size, v2.checksums], [v1.etag, v1.size, v1.checksums]);
    assert.equal(await count(deps, 'versions'), versions + 1);
    assert.equal(await count(deps, 'blocks'), blocks, 'no byte was written');
    assert.equal((await stat(deps, root, { project: p, path: 'f' })).modifiedAt, at);
    assert.deepEqual(await read(deps, p, 'f'), data);
    // The version before keeps its own time.
    assert.equal(
      (await stat(deps, root, { project: p, path: 'f', versionId: v1.versionId })).modifiedAt,
      v1.modifiedAt,
    );
    // A stale condition, a missing file and a time before 1970 change nothing.
    await rejectsWith(
      setFileModified(deps, root, {
        project: p,
        path: 'f',
        modifiedAt: 1,
        conditions: { ifVersion: [v1.rowId] },
      }),
      'PreconditionFailed',
    );
    await rejectsWith(setFileModified(deps, root, { project: p, path: 'g', modifiedAt: 1 }), 'NoSuchKey');
    await rejectsWith(
      setFileModified(deps, root, { project: p, path: 'f', modifiedAt: -1 }),
      'InvalidArgument',
    );
    assert.equal((await stat(deps, root, { project: p, path: 'f' })).modifiedAt, at);
    // A write after it is a write's time again.
    const v3 = await put(deps, p, 'f', data);
    assert.ok(v3.modifiedAt > at);
  });
});
