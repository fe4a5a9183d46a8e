// One MetaStore conformance suite, run against sqlite and postgres.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MetaStore } from '../src/meta/meta-store.ts';
import { MIGRATIONS } from '../src/meta/migrations.ts';
import { META_KINDS } from './helpers/stores.ts';

for (const kind of META_KINDS) {
  describe(`MetaStore conformance: ${kind.name}`, { skip: kind.skip }, () => {
    let meta: MetaStore;
    let close: () => Promise<void>;
    before(async () => {
      ({ meta, close } = await kind.open());
    });
    after(async () => close());

    test('migrations are idempotent', async () => {
      await meta.migrate();
      const n = await meta.tx((tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations'));
      assert.equal(Number(n?.n), MIGRATIONS.length);
    });

    test('concurrent writers all commit once, and each sees its own commit when it returns', async () => {
      const names = Array.from({ length: 100 }, (_, i) => `concurrent-${i}`);
      await Promise.all(
        names.map(async (name) => {
          await meta.tx((tx) => tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [name, name]));
          const row = await meta.tx(
            (tx) => tx.get<{ value: string }>('SELECT value FROM settings WHERE name = ?', [name]),
            { readOnly: true },
          );
          assert.equal(row?.value, name);
        }),
      );
      const n = await meta.tx((tx) =>
        tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM settings WHERE name LIKE 'concurrent-%'"),
      );
      assert.equal(Number(n?.n), 100);
    });

    test('among concurrent writers, the ones that throw leave nothing and the others all commit', async () => {
      await meta.tx((tx) => tx.run("INSERT INTO settings (name, value) VALUES ('dup', 'x')"));
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          meta.tx(async (tx) => {
            await tx.run('INSERT INTO settings (name, value) VALUES (?, ?)', [`mixed-${i}`, String(i)]);
            if (i % 3 === 0) throw new Error(`refused ${i}`);
            // A constraint failure is an error of the statement, not of the whole transaction.
            if (i % 3 === 1) await tx.run("INSERT INTO settings (name, value) VALUES ('dup', 'y')");
            return i;
          }),
        ),
      );
      const kept = await meta.tx((tx) =>
        tx.all<{ name: string }>("SELECT name FROM settings WHERE name LIKE 'mixed-%' ORDER BY name"),
      );
      const fulfilled = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`mixed-${i}`] : []));
      assert.deepEqual(kept.map((r) => r.name).sort(), fulfilled.sort());
      assert.equal(fulfilled.length, 20);
      assert.ok(results.every((r, i) => (r.status === 'fulfilled') === (i % 3 === 2)));
    });

    test('a committed transaction is visible; a thrown one leaves nothing', async () => {
      await meta.tx((tx) => tx.run("INSERT INTO settings (name, value) VALUES ('a', '1')"));
      await assert.rejects(
        meta.tx(async (tx) => {
          await tx.run("INSERT INTO settings (name, value) VALUES ('b', '2')");
          throw new Error('boom');
        }),
        /boom/,
      );
      const rows = await meta.tx(
        (tx) => tx.all<{ name: string }>("SELECT name FROM settings WHERE name IN ('a', 'b') ORDER BY name"),
        { readOnly: true },
      );
      assert.deepEqual(
        rows.map((r) => r.name),
        ['a'],
      );
    });

    test('onCommit runs once the transaction has committed, and never for one that throws', async () => {
      const seen: (string | undefined)[] = [];
      let reading: Promise<void> | undefined;
      await meta.tx(async (tx) => {
        await tx.run("INSERT INTO settings (name, value) VALUES ('hooked', 'yes')");
        tx.onCommit(() => {
          // Another connection sees the row: the hook came after the commit.
          reading = meta
            .tx((r) => r.get<{ value: string }>("SELECT value FROM settings WHERE name = 'hooked'"), {
              readOnly: true,
            })
            .then((row) => void seen.push(row?.value));
        });
      });
      assert.ok(reading, 'the hook ran before tx resolved');
      await reading;
      assert.deepEqual(seen, ['yes']);
      let thrown = 0;
      await assert.rejects(
        meta.tx(async (tx) => {
          tx.onCommit(() => thrown++);
          await tx.run("INSERT INTO settings (name, value) VALUES ('unhooked', 'no')");
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(thrown, 0);
    });

    test('placeholders bind in order; BIGINT comes back as a number', async () => {
      const big = 2 ** 40 + 7;
      await meta.tx((tx) => tx.run('INSERT INTO leases (id, expires_at) VALUES (?, ?)', ['lease-x', big]));
      const row = await meta.tx((tx) =>
        tx.get<{ id: string; expires_at: number }>('SELECT id, expires_at FROM leases WHERE id = ?', [
          'lease-x',
        ]),
      );
      assert.deepEqual({ ...row }, { id: 'lease-x', expires_at: big });
    });

    test('the sequence is monotone and snapshotSeq is above every number taken before it', async () => {
      const a = await meta.tx((tx) => tx.nextSeq());
      const b = await meta.tx((tx) => tx.nextSeq());
      const s = await meta.snapshotSeq();
      assert.ok(a < b && b < s, `${a} < ${b} < ${s}`);
    });

    test('concurrent writers draw distinct numbers, each run increasing, and later ones draw above', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          meta.tx(async (tx) => {
            const drawn = i % 2 === 0 ? [await tx.nextSeq()] : await tx.nextSeqs(3);
            // A writer that throws after drawing: its numbers go to nobody else.
            if (i % 5 === 0) throw new Error(`refused ${i}`);
            return drawn;
          }),
        ),
      );
      const committed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      assert.equal(committed.length, 48);
      // nextSeqs promises increasing numbers, not adjacent ones (PostgreSQL's concurrent sessions interleave).
      for (const run of committed)
        assert.ok(
          run.every((n, k) => k === 0 || n > run[k - 1]!),
          `${run} increases`,
        );
      const all = committed.flat();
      assert.equal(new Set(all).size, all.length, 'a number was drawn twice');
      const next = await meta.tx((tx) => tx.nextSeq());
      assert.ok(
        all.every((n) => n < next),
        `${next} is above ${Math.max(...all)}`,
      );
    });

    test('foreign keys hold: an extent cannot name a missing block', async () => {
      await assert.rejects(
        meta.tx(async (tx) => {
          await tx.run("INSERT INTO manifests (id, size, extent_count, created_at) VALUES ('m1', 1, 1, 0)");
          await tx.run(
            "INSERT INTO extents (manifest_id, file_offset, length, block_id, block_offset) VALUES ('m1', 0, 1, 'nope', 0)",
          );
        }),
      );
    });

    test('paths sort and compare byte by byte (UTF-8 order, as S3 lists)', async () => {
      const names = ['b', 'B', 'a/b', 'a-b', 'é', 'z', '\u{1F600}'];
      await meta.tx(async (tx) => {
        await tx.run(
          "INSERT INTO projects (id, name, owner_id, created_at) VALUES ('pcol', 'pcol', 'root', 0)",
        );
        for (const [i, n] of names.entries()) {
          await tx.run(
            "INSERT INTO files (id, project_id, path, type, created_at) VALUES (?, 'pcol', ?, 'file', 0)",
            [`fc${i}`, n],
          );
        }
      });
      const rows = await meta.tx((tx) =>
        tx.all<{ path: string }>("SELECT path FROM files WHERE project_id = 'pcol' ORDER BY path"),
      );
      const expected = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual(
        rows.map((r) => r.path),
        expected,
      );
    });

    test('concurrent read-modify-write transactions never lose an update', async () => {
      await meta.tx((tx) => tx.run("INSERT INTO settings (name, value) VALUES ('counter', '0')"));
      let hooks = 0;
      await Promise.all(
        Array.from({ length: 16 }, () =>
          meta.tx(async (tx) => {
            tx.onCommit(() => hooks++);
            const r = await tx.get<{ value: string }>("SELECT value FROM settings WHERE name = 'counter'");
            await tx.run("UPDATE settings SET value = ? WHERE name = 'counter'", [
              String(Number(r!.value) + 1),
            ]);
          }),
        ),
      );
      const r = await meta.tx((tx) =>
        tx.get<{ value: string }>("SELECT value FROM settings WHERE name = 'counter'"),
      );
      assert.equal(r!.value, '16');
      // A transaction that ran again registered its hook in each attempt; only the committed one ran.
      assert.equal(hooks, 16);
    });
  });
}
