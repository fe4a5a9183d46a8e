// Core: directory tree copies as jobs: atomic, at a consistent point in time, resumable, abortable.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { copyFile } from '../../src/core/copy.ts';
import { createKmsKey } from '../../src/core/crypto/kms.ts';
import { deleteFile } from '../../src/core/delete.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory } from '../../src/core/dir-list.ts';
import { makeDirectory } from '../../src/core/dirs.ts';
import { collectGarbage } from '../../src/core/gc.ts';
import { abortJob, getJob, type JobContext, JobRunner, LeaseLost } from '../../src/core/jobs.ts';
import { listFiles } from '../../src/core/list.ts';
import type { Protection } from '../../src/core/model.ts';
import { createSnapshot } from '../../src/core/snapshots.ts';
import { runTreeCopy, startTreeCopy, TREE_COPY } from '../../src/core/tree-copy.ts';
import { putFile } from '../../src/core/write.ts';
import { count, forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';

const FILES = 53;

async function seed(deps: CoreDeps, project: string): Promise<string[]> {
  const paths = Array.from(
    { length: FILES },
    (_, i) => `src/${i % 3 === 0 ? 'sub/' : ''}f${String(i).padStart(3, '0')}.dat`,
  );
  for (const [i, path] of paths.entries()) await put(deps, project, path, bytes(100 + i, i + 1));
  return paths;
}

/** Runs a job, but "crashes" (loses its lease without cleaning up) after `steps` committed batches. */
function crashingHandler(steps: number) {
  return async (deps: CoreDeps, ctx: JobContext) => {
    let n = 0;
    const step: JobContext['step'] = async (fn) => {
      if (n++ >= steps) throw new LeaseLost();
      return ctx.step(fn);
    };
    await runTreeCopy(deps, { ...ctx, step });
  };
}

async function listAll(deps: CoreDeps, project: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listFiles(deps, root, { project, prefix, after });
    out.push(...page.entries.map((e) => e.path));
    if (!page.truncated) return out;
    after = page.next!;
  }
}

