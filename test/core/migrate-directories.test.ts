// Migration 9 on data written before directories existed: every file gets a number and a place, and the folders
// its path implies become directories, on sqlite and postgres.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listDirectory } from '../../src/core/dir-list.ts';
import { getEntry } from '../../src/core/entries.ts';
import { fillDirectories } from '../../src/meta/migrate-directories.ts';
import { forEachStore, newProject, put, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

forEachStore('migration 9: directories for existing files', (get) => {
  test('files written before the migration get numbers, places and their directories', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const q = await newProject(deps);
    for (const path of ['top.txt', 'a/b/c.txt', 'a/b/d.txt', 'a/e/', 'x/y/z/deep.bin'])
      await put(deps, p, path, bytes(3));
    await put(deps, q, 'other/f', bytes(1));
    const ids = await deps.meta.tx((tx) =>
      tx.all<{ id: string }>("SELECT id FROM files WHERE type = 'file'"),
    );
    // The rows as they were before migration 9: no directory, no number, no place.
    await deps.meta.tx(async (tx) => {
      await tx.run("DELETE FROM files WHERE type = 'directory'");
      await tx.run("UPDATE files SET number = NULL, parent = '', name = ''");
      await tx.run('UPDATE projects SET number = NULL');
    });
    await deps.meta.tx((tx) => fillDirectories(tx));
    const names = async (path: string) =>
      (await listDirectory(deps, root, { project: p, path })).entries.map((e) => `${e.type[0]}:${e.name}`);
    assert.deepEqual(await names(''), ['d:a', 'f:top.txt', 'd:x']);
    assert.deepEqual(await names('a'), ['d:b', 'd:e']);
    assert.deepEqual(await names('a/b'), ['f:c.txt', 'f:d.txt']);
    assert.deepEqual(await names('a/e'), []);
    assert.deepEqual(await names('x/y/z'), ['f:deep.bin']);
    assert.deepEqual(
      (await listDirectory(deps, root, { project: q, path: 'other' })).entries.map((e) => e.name),
      ['f'],
    );
    const numbers = new Set<string>();
    for (const { id } of ids) {
      const e = await getEntry(deps, root, id);
      assert.equal((await getEntry(deps, root, e.ids.decimal)).id, id);
      numbers.add(e.ids.decimal);
    }
    assert.equal(numbers.size, ids.length);
    for (const name of [p, q]) {
      const row = await deps.meta.tx((tx) =>
        tx.get<{ id: string; number: number }>('SELECT id, number FROM projects WHERE name = ?', [name]),
      );
      assert.ok(Number(row?.number) >= 1000);
      assert.equal((await getEntry(deps, root, String(row?.number))).id, row?.id);
      assert.ok(!numbers.has(String(row?.number)));
    }
    const dirs = await deps.meta.tx((tx) =>
      tx.get<{ n: number; owners: number }>(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT owner_id) AS owners FROM files WHERE type = 'directory' AND number IS NOT NULL",
      ),
    );
    // a, a/b, a/e, x, x/y, x/y/z in one project and other in the second.
    assert.equal(Number(dirs?.n), 7);
    assert.equal(Number(dirs?.owners), 1);
    // New writes after the migration find the directories it made.
    await put(deps, p, 'a/b/new.txt', bytes(2));
    assert.deepEqual(await names('a/b'), ['f:c.txt', 'f:d.txt', 'f:new.txt']);
  });
});
