// Directory moves under concurrency, on postgres (where transactions really run side by side): racing moves of
// overlapping subtrees, a move racing writes into its subtree, and renames racing for one name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CoreDeps } from '../../src/core/deps.ts';
import { listDirectory } from '../../src/core/dir-list.ts';
import { makeDirectory } from '../../src/core/dirs.ts';
import { getEntry } from '../../src/core/entries.ts';
import { coreError, isStorageError } from '../../src/core/errors.ts';
import { listObjectKeys } from '../../src/core/list.ts';
import { moveEntry } from '../../src/core/move.ts';
import { newProject, put, read, root } from '../helpers/core.ts';
import { bytes } from '../helpers/data.ts';
import { META_KINDS, openTestCore, PG_SKIP, type TestCore } from '../helpers/stores.ts';

const CLIENTS = 8;
const postgres = META_KINDS.find((k) => k.name === 'postgres')!;

interface Tree {
  /** Directory path by id: every directory reachable from the root. */
  dirs: Map<string, string>;
  /** Every file reachable from the root, in the order the walk met it: its id and path. */
  files: { id: string; path: string }[];
}

/** Walks the project from its root down through listDirectory, every page of every directory. */
async function walk(deps: CoreDeps, project: string): Promise<Tree> {
  const tree: Tree = { dirs: new Map(), files: [] };
  const pending = [''];
  while (pending.length > 0) {
    const path = pending.pop()!;
    let after: string | undefined;
    do {
      const page = await listDirectory(deps, root, { project, path, after, limit: 500 });
      for (const e of page.entries) {
        const at = path === '' ? e.name : `${path}/${e.name}`;
        assert.equal(e.path, at, `entry ${e.id} listed in '${path}' says its path is '${e.path}'`);
        assert.equal(e.parent, path, `entry ${e.id} listed in '${path}' says its parent is '${e.parent}'`);
        if (e.type === 'directory') {
          assert.ok(!tree.dirs.has(e.id), `directory ${e.id} is listed twice`);
          tree.dirs.set(e.id, at);
          pending.push(at);
        } else tree.files.push({ id: e.id, path: at });
      }
      after = page.next ?? undefined;
    } while (after);
  }
  return tree;
}

/** Directory rows of the project, reachable or not. */
async function directoryRows(deps: CoreDeps, projectId: string): Promise<number> {
  const r = await deps.meta.tx(
    (tx) =>
      tx.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM files WHERE type = 'directory' AND hidden = 0 AND project_id = ?",
        [projectId],
      ),
    { readOnly: true },
  );
  return Number(r?.n ?? 0);
}

/** Every key an S3 listing of the project shows. */
async function s3Keys(deps: CoreDeps, project: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listObjectKeys(deps, root, { project, prefix: '', after });
    out.push(...page.entries.map((e) => e.path));
    if (!page.truncated || !page.next) return out;
    after = page.next;
  }
}

/**
 * The whole tree is sound: every directory row is reachable from the root (so no directory is cut off in a cycle),
 * every file written is listed exactly once, where its entry says it is, under its own id, with its bytes, and an S3
 * listing shows the same files at the same paths.
 */
async function assertSound(
  deps: CoreDeps,
  project: string,
  written: Map<string, Buffer>,
  where: string,
): Promise<Tree> {
  const tree = await walk(deps, project);
  const projectId = (await getEntry(deps, root, written.keys().next().value!)).projectId;
  assert.equal(
    tree.dirs.size,
    await directoryRows(deps, projectId),
    `${where}: some directory rows are not reachable from the root`,
  );
  const seen = new Map<string, string>();
  for (const f of tree.files) {
    assert.ok(!seen.has(f.id), `${where}: file ${f.id} is listed at '${seen.get(f.id)}' and at '${f.path}'`);
    seen.set(f.id, f.path);
  }
  assert.deepEqual(
    [...seen.keys()].sort(),
    [...written.keys()].sort(),
    `${where}: the files listed are not the files written`,
  );
  for (const [id, path] of seen) {
    const entry = await getEntry(deps, root, id);
    assert.equal(
      entry.path,
      path,
      `${where}: file ${id} is listed at '${path}', its entry says '${entry.path}'`,
    );
    assert.deepEqual(await read(deps, project, path), written.get(id), `${where}: '${path}' lost its bytes`);
  }
  assert.deepEqual((await s3Keys(deps, project)).sort(), [...seen.values()].sort(), `${where}: S3 listing`);
  return tree;
}

/**
 * Outcomes by code. A failure that is no StorageError is kept aside with its text, so that the test still checks
 * everything else before it fails on it.
 */