forEachStore(
  'core tree copy',
  (get) => {
    test("a tree copy copies the tree's directories, empty ones and modes included, and merges into an existing tree", async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'src/a/one', bytes(3, 1));
      await put(deps, p, 'src/a/b/two', bytes(4, 2));
      await makeDirectory(deps, root, { project: p, path: 'src/empty/inner', parents: true, mode: 0o700 });
      const children = async (path: string) =>
        (await listDirectory(deps, root, { project: p, path })).entries.map(
          (e) => `${e.type[0]}:${e.name}${e.type === 'directory' ? `:${e.mode?.toString(8)}` : ''}`,
        );
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'out/dst' },
      });
      while (await new JobRunner(deps).runOnce()) {}
      assert.deepEqual(await children('out/dst'), ['d:a:755', 'd:empty:755']);
      assert.deepEqual(await children('out/dst/a'), ['d:b:755', 'f:one']);
      assert.deepEqual(await children('out/dst/empty'), ['d:inner:700']);
      const srcIds = (await listDirectory(deps, root, { project: p, path: 'src' })).entries.map((e) => e.id);
      const dstIds = (await listDirectory(deps, root, { project: p, path: 'out/dst' })).entries.map(
        (e) => e.id,
      );
      assert.equal(srcIds.filter((id) => dstIds.includes(id)).length, 0);
      // Again into the same tree, overwriting: the directories merge, none is doubled.
      await put(deps, p, 'src/a/b/three', bytes(5, 3));
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'out/dst' },
        conflict: 'overwrite',
      });
      while (await new JobRunner(deps).runOnce()) {}
      assert.deepEqual(await children('out/dst/a/b'), ['f:three', 'f:two']);
      const dirs = await deps.meta.tx((tx) =>
        tx.get<{ n: number }>(
          "SELECT COUNT(*) AS n FROM files f JOIN projects p ON p.id = f.project_id WHERE p.name = ? AND f.type = 'directory'",
          [p],
        ),
      );
      // src, src/a, src/a/b, src/empty, src/empty/inner, and out plus the same five under it.
      assert.equal(Number(dirs?.n), 11);
      // An empty directory alone is a tree too.
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'src/empty' },
        target: { project: p, path: 'solo' },
      });
      while (await new JobRunner(deps).runOnce()) {}
      assert.deepEqual(await children('solo'), ['d:inner:700']);
      assert.equal(await hiddenRows(deps), 0);
    });

    test('a tree copy is one job; the tree appears whole or not at all, and resumes after a crash', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const paths = await seed(deps, p);
      const blocks = await count(deps, 'blocks');
      const job = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'dst' },
      });
      assert.equal(job.state, 'queued');
      // First runner crashes after 3 batches: nothing is visible yet, progress is stored.
      const crashing = new JobRunner(deps, { handlers: { [TREE_COPY]: crashingHandler(3) } });
      assert.equal(await crashing.runOnce(), true);
      const mid = await getJob(deps, root, job.id);
      assert.equal(mid.state, 'running');
      assert.equal(mid.progress['filesCopied'], 30);
      assert.deepEqual(await listAll(deps, p, 'dst/'), []);
      // Its lease expires; a new runner resumes from the stored cursor.
      const saved = deps.now;
      deps.now = () => Date.now() + 60_000;
      try {
        assert.equal(await new JobRunner(deps).runOnce(), true);
      } finally {
        deps.now = saved;
      }
      const done = await getJob(deps, root, job.id);
      assert.equal(done.state, 'succeeded');
      assert.deepEqual(done.progress['filesCopied'], FILES);
      const copied = await listAll(deps, p, 'dst/');
      assert.deepEqual(copied, paths.map((x) => x.replace(/^src\//, 'dst/')).sort());
      for (const [i, path] of paths.entries()) {
        assert.deepEqual(await read(deps, p, path.replace(/^src\//, 'dst/')), bytes(100 + i, i + 1));
      }
      assert.equal(await count(deps, 'blocks'), blocks);
      assert.equal(await hiddenRows(deps), 0);
    });

    test('the copy reads the source at the moment the job started', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      const job = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src/' },
        target: { project: p, path: 'copy/' },
      });
      await put(deps, p, 'src/f001.dat', bytes(5, 999));
      await put(deps, p, 'src/new.dat', bytes(5, 998));
      await deleteFile(deps, root, { project: p, path: 'src/f002.dat' });
      await new JobRunner(deps).runOnce();
      assert.equal((await getJob(deps, root, job.id)).state, 'succeeded');
      assert.deepEqual(await read(deps, p, 'copy/f001.dat'), bytes(101, 2));
      assert.deepEqual(await read(deps, p, 'copy/f002.dat'), bytes(102, 3));
      await rejectsWith(read(deps, p, 'copy/new.dat'), 'NoSuchKey');
    });

    test('folder markers in a tree are copied with it, the top one included', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'docs/', bytes(0));
      await put(deps, p, 'docs/a.txt', bytes(10, 1));
      await put(deps, p, 'docs/sub/', bytes(0));
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'docs/' },
        target: { project: p, path: 'copy/' },
      });
      await new JobRunner(deps).runOnce();
      assert.deepEqual(await listAll(deps, p, 'copy/'), ['copy/', 'copy/a.txt', 'copy/sub/']);
      assert.deepEqual(await read(deps, p, 'copy/'), bytes(0));
      assert.deepEqual(await read(deps, p, 'copy/a.txt'), bytes(10, 1));
    });

    test('a tree copies from a snapshot', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      const snap = await createSnapshot(deps, root, { project: p });
      await put(deps, p, 'src/f001.dat', bytes(3, 3));
      await deleteFile(deps, root, { project: p, path: 'src/f002.dat' });
      const job = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src', snapshot: snap.id },
        target: { project: p, path: 'then' },
      });
      await new JobRunner(deps).runOnce();
      assert.equal((await getJob(deps, root, job.id)).state, 'succeeded');
      assert.equal((await listAll(deps, p, 'then/')).length, FILES);
      assert.deepEqual(await read(deps, p, 'then/f001.dat'), bytes(101, 2));
      assert.deepEqual(await read(deps, p, 'then/f002.dat'), bytes(102, 3));
    });

    test('abort removes everything the job staged', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      const job = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'dst' },
      });
      await new JobRunner(deps, { handlers: { [TREE_COPY]: crashingHandler(2) } }).runOnce();
      assert.ok((await hiddenRows(deps)) > 0);
      await abortJob(deps, root, job.id);
      const saved = deps.now;
      deps.now = () => Date.now() + 60_000;
      try {
        await new JobRunner(deps).runOnce();
      } finally {
        deps.now = saved;
      }
      assert.equal((await getJob(deps, root, job.id)).state, 'aborted');
      assert.deepEqual(await listAll(deps, p, 'dst/'), []);
      assert.equal(await hiddenRows(deps), 0);
      await rejectsWith(abortJob(deps, root, job.id), 'JobNotActive');
    });

    test('conflicts: fail refuses a non-empty target, rename picks "dst (1)/", overwrite makes new versions', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      await put(deps, p, 'dst/f001.dat', bytes(3, 5));
      await rejectsWith(
        startTreeCopy(deps, root, {
          source: { project: p, path: 'src' },
          target: { project: p, path: 'dst' },
        }),
        'Conflict',
      );
      const runner = new JobRunner(deps);
      const renamed = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'dst' },
        conflict: 'rename',
      });
      await runner.runOnce();
      assert.equal((await getJob(deps, root, renamed.id)).state, 'succeeded');
      assert.equal((await listAll(deps, p, 'dst (1)/')).length, FILES);
      const over = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'dst' },
        conflict: 'overwrite',
      });
      await runner.runOnce();
      assert.equal((await getJob(deps, root, over.id)).state, 'succeeded');
      assert.deepEqual(await read(deps, p, 'dst/f001.dat'), bytes(101, 2));
      assert.equal((await listAll(deps, p, 'dst/')).length, FILES);
    });

    test('a file created in the target during the job fails it cleanly under fail', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      const job = await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'race' },
      });
      await put(deps, p, 'race/f001.dat', bytes(1));
      await new JobRunner(deps).runOnce();
      const j = await getJob(deps, root, job.id);
      assert.equal(j.state, 'failed');
      assert.equal(j.error?.code, 'Conflict');
      assert.deepEqual(await listAll(deps, p, 'race/'), ['race/f001.dat']);
      assert.equal(await hiddenRows(deps), 0);
    });

    test('a started runner runs a job queued in its process at once, without waiting for its next poll', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await seed(deps, p);
      // It polls once at start, then once a minute: only the wake after the commit runs the job in time.
      const runner = new JobRunner(deps, { pollMs: 60_000 });
      runner.start();
      try {
        const job = await startTreeCopy(deps, root, {
          source: { project: p, path: 'src' },
          target: { project: p, path: 'woken' },
        });
        let state = job.state;
        for (let i = 0; i < 500 && state !== 'succeeded' && state !== 'failed'; i++) {
          await new Promise((res) => setTimeout(res, 10));
          state = (await getJob(deps, root, job.id)).state;
        }
        assert.equal(state, 'succeeded');
        assert.equal((await listAll(deps, p, 'woken/')).length, FILES);
      } finally {
        await runner.stop();
      }
    });

    test("copies share their sources' key rings and manifests: they read after the sources are deleted and collected, and the rings go with the last copy", async () => {
      const { deps } = get();
      const kms = `k${Date.now()}`;
      await createKmsKey(deps, root, kms);
      const customerKey = Buffer.alloc(32, 9);
      const customerKeyMd5 = createHash('md5').update(customerKey).digest('base64');
      const kinds: [string, Protection][] = [
        ['none', { sse: null }],
        ['s3', { sse: 'AES256' }],
        ['kms', { sse: 'aws:kms', kmsKey: kms }],
        ['c', { sse: 'SSE-C', customerKey, customerKeyMd5 }],
      ];
      const p = await newProject(deps);
      // 12 files, more than a batch: the first copy stages them; the second is written at its places at once.
      const files: { name: string; data: Buffer; unlock: { customerKey?: Buffer } }[] = [];
      for (const [i, [kind, protection]] of kinds.entries())
        for (let n = 0; n < 3; n++) {
          const file = { name: `${kind}-${n}`, data: bytes(3000 + n, 10 * i + n), unlock: {} };
          if (protection.customerKey) file.unlock = { customerKey };
          files.push(file);
          await putFile(deps, root, {
            project: p,
            path: `src/${file.name}`,
            body: body(file.data),
            protection,
          });
        }
      const rowsOf = async (sql: string) =>
        Number((await deps.meta.tx((tx) => tx.get<{ n: number }>(sql)))?.n);
      const owners = await deps.meta.tx((tx) =>
        tx.all<{ id: string }>(
          `SELECT v.id FROM versions v JOIN files f ON f.id = v.file_id JOIN projects p ON p.id = f.project_id
           WHERE p.name = ? AND f.path LIKE 'src/%'`,
          [p],
        ),
      );
      const sourceRings = `SELECT COUNT(*) AS n FROM version_keys WHERE version_id IN (${owners.map((o) => `'${o.id}'`).join(', ')})`;
      assert.equal(await rowsOf(sourceRings), 12);
      const rings = await rowsOf('SELECT COUNT(*) AS n FROM version_keys');
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'src' },
        target: { project: p, path: 'dst' },
      });
      while (await new JobRunner(deps).runOnce()) {}
      await startTreeCopy(deps, root, {
        source: { project: p, path: 'dst/' },
        target: { project: p, path: 'dst2' },
      });
      while (await new JobRunner(deps).runOnce()) {}
      assert.equal(await rowsOf('SELECT COUNT(*) AS n FROM version_keys'), rings, 'no ring was copied');
      // The sources go, and the copies the second copy was made from: their rings stay while a copy shares them.
      for (const f of files) {
        await deleteFile(deps, root, { project: p, path: `src/${f.name}` });
        await deleteFile(deps, root, { project: p, path: `dst/${f.name}` });
      }
      await collectGarbage(deps, { graceSeconds: 0 });
      assert.equal(await rowsOf(sourceRings), 12);
      for (const f of files)
        assert.deepEqual(await read(deps, p, `dst2/${f.name}`, { unlock: f.unlock }), f.data);
      await rejectsWith(read(deps, p, 'dst2/c-0'), 'EncryptionKeyRequired');
      // With the last copy, the rings go too.
      for (const f of files) await deleteFile(deps, root, { project: p, path: `dst2/${f.name}` });
      await collectGarbage(deps, { graceSeconds: 0 });
      assert.equal(await rowsOf(sourceRings), 0);
    });

    test('bad trees: an empty source and a missing project', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await rejectsWith(
        startTreeCopy(deps, root, {
          source: { project: p, path: 'nothing' },
          target: { project: p, path: 'x' },
        }),
        'NoSuchKey',
      );
      await rejectsWith(
        startTreeCopy(deps, root, {
          source: { project: 'no-such', path: 'a' },
          target: { project: p, path: 'x' },
        }),
        'NoSuchProject',
      );
    });
  },
  { limits: { treeBatchSize: 10 } },
);

