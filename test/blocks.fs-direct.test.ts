// The file block store writes a large block from page-aligned memory straight to the disk, past the page cache.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { alignedShared } from '../src/blocks/aligned.ts';
import { FsBlockStore } from '../src/blocks/fs.ts';
import { newBlockId } from '../src/core/ids.ts';
import { bytes } from './helpers/data.ts';
import { tempDir } from './helpers/stores.ts';

const MiB = 1024 * 1024;

/** Bytes of the file in the page cache, as `fincore` (Debian's util-linux-extra) reports them. */
const cached = (path: string) =>
  Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path]).toString().trim());

/** Whether `fincore` runs here (`.ci/run` installs it); without it the page cache is not looked at. */
const FINCORE = (() => {
  try {
    execFileSync('fincore', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const NO_FINCORE = 'fincore (util-linux-extra) is not installed: the page cache is not looked at';

/** Whether the file system under `dir` takes direct writes. */
function takesDirect(dir: string): boolean {
  const probe = join(dir, 'probe');
  try {
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT, 0o600));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}

const blockPath = (root: string, id: string) => `${root}/blocks/${id.slice(-4, -2)}/${id.slice(-2)}/${id}`;

test('fs: a block in page-aligned memory reaches the disk past the page cache, byte for byte, at any length', async (t) => {
  const dir = await tempDir('mimeo-direct');
  t.after(dir.remove);
  if (!takesDirect(dir.path)) return t.skip('this file system takes no direct writes');
  if (!FINCORE) t.diagnostic(NO_FINCORE);
  const store = new FsBlockStore({ root: dir.path });
  await store.init();
  for (const size of [MiB, MiB + 16, MiB + 4095, 3 * MiB + 5000, 8 * MiB + 16]) {
    const expected = bytes(size, size % 251);
    const data = alignedShared(size);
    data.set(expected);
    const id = newBlockId();
    let copies = 0;
    await store.put({
      id,
      data,
      copied: () => {
        copies++;
        // The caller reuses its buffer while the block is synced.
        data.fill(0);
      },
    });
    assert.equal(copies, 1);
    const path = blockPath(dir.path, id);
    assert.equal((await stat(path)).size, size);
    // At most the last partial page went through the page cache.
    if (FINCORE) assert.ok(cached(path) <= 4096, `${size}: ${cached(path)} bytes cached`);
    assert.deepEqual(await readFile(path), expected, `${size} bytes read back`);
    assert.deepEqual(await store.read({ id }), expected);
  }
});

test('fs: a block in memory off a page boundary, or small, goes through the page cache as before', {
  skip: !FINCORE && NO_FINCORE,
}, async (t) => {
  const dir = await tempDir('mimeo-direct');
  t.after(dir.remove);
  const store = new FsBlockStore({ root: dir.path });
  await store.init();
  const aligned = alignedShared(2 * MiB + 64);
  const cases = [
    { what: 'an ordinary shared buffer', data: Buffer.from(new SharedArrayBuffer(2 * MiB)) },
    { what: 'a view 16 bytes into aligned memory', data: aligned.subarray(16, 16 + 2 * MiB) },
    { what: 'a block under 1 MiB in aligned memory', data: alignedShared(MiB - 4096) },
  ];
  for (const c of cases) {
    const expected = bytes(c.data.byteLength, 5);
    c.data.set(expected);
    const id = newBlockId();
    await store.put({ id, data: c.data });
    const path = blockPath(dir.path, id);
    assert.equal(cached(path), c.data.byteLength, `${c.what}: all of it in the page cache`);
    assert.deepEqual(await store.read({ id }), expected, c.what);
  }
});
