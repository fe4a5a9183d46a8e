// Core: directories, listing by cursor and at a snapshot, moves and renames, and ids of every shape.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { createUser } from '../../src/auth/users.ts';
import { deleteFile } from '../../src/core/delete.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory, listRoot } from '../../src/core/dir-list.ts';
import { makeDirectory, removeDirectory } from '../../src/core/dirs.ts';
import { getEntry, getEntryByPath } from '../../src/core/entries.ts';
import { listObjectKeys } from '../../src/core/list.ts';
import type { Principal } from '../../src/core/model.ts';
import { moveEntry } from '../../src/core/move.ts';
import { deleteProject, setMember } from '../../src/core/projects.ts';
import { stat } from '../../src/core/read.ts';
import { createSnapshot } from '../../src/core/snapshots.ts';
import { setLabels } from '../../src/core/write.ts';
import { forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';

async function names(deps: CoreDeps, project: string, path: string, limit = 1000, snapshot?: string) {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listDirectory(deps, root, { project, path, after, limit, snapshot });
    out.push(...page.entries.map((e) => `${e.type === 'directory' ? 'd' : 'f'}:${e.name}`));
    if (!page.next) return out;
    after = page.next;
  }
}

async function keys(deps: CoreDeps, project: string): Promise<string[]> {
  const page = await listObjectKeys(deps, root, { project, prefix: '' });
  return page.entries.map((e) => e.path);
}

