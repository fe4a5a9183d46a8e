// sendRange's body: exactly the range planned, or an error naming the file when it became shorter meanwhile.
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exactly, FileChangedError } from './send-range.ts';

test('a range is read whole; a file cut short after planning fails with FileChangedError, a missing one with ENOENT', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mimeo-send-range-'));
  try {
    const file = join(dir, 'f.bin');
    await writeFile(file, Buffer.alloc(100_000, 7));
    const read = async (start: number, size: number) => {
      const chunks: Buffer[] = [];
      for await (const c of exactly(file, start, size)) chunks.push(c);
      return Buffer.concat(chunks);
    };
    assert.equal((await read(1000, 50_000)).length, 50_000);
    await truncate(file, 30_000);
    await assert.rejects(read(1000, 50_000), (err: unknown) => {
      assert.ok(err instanceof FileChangedError);
      assert.match((err as Error).message, /f\.bin' became shorter/);
      return true;
    });
    assert.equal((await read(0, 10)).length, 10);
    await rm(file);
    await assert.rejects(read(0, 10), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
