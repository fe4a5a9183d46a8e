// Core: a revision (a file's attributes as a new version of the same content), alone and in a move's transaction,
// where a refused move leaves the attributes as they were.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getEntryByPath } from '../../src/core/entries.ts';
import { moveEntry } from '../../src/core/move.ts';
import { stat } from '../../src/core/read.ts';
import { reviseFile } from '../../src/core/revise.ts';
import { count, forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

forEachStore('core revisions', (get) => {
  test('a revision is a new version of the same content, no block written, its creation kept', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const data = bytes(20_000, 3);
    const first = await put(deps, p, 'f', data);
    const blocks = await count(deps, 'blocks');
    const v = await reviseFile(deps, root, {
      project: p,
      path: 'f',
      contentType: 'text/x-new',
      userMetadata: { a: '1' },
      properties: { k: 'v' },
      expiresAt: Date.now() + 3_600_000,
      conditions: { ifVersion: [first.rowId], fileId: first.fileId },
    });
    assert.notEqual(v.rowId, first.rowId);
    assert.equal(v.fileId, first.fileId);
    assert.equal(v.contentType, 'text/x-new');
    assert.deepEqual(v.userMetadata, { a: '1' });
    assert.deepEqual(v.properties, { k: 'v' });
    assert.equal(v.createdAt, first.createdAt);
    assert.deepEqual(await read(deps, p, 'f'), data);
    assert.equal(await count(deps, 'blocks'), blocks);
    // Absent fields stay; user metadata merges, properties are replaced.
    const next = await reviseFile(deps, root, {
      project: p,
      path: 'f',
      userMetadata: { b: '2' },
      properties: { j: 'w' },
    });
    assert.equal(next.contentType, 'text/x-new');
    assert.equal(next.expiresAt, v.expiresAt);
    assert.deepEqual(next.userMetadata, { a: '1', b: '2' });
    assert.deepEqual(next.properties, { j: 'w' });
    await rejectsWith(
      reviseFile(deps, root, { project: p, path: 'f', conditions: { ifVersion: [first.rowId] } }),
      'PreconditionFailed',
    );
    await rejectsWith(reviseFile(deps, root, { project: p, path: 'none', userMetadata: {} }), 'NoSuchKey');
  });

  test('a move with a revision: a taken target refuses both, a free one takes both in one version', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'taken', bytes(10, 1));
    const before = await put(deps, p, 'src', bytes(10, 2));
    const versions = await count(deps, 'versions');
    const move = (to: string, ifVersion = [before.rowId]) =>
      moveEntry(
        deps,
        root,
        { source: { project: p, path: 'src' }, target: { project: p, path: to } },
        { revision: { userMetadata: { d: 'changed' }, conditions: { ifVersion, fileId: before.fileId } } },
      );
    await rejectsWith(move('taken'), 'Conflict');
    // Its preconditions come before the move's refusal.
    await rejectsWith(move('taken', ['stale']), 'PreconditionFailed');
    const still = await stat(deps, root, { project: p, path: 'src' });
    assert.equal(still.rowId, before.rowId);
    assert.deepEqual(still.userMetadata, {});
    assert.equal(await count(deps, 'versions'), versions);
    const moved = await move('free');
    assert.equal(moved.path, 'free');
    const after = await stat(deps, root, { project: p, path: 'free' });
    assert.notEqual(after.rowId, before.rowId);
    assert.deepEqual(after.userMetadata, { d: 'changed' });
    assert.equal((await getEntryByPath(deps, root, { project: p, path: 'free' })).id, moved.id);
  });
});
