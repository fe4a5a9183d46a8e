// Core: the copy engine. Whole copies share manifests; range copies are checked byte for byte against a reference.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { createUser } from '../../src/auth/users.ts';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { defaultRenamer } from '../../src/core/commit.ts';
import { copyFile } from '../../src/core/copy.ts';
import type { CopyRequest, Principal } from '../../src/core/model.ts';
import { setMember, setVersioning } from '../../src/core/projects.ts';
import { stat } from '../../src/core/read.ts';
import { createSnapshot } from '../../src/core/snapshots.ts';
import { putFile, writeAt } from '../../src/core/write.ts';
import { count, forEachStore, newProject, put, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes, md5hex } from '../helpers/data.ts';

const BS = 1024;

/** Applies a range copy to plain buffers: the reference every range copy is checked against. */
function reference(
  src: Buffer,
  target: Buffer | undefined,
  so: number,
  len: number | undefined,
  to: number,
): Buffer {
  const n = Math.min(len ?? src.length - so, src.length - so);
  const t = target ?? Buffer.alloc(0);
  const out = Buffer.alloc(Math.max(t.length, to + n));
  t.copy(out);
  src.copy(out, to, so, so + n);
  return out;
}

forEachStore(
  'core copy',
  (get) => {
    test('a whole copy shares the manifest: no block, extent or manifest is written, ETag and checksums survive', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(20 * BS + 5, 1);
      const src = await put(deps, p, 'src.bin', data);
      const before = await Promise.all([
        count(deps, 'blocks'),
        count(deps, 'extents'),
        count(deps, 'manifests'),
      ]);
      const r = await copyFile(deps, root, {
        source: { project: p, path: 'src.bin' },
        target: { project: p, path: 'dst.bin' },
      });
      assert.deepEqual(
        await Promise.all([count(deps, 'blocks'), count(deps, 'extents'), count(deps, 'manifests')]),
        before,
      );
      assert.equal(r.mode, 'reference');
      assert.equal(r.bytes, data.length);
      assert.deepEqual(
        [r.source.etag, r.source.versionId, r.source.fileId],
        [src.etag, src.versionId, src.fileId],
      );
      assert.deepEqual(r.checksums, src.checksums);
      const dst = await stat(deps, root, { project: p, path: 'dst.bin' });
      assert.equal(dst.streams['']!.manifestId, src.streams['']!.manifestId);
      assert.equal(dst.etag, src.etag);
      assert.deepEqual(dst.lineage, {
        fileId: src.fileId,
        versionId: src.versionId,
        etag: src.etag,
        project: p,
        path: 'src.bin',
      });
      assert.deepEqual(await read(deps, p, 'dst.bin'), data);
    });

    test('into another project under a new name; controlled data never lands in an open project', async () => {
      const { deps } = get();
      const a = await newProject(deps);
      const b = await newProject(deps);
      const secret = await newProject(deps, { dataClass: 'controlled' });
      const data = bytes(3000, 2);
      await put(deps, a, 'x', data);
      await put(deps, secret, 'x', data);
      await copyFile(deps, root, {
        source: { project: a, path: 'x' },
        target: { project: b, path: 'deep/renamed.dat' },
      });
      assert.deepEqual(await read(deps, b, 'deep/renamed.dat'), data);
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: secret, path: 'x' },
          target: { project: b, path: 'leak' },
        }),
        'ControlledDataInOpenProject',
      );
      await rejectsWith(read(deps, b, 'leak'), 'NoSuchKey');
      const c2 = await newProject(deps, { dataClass: 'controlled' });
      await copyFile(deps, root, {
        source: { project: secret, path: 'x' },
        target: { project: c2, path: 'ok' },
      });
    });

    test('conflict policy: fail is a Conflict, overwrite replaces, rename picks "name (n).ext"', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await put(deps, p, 'a.txt', bytes(10, 1));
      await put(deps, p, 'b.txt', bytes(10, 2));
      const req = (conflict: CopyRequest['conflict']): CopyRequest => ({
        source: { project: p, path: 'a.txt' },
        target: { project: p, path: 'b.txt' },
        conflict,
      });
      await rejectsWith(copyFile(deps, root, req('fail')), 'Conflict');
      assert.deepEqual(await read(deps, p, 'b.txt'), bytes(10, 2));
      const r1 = await copyFile(deps, root, req('rename'));
      const r2 = await copyFile(deps, root, req('rename'));
      assert.deepEqual([r1.target.path, r2.target.path], ['b (1).txt', 'b (2).txt']);
      assert.deepEqual(
        ['logs/', 'a/b.tar.gz', '.hidden'].map((path) => defaultRenamer(path, 3)),
        ['logs (3)/', 'a/b.tar (3).gz', '.hidden (3)'],
      );
      await copyFile(deps, root, req('overwrite'));
      assert.deepEqual(await read(deps, p, 'b.txt'), bytes(10, 1));
    });

    test('metadata directives: copy, replace and merge', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await putFile(deps, root, {
        project: p,
        path: 'm',
        body: body(bytes(4)),
        contentType: 'text/plain',
        userMetadata: { a: '1', b: '2' },
      });
      const cp = async (path: string, metadata: CopyRequest['metadata']) => {
        await copyFile(deps, root, {
          source: { project: p, path: 'm' },
          target: { project: p, path },
          metadata,
        });
        return stat(deps, root, { project: p, path });
      };
      const c = await cp('c', { directive: 'copy' });
      assert.deepEqual([c.contentType, c.userMetadata], ['text/plain', { a: '1', b: '2' }]);
      const r = await cp('r', { directive: 'replace', userMetadata: { z: '9' } });
      assert.deepEqual([r.contentType, r.userMetadata], [null, { z: '9' }]);
      const m = await cp('g', {
        directive: 'merge',
        contentType: 'text/csv',
        userMetadata: { b: 'B', c: '3' },
      });
      assert.deepEqual([m.contentType, m.userMetadata], ['text/csv', { a: '1', b: 'B', c: '3' }]);
    });

    test('source preconditions are checked in the copy transaction; a failed one writes nothing', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const v = await put(deps, p, 's', bytes(10));
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: p, path: 's', ifMatch: ['nope'] },
          target: { project: p, path: 't' },
        }),
        'PreconditionFailed',
      );
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: p, path: 's', ifNoneMatch: [v.etag] },
          target: { project: p, path: 't' },
        }),
        'PreconditionFailed',
      );
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: p, path: 's' },
          target: { project: p, path: 's', ifMatch: ['nope'] },
        }),
        'PreconditionFailed',
      );
      await rejectsWith(read(deps, p, 't'), 'NoSuchKey');
      await copyFile(deps, root, {
        source: { project: p, path: 's', ifMatch: ['"other"', `"${v.etag}"`] },
        target: { project: p, path: 't' },
      });
    });

    test('from a version, from a snapshot, from a named stream, and by id', async () => {
      const { deps } = get();
      const p = await newProject(deps, { versioning: 'enabled' });
      const v1 = await put(deps, p, 'f', bytes(100, 1));
      const snap = await createSnapshot(deps, root, { project: p });
      await put(deps, p, 'f', bytes(100, 2));
      await putFile(deps, root, { project: p, path: 'f', stream: 'side', body: body(bytes(50, 3)) });
      await copyFile(deps, root, {
        source: { project: p, path: 'f', versionId: v1.versionId },
        target: { project: p, path: 'from-version' },
      });
      await copyFile(deps, root, {
        source: { project: p, path: 'f', snapshot: snap.id },
        target: { project: p, path: 'from-snapshot' },
      });
      await copyFile(deps, root, {
        source: { project: p, path: 'f', stream: 'side' },
        target: { project: p, path: 'from-stream' },
      });
      await copyFile(deps, root, {
        source: { project: p, id: v1.fileId },
        target: { project: p, path: 'by-id' },
      });
      assert.deepEqual(await read(deps, p, 'from-version'), bytes(100, 1));
      assert.deepEqual(await read(deps, p, 'from-snapshot'), bytes(100, 1));
      assert.deepEqual(await read(deps, p, 'from-stream'), bytes(50, 3));
      assert.deepEqual(await read(deps, p, 'by-id'), bytes(100, 2));
      const fs = await stat(deps, root, { project: p, path: 'from-stream' });
      assert.equal(fs.checksums.crc64nvme, new Crc64Nvme().update(bytes(50, 3)).digest());
    });

    test('range copies match the reference byte for byte in every boundary case, with a correct CRC', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      // The source has three extents of unequal size, and a hole, after a write past its end.
      const base = bytes(2 * BS + 300, 40);
      await put(deps, p, 'src', base);
      await writeAt(deps, root, { project: p, path: 'src', offset: 3 * BS + 50, body: body(bytes(700, 41)) });
      const src = await read(deps, p, 'src');
      const targetData = bytes(4 * BS + 10, 42);
      const cases: { name: string; so: number; len?: number; to: number; target: boolean }[] = [
        { name: 'the start', so: 0, len: 100, to: 0, target: true },
        { name: 'the end of the source', so: src.length - 77, to: 10, target: true },
        { name: 'the middle of an extent', so: 200, len: 300, to: BS + 17, target: true },
        { name: 'across several extents', so: 500, len: 3 * BS, to: 33, target: true },
        { name: 'out of a hole', so: 2 * BS + 250, len: BS, to: 5, target: true },
        { name: 'into a hole past the end of the target', so: 10, len: 500, to: 6 * BS, target: true },
        {
          name: 'past the end of the target, overlapping it',
          so: 0,
          len: 2 * BS,
          to: 4 * BS - 100,
          target: true,
        },
        { name: 'into a new file at an offset', so: 64, len: 900, to: 3 * BS, target: false },
        { name: 'a length past the source end is clipped', so: BS, len: 10 ** 9, to: 0, target: false },
      ];
      for (const [i, c] of cases.entries()) {
        const path = `t${i}`;
        if (c.target) await put(deps, p, path, targetData);
        const r = await copyFile(deps, root, {
          source: { project: p, path: 'src', offset: c.so, length: c.len },
          target: { project: p, path, offset: c.to },
        });
        const expected = reference(src, c.target ? targetData : undefined, c.so, c.len, c.to);
        const got = await read(deps, p, path);
        assert.ok(got.equals(expected), `bytes: ${c.name}`);
        assert.equal(r.bytes, Math.min(c.len ?? src.length - c.so, src.length - c.so), `count: ${c.name}`);
        assert.equal(r.checksums.crc64nvme, new Crc64Nvme().update(expected).digest(), `crc: ${c.name}`);
        assert.equal(r.remainder, undefined);
      }
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: p, path: 'src', offset: src.length + 1 },
          target: { project: p, path: 'x', offset: 0 },
        }),
        'InvalidRange',
      );
      await rejectsWith(
        copyFile(deps, root, {
          source: { project: p, path: 'src', offset: -1 },
          target: { project: p, path: 'x', offset: 0 },
        }),
        'InvalidArgument',
      );
    });

    test('a range copy splits at most the two boundary extents and writes no block', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const data = bytes(8 * BS, 50);
      await put(deps, p, 'src', data);
      await put(deps, p, 'dst', bytes(8 * BS, 51));
      const blocks = await count(deps, 'blocks');
      const r = await copyFile(deps, root, {
        source: { project: p, path: 'src', offset: BS + 100, length: 5 * BS },
        target: { project: p, path: 'dst', offset: 2 * BS + 7 },
      });
      assert.equal(await count(deps, 'blocks'), blocks);
      const v = await stat(deps, root, { project: p, path: 'dst' });
      const ext = await deps.meta.tx((tx) =>
        tx.all<{ length: number; block_offset: number }>(
          'SELECT length, block_offset FROM extents WHERE manifest_id = ? ORDER BY file_offset',
          [v.streams['']!.manifestId],
        ),
      );
      // Target: 2 whole blocks, 1 split before; source: 1 split, 4 whole, 1 split; target: 1 split after, 1 whole.
      const partial = ext.filter((e) => e.length !== BS).length;
      assert.ok(partial <= 4, `${partial} partial extents`);
      assert.equal(
        ext.reduce((a, e) => a + e.length, 0),
        8 * BS,
      );
      assert.equal(r.bytes, 5 * BS);
    });

    test('a bounded range copy stops early and its remainder, sent again, finishes the copy', async () => {
      const { deps } = get();
      const saved = deps.limits;
      deps.limits = { ...saved, maxCopyExtents: 2 };
      try {
        const p = await newProject(deps);
        const data = bytes(7 * BS + 3, 60);
        await put(deps, p, 'big', data);
        let req: CopyRequest | undefined = {
          source: { project: p, path: 'big', offset: 10 },
          target: { project: p, path: 'out', offset: 0 },
        };
        let rounds = 0;
        let total = 0;
        while (req) {
          const r = await copyFile(deps, root, req);
          total += r.bytes;
          req = r.remainder;
          rounds++;
        }
        assert.ok(rounds >= 4, `${rounds} rounds`);
        assert.equal(total, data.length - 10);
        assert.deepEqual(await read(deps, p, 'out'), data.subarray(10));
      } finally {
        deps.limits = saved;
      }
    });

    test('roles: the source needs read (or copy where asked), the target needs write', async () => {
      const { deps } = get();
      const src = await newProject(deps);
      const dst = await newProject(deps);
      await put(deps, src, 'f', bytes(10));
      const u = await createUser(
        { core: deps, root: { accessKey: 'R', secretKey: 'S' }, box: new SecretBox(randomBytes(32)) },
        root,
        {
          name: `u${Date.now()}${Math.random().toString(36).slice(2, 6)}`,
        },
      );
      const user: Principal = { id: u.id, name: u.name, isRoot: false, isAdmin: false };
      const req: CopyRequest = { source: { project: src, path: 'f' }, target: { project: dst, path: 'g' } };
      await rejectsWith(copyFile(deps, user, req), 'AccessDenied');
      await setMember(deps, root, { project: src, principalId: u.id, role: 'read' });
      await rejectsWith(copyFile(deps, user, req), 'AccessDenied');
      await setMember(deps, root, { project: dst, principalId: u.id, role: 'write' });
      await rejectsWith(copyFile(deps, user, req, { sourceNeed: 'copy' }), 'AccessDenied');
      await copyFile(deps, user, req);
      await setMember(deps, root, { project: src, principalId: u.id, role: 'copy' });
      await copyFile(deps, user, { ...req, target: { project: dst, path: 'h' } }, { sourceNeed: 'copy' });
      await setMember(deps, root, { project: dst, principalId: u.id, role: 'copy' });
      await rejectsWith(
        copyFile(deps, user, { ...req, target: { project: dst, path: 'i' } }),
        'AccessDenied',
      );
      assert.equal((await stat(deps, root, { project: dst, path: 'h' })).etag, md5hex(bytes(10)));
    });

    test('versioning: an overwrite by copy keeps the old version listed', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      await setVersioning(deps, root, p, 'enabled');
      const old = await put(deps, p, 'v', bytes(10, 1));
      await put(deps, p, 'w', bytes(10, 2));
      await copyFile(deps, root, { source: { project: p, path: 'w' }, target: { project: p, path: 'v' } });
      assert.deepEqual(await read(deps, p, 'v'), bytes(10, 2));
      assert.deepEqual(await read(deps, p, 'v', { versionId: old.versionId }), bytes(10, 1));
    });
  },
  { limits: { blockSize: BS } },
);
