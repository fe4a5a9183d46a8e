// The SQLite store's sequence: drawn per batch in memory, it must reach the database before the batch is durable.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/stores.ts';
import { SqliteMetaStore } from './sqlite.ts';

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