class Outcomes {
  readonly counts = new Map<string, number>();
  readonly unexpected: string[] = [];
  add(result: PromiseSettledResult<unknown>, what: string): void {
    let key = 'ok';
    if (result.status === 'rejected') {
      // As every dialect reports it (a store's own errors become core codes first).
      const err = coreError(result.reason);
      key = isStorageError(err) ? err.code : `not a StorageError (${(err as Error)?.name})`;
      if (!isStorageError(err)) this.unexpected.push(`${what}: ${String(err)}`);
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get ok(): number {
    return this.counts.get('ok') ?? 0;
  }
  toString(): string {
    return [...this.counts].map(([k, n]) => `${k} ${n}`).join(', ');
  }
}

describe('directory moves under concurrency [postgres]', { skip: PG_SKIP }, () => {
  let core: TestCore | undefined;
  before(async () => {
    core = await openTestCore(postgres);
  });
  after(async () => core?.close());

  test(`racing moves of overlapping subtrees (${CLIENTS} clients) lose no entry and make no cycle`, async (t) => {
    const { deps } = core!;
    const p = await newProject(deps);
    const written = new Map<string, Buffer>();
    // Five directories that nest in each other: a/b/c and x/y, each holding files.
    const layout: Record<string, number> = { a: 4, 'a/b': 4, 'a/b/c': 6, x: 4, 'x/y': 6 };
    let seed = 1;
    for (const [dir, n] of Object.entries(layout))
      for (let i = 0; i < n; i++) {
        const data = bytes(50 + seed * 7, seed);
        const v = await put(deps, p, `${dir}/f${seed++}`, data);
        written.set(v.fileId, data);
      }
    const dirId = new Map<string, string>();
    for (const path of Object.keys(layout))
      dirId.set(
        path.slice(-1),
        (await makeDirectory(deps, root, { project: p, path, parents: true })).entry.id,
      );
    await assertSound(deps, p, written, 'before');

    const outcomes = new Outcomes();
    const ROUNDS = 40;
    for (let round = 0; round < ROUNDS; round++) {
      // Where each directory is now; the moves are planned from it, so each round's moves overlap.
      const at = new Map<string, string>();
      for (const [tag, id] of dirId) at.set(tag, (await getEntry(deps, root, id)).path);
      const into = (tag: string, parent: string) => ({
        src: `${at.get(tag)}/`,
        dst: `${at.get(parent)}/${tag}`,
      });
      const rename = (tag: string) => ({ src: `${at.get(tag)}/`, dst: `${tag}${round}` });
      // Pairs that race: each one's source is the other one's target or holds it, or they share a subtree.
      const plans = [
        [into('b', 'x'), into('x', 'b')],
        [rename('a'), rename('b')],
        [into('c', 'y'), into('y', 'c')],
        [into('a', 'c'), into('x', 'a')],
        [into('y', 'a'), rename('c')],
        [into('b', 'y'), into('a', 'x')],
      ];
      const plan = plans[round % plans.length]!.concat(plans[(round * 5 + 1) % plans.length]!);
      const moves = Array.from({ length: CLIENTS }, (_, i) => plan[i % plan.length]!);
      const results = await Promise.allSettled(
        moves.map((m) =>
          moveEntry(deps, root, { source: { project: p, path: m.src }, target: { project: p, path: m.dst } }),
        ),
      );
      for (const [i, r] of results.entries()) outcomes.add(r, `move ${moves[i]!.src} -> ${moves[i]!.dst}`);
      if (round % 8 === 7 || round === ROUNDS - 1) await assertSound(deps, p, written, `round ${round}`);
    }
    t.diagnostic(`${ROUNDS * CLIENTS} moves: ${outcomes}`);
    assert.ok(outcomes.ok >= ROUNDS, `too few moves succeeded: ${outcomes}`);
    // Directories only ever moved: every one made at the start is still there, under its own id.
    const tree = await assertSound(deps, p, written, 'at the end');
    for (const [tag, id] of dirId) assert.ok(tree.dirs.has(id), `directory ${tag} (${id}) is lost`);
    assert.deepEqual(outcomes.unexpected, [], 'a move failed with something other than a StorageError');
  });

  test(`a directory moving back and forth while ${CLIENTS} clients write into it loses no acknowledged write`, async (t) => {
    const { deps } = core!;
    const p = await newProject(deps);
    interface Span {
      start: number;
      end: number;
    }
    interface Write extends Span {
      id: string;
      path: string;
      data: Buffer;
    }
    interface Move extends Span {
      from: string;
      to: string;
    }
    let clock = 0;
    const tick = () => ++clock;
    const writes: Write[] = [];
    const moves: Move[] = [];
    const outcomes = new Outcomes();
    let writing = true;
    // A file in each subdirectory before the race starts.
    for (let d = 0; d < 4; d++) {
      const path = `src/d${d}/seed`;
      const data = bytes(10, d + 1);
      writes.push({ id: (await put(deps, p, path, data)).fileId, path, data, start: 0, end: 0 });
    }

    const writer = async (w: number) => {
      for (let n = 0; writing; n++) {
        const path = `src/d${(w + n) % 4}/w${w}-${n}`;
        const data = bytes(64 + ((w * 131 + n * 17) % 900), w * 100_000 + n + 1);
        const start = tick();
        const r = await Promise.allSettled([put(deps, p, path, data)]);
        outcomes.add(r[0]!, `put ${path}`);
        if (r[0]!.status === 'fulfilled')
          writes.push({ id: r[0].value.fileId, path, data, start, end: tick() });
      }
    };
    // The mover takes `src` to `dst` and back. Writers make `src` again as soon as it has gone, so the way back is
    // often taken: then `dst` goes back into the new `src`, and moves with it from then on.
    const mover = async () => {
      const go = async (from: string, to: string) => {
        const start = tick();
        const r = await Promise.allSettled([
          moveEntry(deps, root, {
            source: { project: p, path: `${from}/` },
            target: { project: p, path: to },
          }),
        ]);
        outcomes.add(r[0]!, `move ${from} -> ${to}`);
        if (r[0]!.status === 'fulfilled') moves.push({ from, to, start, end: tick() });
        return r[0]!.status === 'fulfilled';
      };
      const pause = () => new Promise((r) => setTimeout(r, 60));
      // Ten cycles, or more (up to 30) until four moves have gone through: under load most moves of a directory
      // that eight clients write into lose their serialization retries (a 503 that writes nothing).
      for (let k = 0; k < 30 && (k < 10 || moves.length < 4); k++) {
        await pause();
        if (!(await go('src', 'dst'))) continue;
        await pause();
        if (!(await go('dst', 'src'))) await go('dst', `src/back${k}`);
      }
    };
    const writers = Array.from({ length: CLIENTS }, (_, w) => writer(w));
    await mover();
    writing = false;
    await Promise.all(writers);
    t.diagnostic(`${writes.length} writes, ${moves.length} moves: ${outcomes}`);
    assert.ok(moves.length >= 1, `no move succeeded: ${outcomes}`);

    const apply = (path: string, m: Move) =>
      path.startsWith(`${m.from}/`) ? `${m.to}${path.slice(m.from.length)}` : path;
    /**
     * Where a write may be now: it took effect between two moves its span overlaps (it cannot have taken effect
     * before a move that ended before it started, nor after one that started after it ended), and every move after
     * that carried it along.
     */
    const places = (w: Write): Set<string> => {
      const out = new Set<string>();
      for (let i = 0; i <= moves.length; i++) {
        const prev = moves[i - 1];
        const next = moves[i];
        if ((prev && w.end < prev.start) || (next && w.start > next.end)) continue;
        out.add(moves.slice(i).reduce(apply, w.path));
      }
      return out;
    };
    const written = new Map(writes.map((w) => [w.id, w.data]));
    const tree = await assertSound(deps, p, written, 'after the race');
    const found = new Map(tree.files.map((f) => [f.id, f.path]));
    for (const w of writes) {
      const allowed = places(w);
      assert.ok(
        allowed.has(found.get(w.id)!),
        `the write to '${w.path}' is at '${found.get(w.id)}', not at one of ${[...allowed].join(', ')}`,
      );
    }
    // A write that kept conflicting through every retry is a ServiceUnavailable (503 with Retry-After) that wrote
    // nothing, never a server error.
    assert.deepEqual(
      outcomes.unexpected,
      [],
      'a put or a move failed with something other than a StorageError',
    );
  });

  test(`of ${CLIENTS + 4} renames racing to one name, exactly one wins; the others get Conflict and stay`, async () => {
    const { deps } = core!;
    const p = await newProject(deps);
    const N = CLIENTS + 4;
    for (let round = 0; round < 6; round++) {
      const sources = Array.from({ length: N }, (_, i) => `in${round}/s${i}`);
      const data = sources.map((_, i) => bytes(100 + i, round * 1000 + i + 1));
      const ids: string[] = [];
      for (const [i, s] of sources.entries()) ids.push((await put(deps, p, s, data[i]!)).fileId);
      // The target's directory exists in even rounds, and is made by the race itself in odd ones.
      const target = round % 2 ? `out${round}/deep/t` : `in${round}/t`;
      const results = await Promise.allSettled(
        sources.map((path) =>
          moveEntry(deps, root, {
            source: { project: p, path },
            target: { project: p, path: target },
            conflict: 'fail',
          }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
      const w = won[0]!;
      for (const [i, r] of results.entries()) {
        if (i === w) continue;
        const err = (r as PromiseRejectedResult).reason;
        assert.ok(isStorageError(err, 'Conflict'), `round ${round}, loser ${i}: ${String(err)}`);
        assert.deepEqual(await read(deps, p, sources[i]!), data[i], `loser ${sources[i]} lost its bytes`);
        assert.equal((await getEntry(deps, root, ids[i]!)).path, sources[i]);
      }
      assert.deepEqual(await read(deps, p, target), data[w], `round ${round}: the target`);
      const entry = await getEntry(deps, root, ids[w]!);
      assert.equal(entry.path, target);
      assert.equal((results[w] as PromiseFulfilledResult<{ id: string }>).value.id, ids[w]);
    }
  });
});