forEachStore('core directories', (get) => {
  test('mkdir makes one directory; its parent must exist unless -p; a second mkdir is a Conflict', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const { entry: a } = await makeDirectory(deps, root, { project: p, path: 'a', mode: 0o700 });
    assert.equal(a.type, 'directory');
    assert.equal(a.path, 'a');
    assert.equal(a.mode, 0o700);
    assert.equal(a.ownerId, root.id);
    await rejectsWith(makeDirectory(deps, root, { project: p, path: 'a' }), 'Conflict');
    await rejectsWith(makeDirectory(deps, root, { project: p, path: 'x/y' }), 'NoSuchDirectory');
    const { entry: deep } = await makeDirectory(deps, root, { project: p, path: 'x/y/z', parents: true });
    assert.equal(deep.path, 'x/y/z');
    const { entry: again, created } = await makeDirectory(deps, root, {
      project: p,
      path: 'x/y/z/',
      parents: true,
    });
    assert.equal(again.id, deep.id);
    assert.equal(created, false);
    assert.deepEqual(await names(deps, p, ''), ['d:a', 'd:x']);
    assert.deepEqual(await names(deps, p, 'x'), ['d:y']);
    for (const bad of ['a/../b', './a', 'a//b', '/a'])
      await rejectsWith(makeDirectory(deps, root, { project: p, path: bad, parents: true }), 'InvalidPath');
    // S3 sees no directory.
    assert.deepEqual(await keys(deps, p), []);
  });

  test('a write makes its missing ancestors; S3 listings still show files only', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'a/b/c.txt', bytes(5));
    await put(deps, p, 'a/b', bytes(3));
    await put(deps, p, 'logs/', Buffer.alloc(0));
    assert.deepEqual(await names(deps, p, ''), ['d:a', 'd:logs']);
    // A file and a directory of the same name, as S3 allows: the directory first.
    assert.deepEqual(await names(deps, p, 'a'), ['d:b', 'f:b']);
    assert.deepEqual(await names(deps, p, 'a/b'), ['f:c.txt']);
    // The folder marker makes its directory and is not listed in it.
    assert.deepEqual(await names(deps, p, 'logs'), []);
    assert.deepEqual(await keys(deps, p), ['a/b', 'a/b/c.txt', 'logs/']);
    await rejectsWith(listDirectory(deps, root, { project: p, path: 'a/b/c.txt' }), 'NotADirectory');
    await rejectsWith(listDirectory(deps, root, { project: p, path: 'nope' }), 'NoSuchDirectory');
  });

  test('rmdir removes an empty directory only; a project whose only entries are directories can be deleted', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'd/f', bytes(1));
    await rejectsWith(removeDirectory(deps, root, { project: p, path: 'd' }), 'DirectoryNotEmpty');
    await deleteFile(deps, root, { project: p, path: 'd/f' });
    await removeDirectory(deps, root, { project: p, path: 'd' });
    await rejectsWith(removeDirectory(deps, root, { project: p, path: 'd' }), 'NoSuchDirectory');
    assert.deepEqual(await names(deps, p, ''), []);
    // A write brings the directory back.
    await put(deps, p, 'd/g', bytes(2));
    assert.deepEqual(await names(deps, p, 'd'), ['f:g']);
    // S3 deletes a bucket it sees empty: directories go with it.
    await rejectsWith(deleteProject(deps, root, p), 'ProjectNotEmpty');
    await deleteFile(deps, root, { project: p, path: 'd/g' });
    await makeDirectory(deps, root, { project: p, path: 'x/y/z', parents: true });
    await deleteProject(deps, root, p);
    const left = await deps.meta.tx((tx) =>
      tx.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM files f WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = f.project_id)',
      ),
    );
    assert.equal(Number(left?.n), 0);
  });

  test('listing pages by cursor; entries made or removed meanwhile move no other entry across pages', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const all = Array.from({ length: 45 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    for (const n of all) await put(deps, p, `big/${n}`, bytes(1, all.indexOf(n)));
    await makeDirectory(deps, root, { project: p, path: 'big/m-dir' });
    const seen: string[] = [];
    let after: string | undefined;
    let round = 0;
    for (;;) {
      const page = await listDirectory(deps, root, { project: p, path: 'big', after, limit: 7 });
      seen.push(...page.entries.map((e) => e.name));
      // Between pages: a new file sorts before the cursor, one after, and one not yet seen goes.
      await put(deps, p, `big/a-new-${round}`, bytes(1));
      await put(deps, p, `big/z-new-${round}`, bytes(1));
      round++;
      if (!page.next) break;
      after = page.next;
    }
    for (const n of [...all, 'm-dir']) assert.equal(seen.filter((s) => s === n).length, 1, n);
    assert.ok(seen.includes('z-new-0'));
    assert.ok(!seen.some((s) => s.startsWith('a-new')));
    assert.deepEqual([...seen].sort(), seen.slice().sort());
    await rejectsWith(
      listDirectory(deps, root, { project: p, path: 'big', after: 'not a cursor' }),
      'InvalidArgument',
    );
    await rejectsWith(listDirectory(deps, root, { project: p, path: 'big', limit: 0 }), 'InvalidArgument');
  });

  test('listing at a snapshot shows the files and directories it saw', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 's/keep', bytes(4, 1));
    await put(deps, p, 's/gone', bytes(4, 2));
    await makeDirectory(deps, root, { project: p, path: 's/old' });
    const snap = await createSnapshot(deps, root, { project: p });
    await deleteFile(deps, root, { project: p, path: 's/gone' });
    await put(deps, p, 's/keep', bytes(9, 3));
    await put(deps, p, 's/later', bytes(4, 4));
    await makeDirectory(deps, root, { project: p, path: 's/new' });
    assert.deepEqual(await names(deps, p, 's', 2, snap.id), ['f:gone', 'f:keep', 'd:old'].sort(byName));
    const now = await names(deps, p, 's');
    assert.deepEqual(now, ['f:keep', 'f:later', 'd:new', 'd:old'].sort(byName));
    const page = await listDirectory(deps, root, { project: p, path: 's', snapshot: snap.id });
    assert.equal(page.entries.find((e) => e.name === 'keep')?.size, 4);
    await rejectsWith(
      listDirectory(deps, root, { project: p, path: 's', snapshot: 'nope' }),
      'NoSuchSnapshot',
    );
  });

  test('every id shape names the same entry; malformed ids are 400s and unknown ones 404s', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const v = await put(deps, p, 'ids/file.bin', bytes(8));
    const { entry: dir } = await makeDirectory(deps, root, { project: p, path: 'ids/sub' });
    const file = await getEntry(deps, root, v.fileId);
    for (const e of [file, dir]) {
      assert.match(e.ids.decimal, /^[0-9]+$/);
      assert.match(e.ids.hex, /^[0-9a-f]{24}$/);
      assert.match(e.ids.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const id of [e.id, e.ids.decimal, e.ids.hex, e.ids.uuid, e.ids.uuid.toUpperCase()]) {
        const found = await getEntry(deps, root, id);
        assert.equal(found.id, e.id, id);
        assert.equal(found.path, e.path);
      }
    }
    assert.notEqual(file.ids.decimal, dir.ids.decimal);
    assert.equal(file.size, 8);
    // Numbers below 1000 are reserved; the tree's root is 2, and each project is a top-level directory.
    assert.ok(file.number >= 1000 && dir.number >= 1000);
    const top = await getEntry(deps, root, '2');
    assert.deepEqual([top.id, top.type, top.path, top.project], ['root', 'directory', '', '']);
    assert.equal((await getEntry(deps, root, top.ids.uuid)).id, 'root');
    assert.equal((await getEntry(deps, root, 'root')).number, 2);
    const projectRow = await deps.meta.tx((tx) =>
      tx.get<{ id: string }>('SELECT id FROM projects WHERE name = ?', [p]),
    );
    const project = await getEntry(deps, root, projectRow!.id);
    assert.deepEqual([project.type, project.name, project.project, project.path], ['directory', p, p, '']);
    for (const id of [project.ids.decimal, project.ids.hex, project.ids.uuid])
      assert.equal((await getEntry(deps, root, id)).id, projectRow!.id);
    assert.ok(![file.number, dir.number].includes(project.number));
    for (const unknown of [
      '999999999999',
      '00000000000000e8d4a50fff',
      '6d696d65-6f00-8000-8000-0e8d4a50fff0',
      `f${'0'.repeat(32)}`,
    ])
      await rejectsWith(getEntry(deps, root, unknown), 'NoSuchEntry');
    for (const bad of ['', 'abc', '12a', '-1', '1.5', 'f123', '6d696d65-6f00-4000-8000-000000000001', '../1'])
      await rejectsWith(getEntry(deps, root, bad), 'InvalidArgument');
    // A deleted file's id no longer resolves, and is never given to another entry.
    await deleteFile(deps, root, { project: p, path: 'ids/file.bin' });
    await rejectsWith(getEntry(deps, root, file.ids.decimal), 'NoSuchEntry');
    const next = await put(deps, p, 'ids/file.bin', bytes(8));
    assert.notEqual((await getEntry(deps, root, next.fileId)).ids.decimal, file.ids.decimal);
  });

  test('moving a file keeps its id and bytes, across projects, with each conflict policy', async () => {
    const { deps } = get();
    const a = await newProject(deps);
    const b = await newProject(deps);
    const v = await put(deps, a, 'in/f.txt', bytes(10, 1));
    const moved = await moveEntry(deps, root, {
      source: { project: a, path: 'in/f.txt' },
      target: { project: b, path: 'out/deep/g.txt' },
    });
    assert.equal(moved.id, v.fileId);
    assert.equal(moved.project, b);
    assert.equal(moved.path, 'out/deep/g.txt');
    assert.deepEqual(await read(deps, b, 'out/deep/g.txt'), bytes(10, 1));
    assert.deepEqual(await keys(deps, a), []);
    assert.deepEqual(await names(deps, b, 'out'), ['d:deep']);
    await put(deps, b, 'x.txt', bytes(3, 2));
    const src = { project: b, path: 'x.txt' };
    await rejectsWith(
      moveEntry(deps, root, { source: src, target: { project: b, path: 'out/deep/g.txt' } }),
      'Conflict',
    );
    const renamed = await moveEntry(deps, root, {
      source: src,
      target: { project: b, path: 'out/deep/g.txt' },
      conflict: 'rename',
    });
    assert.equal(renamed.path, 'out/deep/g (1).txt');
    const over = await moveEntry(deps, root, {
      source: { project: b, path: 'out/deep/g (1).txt' },
      target: { project: b, path: 'out/deep/g.txt' },
      conflict: 'overwrite',
    });
    assert.equal(over.path, 'out/deep/g.txt');
    assert.deepEqual(await read(deps, b, 'out/deep/g.txt'), bytes(3, 2));
    assert.deepEqual(await keys(deps, b), ['out/deep/g.txt']);
    // If-Match on the source.
    await rejectsWith(
      moveEntry(deps, root, {
        source: { project: b, path: 'out/deep/g.txt' },
        target: { project: b, path: 'h' },
        conditions: { ifMatch: ['"0000"'] },
      }),
      'PreconditionFailed',
    );
    const ok = await moveEntry(deps, root, {
      source: { project: b, path: 'out/deep/g.txt' },
      target: { project: b, path: 'h' },
      conditions: { ifMatch: [`"${over.etag}"`] },
    });
    assert.equal(ok.path, 'h');
    await rejectsWith(
      moveEntry(deps, root, { source: { project: b, path: 'nothing' }, target: { project: b, path: 'y' } }),
      'NoSuchKey',
    );
    await rejectsWith(
      moveEntry(deps, root, { source: { project: b, path: 'h' }, target: { project: b, path: 'a/../b' } }),
      'InvalidPath',
    );
  });

  test('a move with labels makes both or neither: a refused label change leaves the file where it was', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'a.txt', bytes(4, 3));
    await setLabels(deps, root, { project: p, path: 'a.txt', properties: { first: 'x'.repeat(40_000) } });
    const moved = await moveEntry(
      deps,
      root,
      { source: { project: p, path: 'a.txt' }, target: { project: p, path: 'b.txt' } },
      { mergeProperties: { k: 'v' }, tags: { t: '' } },
    );
    assert.equal(moved.path, 'b.txt');
    const v = await stat(deps, root, { project: p, path: 'b.txt' });
    assert.deepEqual([v.properties['k'], v.tags], ['v', { t: '' }]);
    // Merged, the properties pass their bound: the move is undone with the label change.
    await rejectsWith(
      moveEntry(
        deps,
        root,
        { source: { project: p, path: 'b.txt' }, target: { project: p, path: 'c.txt' } },
        { mergeProperties: { second: 'y'.repeat(40_000) } },
      ),
      'MetadataTooLarge',
    );
    assert.deepEqual(await keys(deps, p), ['b.txt']);
    assert.equal((await stat(deps, root, { project: p, path: 'b.txt' })).properties['second'], undefined);
    // A directory has no labels: refused before anything moves.
    await makeDirectory(deps, root, { project: p, path: 'd' });
    await rejectsWith(
      moveEntry(
        deps,
        root,
        { source: { project: p, path: 'd/' }, target: { project: p, path: 'e' } },
        { tags: {} },
      ),
      'IsADirectory',
    );
    assert.deepEqual(await names(deps, p, ''), ['f:b.txt', 'd:d']);
  });

  test('moving a directory moves its whole subtree, keeping every id; never into itself', async () => {
    const { deps } = get();
    const a = await newProject(deps);
    const b = await newProject(deps);
    const files = ['t/1', 't/sub/2', 't/sub/deeper/3', 't/sub/deeper/4', 't-sibling'];
    const ids = new Map<string, string>();
    for (const [i, f] of files.entries()) ids.set(f, (await put(deps, a, f, bytes(i + 1, i))).fileId);
    await makeDirectory(deps, root, { project: a, path: 't/empty' });
    const before = await getEntry(deps, root, ids.get('t/sub/2')!);
    const sub = (await listDirectory(deps, root, { project: a, path: 't' })).entries.find(
      (e) => e.name === 'sub',
    )!;
    for (const into of ['t/sub', 't/sub/deeper/x'])
      await rejectsWith(
        moveEntry(deps, root, { source: { project: a, path: 't/' }, target: { project: a, path: into } }),
        'InvalidArgument',
      );
    // Onto itself, as rename(2) does it (and a file's move): nothing moves, and the directory is answered.
    const same = await moveEntry(deps, root, {
      source: { project: a, path: 't/' },
      target: { project: a, path: 't' },
    });
    assert.equal(same.path, 't');
    assert.equal(same.type, 'directory');
    await rejectsWith(
      moveEntry(deps, root, {
        source: { project: a, path: 't' },
        target: { project: b, path: 'n/t2' },
        conditions: { ifMatch: ['"abc"'] },
      }),
      'PreconditionFailed',
    );
    const moved = await moveEntry(deps, root, {
      source: { project: a, path: 't' },
      target: { project: b, path: 'n/t2' },
      conditions: { ifMatch: ['*'] },
    });
    assert.equal(moved.type, 'directory');
    assert.deepEqual(await keys(deps, a), ['t-sibling']);
    assert.deepEqual(await keys(deps, b), ['n/t2/1', 'n/t2/sub/2', 'n/t2/sub/deeper/3', 'n/t2/sub/deeper/4']);
    assert.deepEqual(await names(deps, b, 'n/t2'), ['f:1', 'd:empty', 'd:sub']);
    assert.deepEqual(await names(deps, b, 'n/t2/sub/deeper'), ['f:3', 'f:4']);
    const after = await getEntry(deps, root, before.ids.hex);
    assert.equal(after.path, 'n/t2/sub/2');
    assert.equal((await getEntry(deps, root, sub.ids.uuid)).path, 'n/t2/sub');
    assert.deepEqual(await read(deps, b, 'n/t2/sub/deeper/4'), bytes(4, 3));
    await rejectsWith(listDirectory(deps, root, { project: a, path: 't' }), 'NoSuchDirectory');
    // Conflicts: fail, rename, overwrite of an empty directory only.
    await makeDirectory(deps, root, { project: b, path: 'busy/x', parents: true });
    await makeDirectory(deps, root, { project: b, path: 'empty' });
    await rejectsWith(
      moveEntry(deps, root, { source: { project: b, path: 'n/t2' }, target: { project: b, path: 'busy' } }),
      'Conflict',
    );
    await rejectsWith(
      moveEntry(deps, root, {
        source: { project: b, path: 'n/t2' },
        target: { project: b, path: 'busy' },
        conflict: 'overwrite',
      }),
      'DirectoryNotEmpty',
    );
    const renamed = await moveEntry(deps, root, {
      source: { project: b, path: 'n/t2' },
      target: { project: b, path: 'busy' },
      conflict: 'rename',
    });
    assert.equal(renamed.path, 'busy (1)');
    const over = await moveEntry(deps, root, {
      source: { project: b, path: 'busy (1)' },
      target: { project: b, path: 'empty' },
      conflict: 'overwrite',
    });
    assert.equal(over.id, moved.id);
    assert.deepEqual(await names(deps, b, 'empty/sub'), ['f:2', 'd:deeper']);
  });

  test('a directory moves onto a path where deleted files still have versions (versioning)', async () => {
    const { deps } = get();
    const p = await newProject(deps, { versioning: 'enabled' });
    await put(deps, p, 't/x', bytes(2, 1));
    await deleteFile(deps, root, { project: p, path: 't/x' });
    await removeDirectory(deps, root, { project: p, path: 't' });
    await put(deps, p, 's/x', bytes(2, 2));
    const moved = await moveEntry(deps, root, {
      source: { project: p, path: 's/' },
      target: { project: p, path: 't' },
    });
    assert.equal(moved.path, 't');
    assert.deepEqual(await read(deps, p, 't/x'), bytes(2, 2));
    // And onto an empty directory over such files, under overwrite.
    await put(deps, p, 'u/x', bytes(2, 3));
    await deleteFile(deps, root, { project: p, path: 'u/x' });
    await put(deps, p, 'w/x', bytes(2, 4));
    await moveEntry(deps, root, {
      source: { project: p, path: 'w' },
      target: { project: p, path: 'u' },
      conflict: 'overwrite',
    });
    assert.deepEqual(await read(deps, p, 'u/x'), bytes(2, 4));
    assert.deepEqual(await keys(deps, p), ['t/x', 'u/x']);
  });

  test('one tree: the root lists the projects a user holds a role on; a path names a project, file or directory', async () => {
    const { deps } = get();
    const mine = await newProject(deps);
    const other = await newProject(deps);
    await put(deps, mine, 'a/b', bytes(3, 1));
    await put(deps, mine, 'a/b/c', bytes(4, 2));
    const u = await createUser(
      { core: deps, root: { accessKey: 'R', secretKey: 'S' }, box: new SecretBox(randomBytes(32)) },
      root,
      { name: `tr${Date.now()}${Math.random().toString(36).slice(2, 6)}` },
    );
    const user: Principal = { id: u.id, name: u.name, isRoot: false, isAdmin: false };
    await setMember(deps, root, { project: mine, principalId: u.id, role: 'read' });
    const seen = (await listRoot(deps, user)).entries;
    assert.deepEqual(
      seen.map((e) => [e.type, e.name, e.path]),
      [['directory', mine, '']],
    );
    assert.equal((await getEntry(deps, user, seen[0]!.ids.decimal)).project, mine);
    const all = [];
    let after: string | undefined;
    for (;;) {
      const page = await listRoot(deps, root, { after, limit: 1 });
      all.push(...page.entries.map((e) => e.name));
      if (!page.next) break;
      after = page.next;
    }
    assert.ok(all.includes(mine) && all.includes(other));
    assert.deepEqual([...all].sort(), all);
    // By path: the project, a file, a directory of the same name (a trailing '/' asks for it), nothing.
    assert.equal((await getEntryByPath(deps, user, { project: mine, path: '' })).id, seen[0]!.id);
    const file = await getEntryByPath(deps, user, { project: mine, path: 'a/b' });
    assert.deepEqual([file.type, file.size], ['file', 3]);
    const dir = await getEntryByPath(deps, user, { project: mine, path: 'a/b/' });
    assert.deepEqual([dir.type, dir.path], ['directory', 'a/b']);
    assert.equal((await getEntryByPath(deps, user, { project: mine, path: 'a' })).type, 'directory');
    await rejectsWith(getEntryByPath(deps, user, { project: mine, path: 'zz' }), 'NoSuchKey');
    await rejectsWith(getEntryByPath(deps, user, { project: mine, path: 'a/../b' }), 'InvalidPath');
    await rejectsWith(getEntryByPath(deps, user, { project: other, path: '' }), 'AccessDenied');
    await rejectsWith(
      getEntry(deps, user, (await getEntryByPath(deps, root, { project: other, path: '' })).id),
      'NoSuchEntry',
    );
  });

  test('moves need write on both ends, and controlled data never lands in an open project', async () => {
    const { deps } = get();
    const open = await newProject(deps);
    const other = await newProject(deps);
    const controlled = await newProject(deps, { dataClass: 'controlled' });
    await put(deps, controlled, 'c/secret', bytes(4));
    await rejectsWith(
      moveEntry(deps, root, {
        source: { project: controlled, path: 'c' },
        target: { project: open, path: 'c' },
      }),
      'ControlledDataInOpenProject',
    );
    await rejectsWith(
      moveEntry(deps, root, {
        source: { project: controlled, path: 'c/secret' },
        target: { project: open, path: 's' },
      }),
      'ControlledDataInOpenProject',
    );
    assert.deepEqual(await keys(deps, controlled), ['c/secret']);
    await put(deps, open, 'f', bytes(2));
    const u = await createUser(
      { core: deps, root: { accessKey: 'R', secretKey: 'S' }, box: new SecretBox(randomBytes(32)) },
      root,
      { name: `mv${Date.now()}${Math.random().toString(36).slice(2, 6)}` },
    );
    const user: Principal = { id: u.id, name: u.name, isRoot: false, isAdmin: false };
    const req = { source: { project: open, path: 'f' }, target: { project: other, path: 'f' } };
    await setMember(deps, root, { project: open, principalId: u.id, role: 'write' });
    await setMember(deps, root, { project: other, principalId: u.id, role: 'read' });
    await rejectsWith(moveEntry(deps, user, req), 'AccessDenied');
    await setMember(deps, root, { project: other, principalId: u.id, role: 'write' });
    await setMember(deps, root, { project: open, principalId: u.id, role: 'copy' });
    await rejectsWith(moveEntry(deps, user, req), 'AccessDenied');
    await setMember(deps, root, { project: open, principalId: u.id, role: 'write' });
    assert.equal((await moveEntry(deps, user, req)).project, other);
  });
});

function byName(a: string, b: string): number {
  const [ta, na] = [a[0]!, a.slice(2)];
  const [tb, nb] = [b[0]!, b.slice(2)];
  return na < nb ? -1 : na > nb ? 1 : ta < tb ? -1 : ta > tb ? 1 : 0;
}
