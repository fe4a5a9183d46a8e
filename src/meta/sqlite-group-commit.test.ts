// The SQLite store's group commit: members of a batch run without savepoints, a member refused after a write takes
// its batch with it and the others run again; sequence numbers are drawn per batch and must reach the database.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { META_KINDS, tempDir } from '../../test/helpers/stores.ts';
import type { MetaStore } from './meta-store.ts';
import { SqliteMetaStore } from './sqlite.ts';

const sqlite = META_KINDS.find((k) => k.name === 'sqlite')!;

/** Runs `fn` on a new SQLite store (the conformance suite's), and removes it. */
async function withStore(fn: (meta: MetaStore) => Promise<void>): Promise<void> {
  const { meta, close } = await sqlite.open();
  try {
    await fn(meta);
  } finally {
    await close();
  }
}

test('numbers drawn in batches are on disk: a store opened again draws above all of them', async () => {
  const dir = await tempDir('mimeo-seq');
  try {
    const path = join(dir.path, 'meta.sqlite');
    let meta = new SqliteMetaStore({ path });
    await meta.migrate();
    // Concurrent writers gather in batches; each batch writes its last number back as it commits.
    const drawn = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        meta.tx(async (tx) => (i % 4 === 0 ? tx.nextSeqs(5) : [await tx.nextSeq()])),
      ),
    );
    await meta.close();
    meta = new SqliteMetaStore({ path });
    await meta.migrate();
    const next = await meta.tx((tx) => tx.nextSeq());
    await meta.close();
    const highest = Math.max(...drawn.flat());
    assert.equal(new Set(drawn.flat()).size, drawn.flat().length);
    assert.equal(next, highest + 1);
  } finally {
    await dir.remove();
  }
});

test('a writer that throws after a write takes its batch with it: the others run again and commit once', async () => {
  await withStore(async (meta) => {
    const attempts = new Map<number, number>();
    const hooks = new Map<number, number>();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        meta.tx(async (tx) => {
          attempts.set(i, (attempts.get(i) ?? 0) + 1);
          tx.onCommit(() => hooks.set(i, (hooks.get(i) ?? 0) + 1));
          await tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [`w-${i}`, String(i)]);
          if (i === 12) throw new Error('refused after a write');
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      results.map((_, i) => (i === 12 ? 'rejected' : 'fulfilled')),
    );
    const rows = await meta.tx(
      (tx) => tx.all<{ name: string }>("SELECT name FROM settings WHERE name LIKE 'w-%'"),
      {
        readOnly: true,
      },
    );
    assert.deepEqual(
      rows.map((r) => r.name).sort(),
      results.flatMap((_, i) => (i === 12 ? [] : [`w-${i}`])).sort(),
    );
    // The writers batched with the one that failed ran twice; each committed writer's hook ran once.
    assert.ok(
      [...attempts.values()].some((n) => n > 1),
      'no writer ran again',
    );
    assert.deepEqual(
      [...hooks].sort((a, b) => a[0] - b[0]),
      results.flatMap((_, i) => (i === 12 ? [] : [[i, 1]])),
    );
  });
});

test('a writer that throws before it writes leaves its batch alone: nobody runs twice', async () => {
  await withStore(async (meta) => {
    const attempts = new Map<number, number>();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        meta.tx(async (tx) => {
          attempts.set(i, (attempts.get(i) ?? 0) + 1);
          const taken = await tx.get('SELECT name FROM settings WHERE name = ?', [`r-${i}`]);
          if (i % 7 === 3 || taken) throw new Error('refused before writing');
          await tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [`r-${i}`, String(i)]);
          return i;
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'rejected').length, 4);
    assert.deepEqual([...new Set(attempts.values())], [1]);
    const n = await meta.tx((tx) =>
      tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM settings WHERE name LIKE 'r-%'"),
    );
    assert.equal(Number(n?.n), 26);
  });
});

test('after a batch is rolled back, writers refused after a write take nobody else with them', async () => {
  await withStore(async (meta) => {
    const wave = (tag: string, refuse: (i: number) => boolean) => {
      const attempts = new Map<number, number>();
      const done = Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          meta.tx(async (tx) => {
            attempts.set(i, (attempts.get(i) ?? 0) + 1);
            await tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [`${tag}-${i}`, String(i)]);
            if (refuse(i)) throw new Error('refused after a write');
          }),
        ),
      );
      return { attempts, done };
    };
    const first = wave('a', (i) => i === 20);
    await first.done;
    assert.ok(Math.max(...first.attempts.values()) === 2, 'the first rollback runs writers again, once');
    // Refusals go on: the batches are careful now, and each refusal undoes its own writes only.
    const second = wave('b', (i) => i % 6 === 5);
    const results = await second.done;
    assert.deepEqual([...new Set(second.attempts.values())], [1]);
    const rows = await meta.tx((tx) =>
      tx.all<{ name: string }>("SELECT name FROM settings WHERE name LIKE 'b-%'"),
    );
    assert.deepEqual(
      rows.map((r) => r.name).sort(),
      results.flatMap((r, i) => (r.status === 'fulfilled' ? [`b-${i}`] : [])).sort(),
    );
    assert.equal(rows.length, 25);
  });
});
