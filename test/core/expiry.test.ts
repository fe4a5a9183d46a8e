// Core: a file whose current version has expired is gone for reads and listings at once, and the collection pass
// deletes it and frees its blocks. A copy expires when its request says, never because its source does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFile } from '../../src/core/copy.ts';
import { queryChildren } from '../../src/core/dir-query.ts';
import { getEntry, getEntryByPath } from '../../src/core/entries.ts';
import { collectGarbage } from '../../src/core/gc.ts';
import { putFile } from '../../src/core/write.ts';
import { count, forEachStore, newProject, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';
import { storedBlocks } from '../helpers/stores.ts';

let clock = Date.now();

forEachStore(
  'core expiry',
  (get) => {
    test('an expired file leaves reads and listings at once, and its blocks go with the next pass', async () => {
      const { deps } = get();
      await collectGarbage(deps, { graceSeconds: 0 });
      const p = await newProject(deps);
      const data = bytes(6000, 5);
      await putFile(deps, root, {
        project: p,
        path: 'd/old.log',
        body: body(data),
        expiresAt: clock + 60_000,
      });
      await putFile(deps, root, { project: p, path: 'd/keep.log', body: body(bytes(100, 6)) });
      const old = await getEntryByPath(deps, root, { project: p, path: 'd/old.log' });
      assert.equal(old.expiresAt, clock + 60_000);
      const names = async () =>
        (await queryChildren(deps, root, { project: p, path: 'd', offset: 0, limit: 10 })).entries.map(
          (e) => e.name,
        );
      assert.deepEqual(await names(), ['keep.log', 'old.log']);
      const before = (await storedBlocks(deps)).size;

      clock += 60_000;
      await rejectsWith(getEntryByPath(deps, root, { project: p, path: 'd/old.log' }), 'NoSuchKey');
      await rejectsWith(getEntry(deps, root, old.ids.uuid), 'NoSuchEntry');
      assert.deepEqual(await names(), ['keep.log']);
      assert.equal(
        (await queryChildren(deps, root, { project: p, path: 'd', offset: 0, limit: 10 })).total,
        1,
      );

      const report = await collectGarbage(deps, { graceSeconds: 0 });
      assert.equal(report.expiredFilesDeleted, 1);
      assert.equal(report.bytesFreed, 6000);
      assert.equal((await storedBlocks(deps)).size, before - 1);
      assert.deepEqual(await read(deps, p, 'd/keep.log'), bytes(100, 6));
      // A file written where an expired one was is a new file, with an id of its own.
      await putFile(deps, root, {
        project: p,
        path: 'd/gone',
        body: body(bytes(10, 9)),
        expiresAt: clock + 1,
      });
      const gone = await getEntryByPath(deps, root, { project: p, path: 'd/gone' });
      clock += 1;
      await putFile(deps, root, { project: p, path: 'd/gone', body: body(bytes(10, 9)), create: true });
      const anew = await getEntryByPath(deps, root, { project: p, path: 'd/gone' });
      assert.notEqual(anew.number, gone.number);
      await rejectsWith(getEntry(deps, root, gone.ids.uuid), 'NoSuchEntry');
      assert.equal((await collectGarbage(deps, { graceSeconds: 0 })).expiredFilesDeleted, 0);
    });

    test("a copy gets the expiry its request gives, not its source's; rewriting a file drops its expiry", async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await putFile(deps, root, {
        project: p,
        path: 'src',
        body: body(bytes(300, 7)),
        expiresAt: clock + 1000,
      });
      await copyFile(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'plain' },
      });
      await copyFile(
        deps,
        root,
        { source: { project: p, path: 'src' }, target: { project: p, path: 'timed' } },
        { expiresAt: clock + 5000 },
      );
      await putFile(deps, root, { project: p, path: 'src', body: body(bytes(10, 8)) });
      const at = (path: string) => getEntryByPath(deps, root, { project: p, path });
      assert.equal((await at('plain')).expiresAt, null);
      assert.equal((await at('timed')).expiresAt, clock + 5000);
      assert.equal((await at('src')).expiresAt, null);
      clock += 5000;
      await rejectsWith(at('timed'), 'NoSuchKey');
      assert.deepEqual(await read(deps, p, 'plain'), bytes(300, 7));
      assert.equal((await collectGarbage(deps, { graceSeconds: 0 })).expiredFilesDeleted, 1);
      assert.ok((await count(deps, 'files')) > 0);
    });
  },
  { extra: { now: () => clock } },
);