forEachStore('core tree copy in one transaction', (get) => {
  test('readers while a tree is copied in one transaction see none of it, then all of it', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'one', bytes(100, 1));
    // More files than one statement writes, so that the copy lets readers in between its statements.
    const files = 2100;
    for (let i = 0; i < files; i++)
      await copyFile(deps, root, {
        source: { project: p, path: 'one' },
        target: { project: p, path: `big/f${String(i).padStart(4, '0')}` },
      });
    const job = await startTreeCopy(deps, root, {
      source: { project: p, path: 'big' },
      target: { project: p, path: 'seen' },
    });
    let done = false;
    const running = new JobRunner(deps).runOnce().finally(() => {
      done = true;
    });
    const seen: number[] = [];
    while (!done) {
      seen.push((await listAll(deps, p, 'seen/')).length);
      await new Promise((res) => setImmediate(res));
    }
    await running;
    assert.deepEqual(
      seen.filter((n) => n !== 0 && n !== files),
      [],
      'a reader saw part of the tree',
    );
    assert.ok(seen.includes(0));
    assert.equal((await getJob(deps, root, job.id)).state, 'succeeded');
    assert.equal((await listAll(deps, p, 'seen/')).length, files);
    assert.equal(await hiddenRows(deps), 0);
  });
});

async function hiddenRows(deps: CoreDeps): Promise<number> {
  const r = await deps.meta.tx((tx) =>
    tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM files WHERE hidden = 1'),
  );
  return Number(r?.n ?? 0);
}
