// Core: streamed upload and download, checksums, ranges, conditions, bad input, writes at an offset and truncate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { listFiles, listObjectKeys } from '../../src/core/list.ts';
import { createProject, deleteProject } from '../../src/core/projects.ts';
import { openRead, stat } from '../../src/core/read.ts';
import { putFile, setLabels, truncateFile, writeAt } from '../../src/core/write.ts';
import { count, forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes, collect, md5hex, sha256hex } from '../helpers/data.ts';
import { overwriteBlock } from '../helpers/stores.ts';

const BS = 4096;

/** Runs `fn` with blocks of `size` bytes, then puts the store's limits back. */
async function withBlockSize(deps: { limits: { blockSize: number } }, size: number, fn: () => Promise<void>) {
  const saved = deps.limits;
  deps.limits = { ...saved, blockSize: size };
  try {
    await fn();
  } finally {
    deps.limits = saved;
  }
}

forEachStore(
  'core files',
  (get) => {
    test('upload streams into blocks; download returns the same bytes and checksums computed in flight', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(10 * BS + 123, 11);
      const v = await put(deps, p, 'dir/a.bin', data);
      assert.equal(v.size, data.length);
      assert.equal(v.etag, md5hex(data));
      assert.equal(v.checksums.sha256, sha256hex(data));
      assert.equal(v.checksums.crc64nvme, new Crc64Nvme().update(data).digest());
      assert.deepEqual(await read(deps, p, 'dir/a.bin'), data);
      const s = await stat(deps, root, { id: v.fileId });
      assert.equal(s.path, 'dir/a.bin');
    });

    test('large blocks are hashed off the main thread: digests, block rows and reads all agree', async () => {
      const { deps } = get();
      await withBlockSize(deps, 512 * 1024, async () => {
        const p = await newProject(deps);
        const data = bytes(3 * 512 * 1024 + 300_000, 31);
        const v = await put(deps, p, 'large', data);
        assert.deepEqual(
          [v.etag, v.checksums.sha256, v.checksums.crc64nvme],
          [md5hex(data), sha256hex(data), new Crc64Nvme().update(data).digest()],
        );
        const rows = await deps.meta.tx((tx) =>
          tx.all<{ id: string; sha256: string; size: number }>(
            'SELECT b.id, b.sha256, b.size FROM extents e JOIN blocks b ON b.id = e.block_id WHERE e.manifest_id = ? ORDER BY e.file_offset',
            [v.streams['']!.manifestId],
          ),
        );
        // Each block is stored sealed, its GCM tag after it: its row keeps no sha256 (the tag authenticates it).
        assert.equal(rows.length, 4);
        for (const [i, r] of rows.entries()) {
          const plain = data.subarray(i * 512 * 1024, (i + 1) * 512 * 1024);
          const stored = await deps.blocks.read({ id: r.id });
          assert.equal(r.size, plain.length);
          assert.equal(stored.length, plain.length + 16);
          assert.equal(r.sha256, '');
          assert.ok(!stored.subarray(0, plain.length).equals(plain));
        }
        assert.deepEqual(await read(deps, p, 'large'), data);
      });
    });

    test('md5 of large bodies: a short tail after large blocks, bodies side by side, a wrong Content-MD5 on one', async () => {
      const { deps } = get();
      await withBlockSize(deps, 512 * 1024, async () => {
        const p = await newProject(deps);
        // Two large blocks, then a tail too short for a shared buffer.
        const a = bytes(2 * 512 * 1024 + 1000, 51);
        const b = bytes(5 * 512 * 1024 + 17, 52);
        const [va, vb] = await Promise.all([put(deps, p, 'a', a), put(deps, p, 'b', b)]);
        assert.deepEqual([va.etag, vb.etag], [md5hex(a), md5hex(b)]);
        await rejectsWith(
          putFile(deps, root, {
            project: p,
            path: 'c',
            body: body(b),
            contentMd5: Buffer.alloc(16).toString('base64'),
          }),
          'BadDigest',
        );
        await rejectsWith(read(deps, p, 'c'), 'NoSuchKey');
        const vc = await putFile(deps, root, {
          project: p,
          path: 'c',
          body: body(b),
          contentMd5: Buffer.from(md5hex(b), 'hex').toString('base64'),
        });
        assert.equal(vc.etag, md5hex(b));
        assert.deepEqual(await read(deps, p, 'a'), a);
      });
    });

    test('a large block, deciphered in turns, with one byte changed fails its authentication; its neighbours read', async () => {
      const { deps } = get();
      await withBlockSize(deps, 1024 * 1024, async () => {
        const p = await newProject(deps);
        const data = bytes(2 * 1024 * 1024, 41);
        const v = await put(deps, p, 'tampered', data);
        const ids = await deps.meta.tx((tx) =>
          tx.all<{ block_id: string }>(
            'SELECT block_id FROM extents WHERE manifest_id = ? ORDER BY file_offset',
            [v.streams['']!.manifestId],
          ),
        );
        const second = ids[1]!.block_id;
        const stored = await deps.blocks.read({ id: second });
        stored[1000]! ^= 0x01;
        await overwriteBlock(get(), second, stored);
        await rejectsWith(read(deps, p, 'tampered'), 'DataCorrupted');
        // The first block still opens, in a whole read of its range and again after the failure.
        const first = await openRead(deps, root, {
          project: p,
          path: 'tampered',
          range: { first: 0, last: 1024 * 1024 - 1 },
        });
        assert.deepEqual(await collect(first.body), data.subarray(0, 1024 * 1024));
      });
    });

    test('a project deleted and made anew during an upload receives the upload; the old one is gone', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(3 * BS + 100, 53);
      async function* slow() {
        yield data.subarray(0, BS);
        // Empty until the upload commits, so it may be deleted; then a project of the same name is made.
        await deleteProject(deps, root, p);
        await createProject(deps, root, { name: p });
        yield data.subarray(BS);
      }
      const v = await putFile(deps, root, { project: p, path: 'moved', body: slow() });
      assert.equal(v.etag, md5hex(data));
      assert.deepEqual(await read(deps, p, 'moved'), data);
      const rows = await deps.meta.tx((tx) =>
        tx.all<{ project_id: string }>('SELECT project_id FROM files WHERE path = ?', ['moved']),
      );
      const now = await deps.meta.tx((tx) =>
        tx.get<{ id: string }>('SELECT id FROM projects WHERE name = ?', [p]),
      );
      assert.deepEqual(
        rows.map((r) => r.project_id),
        [now!.id],
      );
    });

    test('a key listing shows, in brief, what the full listing shows, page by page', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      for (const path of ['k/a', 'k/b/c', 'k/d', 'k/e']) await put(deps, p, path, bytes(path.length * 10, 1));
      const full = await listFiles(deps, root, { project: p, prefix: 'k/', delimiter: '/', limit: 2 });
      const brief = await listObjectKeys(deps, root, { project: p, prefix: 'k/', delimiter: '/', limit: 2 });
      assert.deepEqual(brief, {
        ...full,
        entries: full.entries.map((e) => ({
          path: e.path,
          size: e.size,
          etag: e.etag,
          modifiedAt: e.modifiedAt,
          crc64: e.checksums.crc64nvme !== undefined,
        })),
      });
      assert.deepEqual(
        [brief.entries.map((e) => [e.path, e.size, e.crc64]), brief.prefixes, brief.truncated],
        [[['k/a', 30, true]], ['k/b/'], true],
      );
      const rest = await listObjectKeys(deps, root, {
        project: p,
        prefix: 'k/',
        delimiter: '/',
        after: brief.next!,
      });
      assert.deepEqual(
        rest.entries.map((e) => e.path),
        ['k/d', 'k/e'],
      );
    });

    test('an empty file round-trips', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const v = await put(deps, p, 'empty', Buffer.alloc(0));
      assert.equal(v.etag, md5hex(Buffer.alloc(0)));
      assert.deepEqual(await read(deps, p, 'empty'), Buffer.alloc(0));
    });

    test('single ranges: first-last, open-ended, suffix, across blocks; an unsatisfiable one is InvalidRange', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(3 * BS + 10, 12);
      await put(deps, p, 'r', data);
      const cases: [object, number, number][] = [
        [{ first: 0, last: 0 }, 0, 1],
        [{ first: BS - 2, last: BS + 1 }, BS - 2, BS + 2],
        [{ first: 2 * BS + 5 }, 2 * BS + 5, data.length],
        [{ suffix: 7 }, data.length - 7, data.length],
        [{ first: 5, last: 10 ** 9 }, 5, data.length],
      ];
      for (const [range, s, e] of cases) {
        const r = await openRead(deps, root, { project: p, path: 'r', range: range as never });
        assert.deepEqual(r.range, { start: s, end: e });
        assert.deepEqual(await collect(r.body), data.subarray(s, e), JSON.stringify(range));
      }
      await rejectsWith(
        openRead(deps, root, { project: p, path: 'r', range: { first: data.length } }),
        'InvalidRange',
      );
    });

    test('conditional reads: NotModified and PreconditionFailed', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const v = await put(deps, p, 'c', bytes(10));
      await rejectsWith(
        openRead(deps, root, { project: p, path: 'c', conditions: { ifNoneMatch: [`"${v.etag}"`] } }),
        'NotModified',
      );
      await rejectsWith(
        openRead(deps, root, { project: p, path: 'c', conditions: { ifMatch: ['"other"'] } }),
        'PreconditionFailed',
      );
      await rejectsWith(
        openRead(deps, root, {
          project: p,
          path: 'c',
          conditions: { ifModifiedSince: new Date(Date.now() + 60_000) },
        }),
        'NotModified',
      );
      const ok = await openRead(deps, root, {
        project: p,
        path: 'c',
        conditions: { ifMatch: [`"${v.etag}"`] },
      });
      assert.equal((await collect(ok.body)).length, 10);
    });

    test('conditional writes: a failed If-Match or If-None-Match * changes nothing', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const first = bytes(100, 1);
      const v = await put(deps, p, 'w', first);
      await rejectsWith(
        putFile(deps, root, {
          project: p,
          path: 'w',
          body: body(bytes(5)),
          conditions: { ifMatch: ['"nope"'] },
        }),
        'PreconditionFailed',
      );
      await rejectsWith(
        putFile(deps, root, {
          project: p,
          path: 'w',
          body: body(bytes(5)),
          conditions: { ifNoneMatch: ['*'] },
        }),
        'PreconditionFailed',
      );
      assert.deepEqual(await read(deps, p, 'w'), first);
      const v2 = await putFile(deps, root, {
        project: p,
        path: 'w',
        body: body(bytes(5, 2)),
        conditions: { ifMatch: [`"${v.etag}"`] },
      });
      assert.equal(v2.etag, md5hex(bytes(5, 2)));
      await putFile(deps, root, {
        project: p,
        path: 'new',
        body: body(bytes(5)),
        conditions: { ifNoneMatch: ['*'] },
      });
    });

    test('a wrong Content-MD5 or a short body stores nothing', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(1000);
      await rejectsWith(
        putFile(deps, root, {
          project: p,
          path: 'm',
          body: body(data),
          contentMd5: Buffer.alloc(16).toString('base64'),
        }),
        'BadDigest',
      );
      await rejectsWith(
        putFile(deps, root, { project: p, path: 'm', body: body(data), size: 2000 }),
        'IncompleteBody',
      );
      await rejectsWith(read(deps, p, 'm'), 'NoSuchKey');
      await putFile(deps, root, {
        project: p,
        path: 'm',
        body: body(data),
        contentMd5: Buffer.from(md5hex(data), 'hex').toString('base64'),
        size: 1000,
      });
    });

    test('bad input: unknown project, .., NUL, over-long path, leading slash', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const before = await count(deps, 'versions');
      await rejectsWith(put(deps, 'no-such-project', 'a', bytes(1)), 'NoSuchProject');
      await rejectsWith(put(deps, p, 'a/../b', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, 'a\0b', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, '/abs', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, 'a//b', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, 'a//', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, '/', bytes(1)), 'InvalidPath');
      await rejectsWith(put(deps, p, 'x'.repeat(1025), bytes(1)), 'KeyTooLong');
      assert.equal(await count(deps, 'versions'), before);
    });

    test('writes at an offset: inside, across blocks, and past the end (the gap reads as zeros)', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const ref = Buffer.from(bytes(3 * BS, 21));
      await put(deps, p, 'q', ref);
      const patches: [number, number][] = [
        [10, 20],
        [BS - 5, 10],
        [2 * BS + 100, BS],
        [5 * BS, 100],
      ];
      let expected = ref;
      for (const [off, len] of patches) {
        const patch = bytes(len, off + 1);
        await writeAt(deps, root, { project: p, path: 'q', offset: off, body: body(patch) });
        const size = Math.max(expected.length, off + len);
        const next = Buffer.alloc(size);
        expected.copy(next);
        patch.copy(next, off);
        expected = next;
        const v = await stat(deps, root, { project: p, path: 'q' });
        assert.equal(v.size, expected.length);
        assert.equal(
          v.checksums.crc64nvme,
          new Crc64Nvme().update(expected).digest(),
          `crc after write at ${off}`,
        );
      }
      assert.deepEqual(await read(deps, p, 'q'), expected);
      await rejectsWith(
        writeAt(deps, root, { project: p, path: 'q', offset: -1, body: body(bytes(1)) }),
        'InvalidArgument',
      );
    });

    test('a file of no extent, and one whose only extent follows a hole, read whole and by every kind of window', async () => {
      // Reads of a file whose manifest has one extent or none take it from the lookup of the file itself.
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'empty', Buffer.alloc(0));
      assert.deepEqual(await read(deps, p, 'empty'), Buffer.alloc(0));
      assert.deepEqual(await read(deps, p, 'empty', { window: { offset: 0, length: 10 } }), Buffer.alloc(0));
      const data = Buffer.from(bytes(500, 77));
      await put(deps, p, 'sparse', Buffer.alloc(0));
      await writeAt(deps, root, { project: p, path: 'sparse', offset: 3000, body: body(data) });
      const expected = Buffer.concat([Buffer.alloc(3000), data]);
      assert.deepEqual(await read(deps, p, 'sparse'), expected);
      for (const [offset, length] of [
        [0, 100],
        [2990, 20],
        [3100, 100],
        [3400, 600],
        [3500, 10],
      ] as const) {
        assert.deepEqual(
          await read(deps, p, 'sparse', { window: { offset, length } }),
          expected.subarray(offset, offset + length),
          `window ${offset}+${length}`,
        );
      }
      const small = Buffer.from(bytes(100, 78));
      await put(deps, p, 'small', small);
      assert.deepEqual(
        await read(deps, p, 'small', { window: { offset: 40, length: 20 } }),
        small.subarray(40, 60),
      );
    });

    test('truncate cuts and extends with zeros', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(2 * BS + 7, 5);
      await put(deps, p, 't', data);
      await truncateFile(deps, root, { project: p, path: 't', size: BS + 3 });
      assert.deepEqual(await read(deps, p, 't'), data.subarray(0, BS + 3));
      await truncateFile(deps, root, { project: p, path: 't', size: BS + 10 });
      assert.deepEqual(await read(deps, p, 't'), Buffer.concat([data.subarray(0, BS + 3), Buffer.alloc(7)]));
      const v = await stat(deps, root, { project: p, path: 't' });
      assert.equal(v.checksums.crc64nvme, new Crc64Nvme().update(await read(deps, p, 't')).digest());
    });

    test('named streams sit next to the default stream', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const main = bytes(500, 1);
      const side = bytes(300, 2);
      await put(deps, p, 's', main);
      await putFile(deps, root, { project: p, path: 's', stream: 'thumb', body: body(side) });
      assert.deepEqual(await read(deps, p, 's'), main);
      assert.deepEqual(await read(deps, p, 's', { stream: 'thumb' }), side);
      await rejectsWith(read(deps, p, 's', { stream: 'nope' }), 'NoSuchStream');
    });

    test('tags and properties change in place; user metadata is kept', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await putFile(deps, root, {
        project: p,
        path: 'l',
        body: body(bytes(3)),
        userMetadata: { owner: 'ana' },
        contentType: 'text/plain',
      });
      await setLabels(deps, root, { project: p, path: 'l', tags: { a: '1' }, properties: { lab: 'x' } });
      const v = await stat(deps, root, { project: p, path: 'l' });
      assert.deepEqual(
        [v.tags, v.properties, v.userMetadata, v.contentType],
        [{ a: '1' }, { lab: 'x' }, { owner: 'ana' }, 'text/plain'],
      );
    });

    test('a corrupted block is detected on read', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'bad', bytes(BS * 2, 77));
      const v = await stat(deps, root, { project: p, path: 'bad' });
      const ext = await deps.meta.tx((tx) =>
        tx.get<{ block_id: string }>(
          'SELECT block_id FROM extents WHERE manifest_id = ? ORDER BY file_offset',
          [v.streams['']!.manifestId],
        ),
      );
      const id = ext!.block_id;
      await overwriteBlock(get(), id, bytes(BS, 1));
      await rejectsWith(read(deps, p, 'bad'), 'DataCorrupted');
      // The bad block is kept for inspection.
      assert.deepEqual(await deps.blocks.read({ id }), bytes(BS, 1));
    });
  },
  { limits: { blockSize: BS } },
);
