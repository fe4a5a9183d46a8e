// Crash safety of a directory move: SIGKILL at any moment of a move of 20,000 files. After a restart the whole
// subtree is at its old path or at its new one, never split, with its ids and bytes; an acknowledged move stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { nativeClient as client, type NativeClient, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const P = 'moves';
const SEED = 100;
/** The tree is the seed copied 5 times, that 5 times, and that 8 times: 20,000 files. */
const FANOUT = [5, 5, 8];
const TOTAL = SEED * FANOUT.reduce((a, b) => a * b, 1);
const HOME = 'big';
const AWAY = 'away/big';
const ROUNDS = 12;

/** A file's bytes follow from its name: every copy of seed file `f<i>` holds the same. */
const content = (rel: string) => {
  const i = Number(/f(\d+)$/.exec(rel)![1]);
  return bytes(20 + ((i * 37) % 300), i + 1);
};

/** Copies the tree below `from` to below `to` (a job) and waits for it to succeed. */
async function copyTree(c: NativeClient, from: string, to: string): Promise<void> {
  const r = await c.call('POST', '/api/v1/copy', {
    source: { project: P, path: `${from}/` },
    target: { project: P, path: `${to}/` },
  });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  for (;;) {
    const job = await c.call('GET', `/api/v1/jobs/${r.json.job.id}`);
    if (job.json.state === 'succeeded') return;
    assert.ok(
      ['queued', 'running'].includes(job.json.state),
      `copy ${from} -> ${to}: ${JSON.stringify(job.json)}`,
    );
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** Every file below `dir`, by the S3-style listing of paths: relative path -> id. */
async function filesBelow(c: NativeClient, dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after = '';
  for (;;) {
    const q = new URLSearchParams({ prefix: `${dir}/`, limit: '1000', ...(after ? { after } : {}) });
    const r = await c.call('GET', `/api/v1/projects/${P}/files?${q}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    for (const f of r.json.files) out.set(f.path.slice(dir.length + 1), f.id);
    if (!r.json.truncated) return out;
    after = r.json.next;
  }
}

/** Every file below the directory `dir`, walking the directory listings: relative path -> id; undefined if no `dir`. */
async function walkBelow(c: NativeClient, dir: string): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  const pending = [dir];
  while (pending.length > 0) {
    const path = pending.pop()!;
    let after = '';
    do {
      const r = await c.call(
        'GET',
        `/api/v1/projects/${P}/dirs/${path}?limit=10000${after ? `&after=${after}` : ''}`,
      );
      if (r.status === 404 && path === dir) {
        assert.equal(r.json.error.code, 'NoSuchDirectory');
        return undefined;
      }
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
      for (const e of r.json.entries) {
        assert.equal(e.path, `${path}/${e.name}`);
        if (e.type === 'directory') pending.push(e.path);
        else out.set(e.path.slice(dir.length + 1), e.id);
      }
      after = r.json.next ?? '';
    } while (after);
  }
  return out;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

test(`SIGKILL during a move of ${TOTAL} files leaves the tree wholly at the old path or wholly at the new one`, {
  timeout: 300_000,
}, async (t) => {
  const dir = await tempDir('mimeo-move-crash');
  let s = await startServer({ dataDir: dir.path });
  try {
    let c = await client(s);
    assert.equal((await c.call('POST', '/api/v1/projects', { name: P })).status, 201);

    // The tree: a seed uploaded file by file, then copied up level by level.
    const built = Date.now();
    for (let i = 0; i < SEED; i += 10)
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const r = await c.raw('PUT', `/api/v1/projects/${P}/files/l0/f${i + k}`, content(`f${i + k}`));
          assert.equal(r.status, 201);
        }),
      );
    for (const [level, n] of FANOUT.entries()) {
      const to = level === FANOUT.length - 1 ? HOME : `l${level + 1}`;
      for (let j = 0; j < n; j++) await copyTree(c, `l${level}`, `${to}/c${j}`);
    }
    const ids = await filesBelow(c, HOME);
    assert.equal(ids.size, TOTAL);
    const topId = (await c.call('GET', `/api/v1/projects/${P}/dirs/?limit=10000`)).json.entries.find(
      (e: { name: string }) => e.name === HOME,
    ).id;
    t.diagnostic(`built ${TOTAL} files in ${Date.now() - built} ms`);

    const move = (from: string, to: string) =>
      c.call('POST', '/api/v1/move', {
        source: { project: P, path: `${from}/` },
        target: { project: P, path: to },
      });

    /** The tree is wholly at `at`, none of it at `other`, with every id it had and a sample of its bytes. */
    const assertWhole = async (at: string, other: string, where: string) => {
      const here = await filesBelow(c, at);
      const there = await filesBelow(c, other);
      assert.equal(there.size, 0, `${where}: ${there.size} files at '${other}' and ${here.size} at '${at}'`);
      assert.equal(here.size, TOTAL, `${where}: ${here.size} files at '${at}'`);
      assert.deepEqual(here, ids, `${where}: the files at '${at}' are not the ones made, under their ids`);
      assert.deepEqual(await walkBelow(c, at), ids, `${where}: the directory listings of '${at}'`);
      assert.equal(await walkBelow(c, other), undefined, `${where}: a directory is left at '${other}'`);
      const entry = await c.call('GET', `/api/v1/entries/${topId}`);
      assert.equal(entry.json.path, at, `${where}: the moved directory's entry`);
      const rels = [...ids.keys()];
      for (let k = 0; k < 25; k++) {
        const rel = rels[Math.floor(Math.random() * rels.length)]!;
        const r = await c.raw('GET', `/api/v1/projects/${P}/files/${at}/${rel}`);
        assert.equal(r.status, 200, `${where}: ${at}/${rel}`);
        assert.deepEqual(Buffer.from(await r.arrayBuffer()), content(rel), `${where}: ${at}/${rel}`);
      }
    };

    // How long a move takes when nothing stops it: there and back, twice.
    const spans: number[] = [];
    for (const [from, to] of [
      [HOME, AWAY],
      [AWAY, HOME],
      [HOME, AWAY],
      [AWAY, HOME],
    ] as const) {
      const started = performance.now();
      const r = await move(from, to);
      spans.push(performance.now() - started);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.id, topId);
    }
    await assertWhole(HOME, AWAY, 'after the timed moves');
    const span = Math.max(...spans);
    t.diagnostic(`a move of ${TOTAL} files takes ${spans.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    let at: string = HOME;
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const other = at === HOME ? AWAY : HOME;
      // Delays across the whole move, from its first millisecond to just past its response.
      const delay = (span * 1.2 * round) / (ROUNDS - 1) + Math.random() * (span / ROUNDS);
      let answered: number | undefined;
      const pending = move(at, other).then(
        (r) => {
          answered = r.status;
        },
        () => {},
      );
      await sleep(delay);
      s.proc.kill('SIGKILL');
      await s.exited;
      await pending;
      s = await startServer({ dataDir: dir.path });
      c = await client(s);
      const moved = (await filesBelow(c, other)).size > 0;
      const where = `round ${round} (killed after ${delay.toFixed(0)} ms, answered ${answered ?? 'no'})`;
      if (answered === 200) assert.ok(moved, `${where}: an acknowledged move was lost`);
      else assert.ok(answered === undefined, `${where}: the move answered ${answered}`);
      if (moved) await assertWhole(other, at, where);
      else await assertWhole(at, other, where);
      outcomes.push(
        `${delay.toFixed(0)} ms: ${moved ? 'moved' : 'not moved'}${answered ? ' (answered)' : ''}`,
      );
      if (moved) at = other;
    }
    t.diagnostic(`rounds: ${outcomes.join('; ')}`);
  } finally {
    // A failed assertion must not leave the server running.
    await s.stop('SIGKILL');
    await dir.remove();
  }
});
