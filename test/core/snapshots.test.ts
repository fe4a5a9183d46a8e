// Core: snapshots by number, of a directory's subtree, of the whole tree, and that expire; on sqlite and postgres.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { createUser } from '../../src/auth/users.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory } from '../../src/core/dir-list.ts';
import { makeDirectory } from '../../src/core/dirs.ts';
import { getJob, JobRunner } from '../../src/core/jobs.ts';
import { listFiles } from '../../src/core/list.ts';
import type { Principal } from '../../src/core/model.ts';
import { setMember } from '../../src/core/projects.ts';
import { openRead } from '../../src/core/read.ts';
import {
  createSnapshot,
  deleteSnapshot,
  deleteSnapshotByRef,
  getSnapshot,
  listAllSnapshots,
  listSnapshots,
  type Snapshot,
} from '../../src/core/snapshots.ts';
import { startTreeCopy } from '../../src/core/tree-copy.ts';
import { numberSnapshots } from '../../src/meta/migrations.ts';
import { forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { bytes, collect } from '../helpers/data.ts';

async function newUser(deps: CoreDeps, tag: string): Promise<Principal> {
  const u = await createUser(
    { core: deps, root: { accessKey: 'R', secretKey: 'S' }, box: new SecretBox(randomBytes(32)) },
    root,
    { name: `${tag}${Date.now()}${Math.random().toString(36).slice(2, 6)}` },
  );
  return { id: u.id, name: u.name, isRoot: false, isAdmin: false };
}

/** The versions, live or kept, of the files of a project. */
async function versionsOf(deps: CoreDeps, project: string): Promise<number> {
  const r = await deps.meta.tx(
    (tx) =>
      tx.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM versions v JOIN files f ON f.id = v.file_id JOIN projects p ON p.id = f.project_id
         WHERE p.name = ?`,
        [project],
      ),
    { readOnly: true },
  );
  return Number(r?.n ?? 0);
}

const snapshotRows = async (deps: CoreDeps, id: string) =>
  Number(
    (
      await deps.meta.tx(
        (tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM snapshots WHERE id = ?', [id]),
        {
          readOnly: true,
        },
      )
    )?.n,
  );

forEachStore('core snapshots', (get) => {
  test('numbers are unique and increasing, and name a snapshot as its id does', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    const a = await createSnapshot(deps, root, { project: p });
    const b = await createSnapshot(deps, root, { project: p, nameOf: (n) => `${n}_OnDemand` });
    const c = await createSnapshot(deps, root, { project: p, name: 'mine', nameOf: (n) => `${n}_x` });
    assert.ok(Number.isSafeInteger(a.number) && a.number >= 1);
    assert.ok(a.number < b.number && b.number < c.number);
    assert.equal(a.name, `snapshot-${a.seq}`);
    assert.equal(b.name, `${b.number}_OnDemand`);
    assert.equal(c.name, 'mine');
    assert.deepEqual(
      { project: a.project, dir: a.dir, expiresAt: a.expiresAt },
      { project: p, dir: null, expiresAt: null },
    );
    // Taken at once, on PostgreSQL in transactions that run side by side: still one number each.
    const many = await Promise.all(
      Array.from({ length: 12 }, () => createSnapshot(deps, root, { project: p })),
    );
    const numbers = [a, b, c, ...many].map((s) => s.number);
    assert.equal(new Set(numbers).size, numbers.length);
    assert.deepEqual(await getSnapshot(deps, root, String(b.number)), b);
    assert.deepEqual(await getSnapshot(deps, root, b.id), b);
    await rejectsWith(getSnapshot(deps, root, '0'), 'NoSuchSnapshot');
    await rejectsWith(getSnapshot(deps, root, `0${b.number}`), 'NoSuchSnapshot');
    await rejectsWith(getSnapshot(deps, root, '999999999'), 'NoSuchSnapshot');
    // The number reads at the snapshot as the id does.
    await put(deps, p, 'f', bytes(10, 2));
    assert.deepEqual(await read(deps, p, 'f', { snapshot: String(a.number) }), bytes(10, 1));
    const all = (await listAllSnapshots(deps, root)).filter((s) => s.project === p);
    assert.deepEqual(
      all.map((s) => s.number),
      [...numbers].sort((x, y) => x - y),
    );
    assert.deepEqual(
      (await listSnapshots(deps, root, p)).map((s) => s.id).sort(),
      [a, b, c, ...many].map((s) => s.id).sort(),
    );
  });

  test('a name given to a snapshot names one only: a second live one of that name is a Conflict', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const q = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    const first = await createSnapshot(deps, root, { project: p, name: 'daily' });
    await rejectsWith(createSnapshot(deps, root, { project: p, name: 'daily' }), 'Conflict');
    // Another project's snapshot may share it; a whole tree's may not (a read in the project would see both).
    await createSnapshot(deps, root, { project: q, name: 'daily' });
    await rejectsWith(createSnapshot(deps, root, { name: 'daily' }), 'Conflict');
    // Once the first is gone, the name is free again, and reads by it find the new one.
    await deleteSnapshot(deps, root, { project: p, id: first.id });
    const second = await createSnapshot(deps, root, { project: p, name: 'daily' });
    assert.notEqual(second.id, first.id);
    assert.equal((await read(deps, p, 'f', { snapshot: 'daily' })).length, 10);
  });

  test("a directory's snapshot shows its subtree: inside reads its old bytes, outside is missing", async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'a/in.txt', bytes(10, 1));
    await put(deps, p, 'a/deep/x', bytes(10, 2));
    await put(deps, p, 'a2/beside', bytes(10, 3));
    await put(deps, p, 'b/out.txt', bytes(10, 4));
    await put(deps, p, 'top', bytes(10, 5));
    await rejectsWith(createSnapshot(deps, root, { project: p, dir: 'nope' }), 'NoSuchDirectory');
    await rejectsWith(createSnapshot(deps, root, { project: p, dir: 'top' }), 'NotADirectory');
    await rejectsWith(createSnapshot(deps, root, { project: p, dir: 'a/../b' }), 'InvalidPath');
    const s = await createSnapshot(deps, root, { project: p, dir: 'a/' });
    assert.equal(s.dir, 'a');
    for (const path of ['a/in.txt', 'a/deep/x', 'a2/beside', 'b/out.txt', 'top'])
      await put(deps, p, path, bytes(20, 9));
    assert.deepEqual(await read(deps, p, 'a/in.txt', { snapshot: s.id }), bytes(10, 1));
    assert.deepEqual(await read(deps, p, 'a/deep/x', { snapshot: String(s.number) }), bytes(10, 2));
    for (const path of ['a2/beside', 'b/out.txt', 'top'])
      await rejectsWith(read(deps, p, path, { snapshot: s.id }), 'NoSuchKey');
    // By id too: the file's path decides.
    const inside = (await listFiles(deps, root, { project: p, prefix: 'a/in' })).entries[0]!;
    const outside = (await listFiles(deps, root, { project: p, prefix: 'b/' })).entries[0]!;
    const byId = await openRead(deps, root, { id: inside.id, snapshot: s.id });
    assert.deepEqual(await collect(byId.body), bytes(10, 1));
    await rejectsWith(openRead(deps, root, { id: outside.id, snapshot: s.id }), 'NoSuchKey');
    // Listings at it see the subtree only.
    const dir = await listDirectory(deps, root, { project: p, path: 'a', snapshot: s.id });
    assert.deepEqual(
      dir.entries.map((e) => e.name),
      ['deep', 'in.txt'],
    );
    for (const path of ['', 'b', 'a2'])
      await rejectsWith(listDirectory(deps, root, { project: p, path, snapshot: s.id }), 'NoSuchDirectory');
    const keys = async (prefix: string, delimiter?: string) => {
      const page = await listFiles(deps, root, { project: p, prefix, delimiter, snapshot: s.id });
      return [...page.prefixes, ...page.entries.map((e) => `${e.path}:${e.size}`)];
    };
    assert.deepEqual(await keys(''), ['a/deep/x:10', 'a/in.txt:10']);
    assert.deepEqual(await keys('', '/'), ['a/']);
    assert.deepEqual(await keys('a/d'), ['a/deep/x:10']);
    assert.deepEqual(await keys('b/'), []);
    // A tree copy from it copies what it shows, and nothing outside it.
    const job = await startTreeCopy(deps, root, {
      source: { project: p, path: 'a', snapshot: String(s.number) },
      target: { project: p, path: 'then' },
    });
    await new JobRunner(deps).runOnce();
    assert.equal((await getJob(deps, root, job.id)).state, 'succeeded');
    assert.deepEqual(await read(deps, p, 'then/in.txt'), bytes(10, 1));
    assert.deepEqual(await read(deps, p, 'then/deep/x'), bytes(10, 2));
    await rejectsWith(
      startTreeCopy(deps, root, {
        source: { project: p, path: 'b', snapshot: s.id },
        target: { project: p, path: 'c' },
      }),
      'NoSuchKey',
    );
  });

  test('an expired snapshot reads as gone, and is deleted with what only it kept', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    await rejectsWith(
      createSnapshot(deps, root, { project: p, expiresAt: Date.now() - 1 }),
      'InvalidArgument',
    );
    await rejectsWith(createSnapshot(deps, root, { project: p, expiresAt: 1.5 }), 'InvalidArgument');
    const expiresAt = Date.now() + 1500;
    const s = await createSnapshot(deps, root, { project: p, expiresAt });
    assert.equal(s.expiresAt, expiresAt);
    await put(deps, p, 'f', bytes(10, 2));
    assert.equal(await versionsOf(deps, p), 2);
    assert.deepEqual(await read(deps, p, 'f', { snapshot: s.id }), bytes(10, 1));
    assert.equal((await getSnapshot(deps, root, s.id)).expiresAt, expiresAt);
    await sleep(expiresAt - Date.now() + 50);
    await rejectsWith(read(deps, p, 'f', { snapshot: s.id }), 'NoSuchSnapshot');
    await rejectsWith(getSnapshot(deps, root, String(s.number)), 'NoSuchSnapshot');
    await rejectsWith(deleteSnapshotByRef(deps, root, s.id), 'NoSuchSnapshot');
    // Listing sweeps it away, and the old version with it.
    assert.equal(await snapshotRows(deps, s.id), 1);
    assert.deepEqual(await listSnapshots(deps, root, p), []);
    assert.equal(await snapshotRows(deps, s.id), 0);
    assert.equal(await versionsOf(deps, p), 1);
    assert.deepEqual(await read(deps, p, 'f'), bytes(10, 2));
  });

  test('a snapshot of the whole tree: only an administrator or root takes or deletes it, any signed-in user sees it', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const q = await newProject(deps);
    await put(deps, p, 'f', bytes(10, 1));
    await put(deps, q, 'g', bytes(10, 2));
    const user = await newUser(deps, 'sn');
    const admin: Principal = { ...(await newUser(deps, 'ad')), isAdmin: true };
    await rejectsWith(createSnapshot(deps, user, {}), 'AccessDenied');
    await rejectsWith(createSnapshot(deps, admin, { dir: 'x' }), 'InvalidArgument');
    const s = await createSnapshot(deps, admin, {});
    assert.equal(s.project, null);
    assert.equal(s.dir, null);
    await put(deps, p, 'f', bytes(10, 3));
    await put(deps, q, 'g', bytes(10, 4));
    assert.deepEqual(await read(deps, p, 'f', { snapshot: String(s.number) }), bytes(10, 1));
    assert.deepEqual(await read(deps, q, 'g', { snapshot: s.id }), bytes(10, 2));
    assert.deepEqual(await getSnapshot(deps, user, String(s.number)), s);
    assert.ok((await listAllSnapshots(deps, user)).some((x) => x.id === s.id));
    const anonymous: Principal = {
      id: 'anonymous',
      name: 'anonymous',
      isRoot: false,
      isAdmin: false,
      isAnonymous: true,
    };
    await rejectsWith(getSnapshot(deps, anonymous, s.id), 'NoSuchSnapshot');
    // Only the project's own snapshots are its list.
    assert.ok(!(await listSnapshots(deps, root, p)).some((x) => x.id === s.id));
    await rejectsWith(deleteSnapshotByRef(deps, user, s.id), 'AccessDenied');
    const before = [await versionsOf(deps, p), await versionsOf(deps, q)];
    await deleteSnapshotByRef(deps, root, String(s.number));
    assert.deepEqual(
      [await versionsOf(deps, p), await versionsOf(deps, q)],
      [before[0]! - 1, before[1]! - 1],
    );
    await rejectsWith(read(deps, p, 'f', { snapshot: s.id }), 'NoSuchSnapshot');
  });

  test("a project's snapshot: seen with the read role, deleted with write, its versions purged", async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await makeDirectory(deps, root, { project: p, path: 'd' });
    await put(deps, p, 'd/f', bytes(10, 1));
    const s = await createSnapshot(deps, root, { project: p, dir: 'd' });
    await put(deps, p, 'd/f', bytes(10, 2));
    const user = await newUser(deps, 'pr');
    await rejectsWith(getSnapshot(deps, user, s.id), 'NoSuchSnapshot');
    await rejectsWith(deleteSnapshotByRef(deps, user, String(s.number)), 'NoSuchSnapshot');
    assert.ok(!(await listAllSnapshots(deps, user)).some((x) => x.id === s.id));
    await rejectsWith(createSnapshot(deps, user, { project: p }), 'AccessDenied');
    await setMember(deps, root, { project: p, principalId: user.id, role: 'read' });
    assert.deepEqual(await getSnapshot(deps, user, String(s.number)), s);
    assert.deepEqual(
      (await listAllSnapshots(deps, user)).filter((x) => x.project === p),
      [s],
    );
    await rejectsWith(deleteSnapshotByRef(deps, user, s.id), 'AccessDenied');
    await setMember(deps, root, { project: p, principalId: user.id, role: 'write' });
    assert.equal(await versionsOf(deps, p), 2);
    await deleteSnapshotByRef(deps, user, String(s.number));
    assert.equal(await versionsOf(deps, p), 1);
    await rejectsWith(getSnapshot(deps, user, s.id), 'NoSuchSnapshot');
    await rejectsWith(read(deps, p, 'd/f', { snapshot: s.id }), 'NoSuchSnapshot');
    assert.deepEqual(await read(deps, p, 'd/f'), bytes(10, 2));
    // The project-scoped delete takes a number too.
    const t = await createSnapshot(deps, user, { project: p });
    await deleteSnapshot(deps, user, { project: p, id: String(t.number) });
    await rejectsWith(getSnapshot(deps, user, t.id), 'NoSuchSnapshot');
  });

  test('migration 11 numbers the snapshots that have none, oldest first, after those that have one', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const made: Snapshot[] = [];
    for (let i = 0; i < 3; i++) made.push(await createSnapshot(deps, root, { project: p }));
    await deps.meta.tx(async (tx) => {
      for (const s of made) await tx.run('UPDATE snapshots SET number = NULL WHERE id = ?', [s.id]);
    });
    await deps.meta.tx((tx) => numberSnapshots(tx));
    const after = await Promise.all(made.map((s) => getSnapshot(deps, root, s.id)));
    const top = Math.max(...(await listAllSnapshots(deps, root)).map((s) => s.number));
    assert.deepEqual(
      after.map((s) => s.number),
      [top - 2, top - 1, top],
    );
  });
});
