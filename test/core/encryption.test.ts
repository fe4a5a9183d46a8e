// Core, on both metadata stores: copies across protections re-wrap keys and touch no block; rotation re-wraps
// every key and leaves every version readable; GC deletes the rings of purged versions; which uploads share a data
// key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { copyFile } from '../../src/core/copy.ts';
import { createKmsKey } from '../../src/core/crypto/kms.ts';
import { rotateKeks } from '../../src/core/crypto/rotate.ts';
import { deleteFile } from '../../src/core/delete.ts';
import type { CoreDeps } from '../../src/core/deps.ts';
import { collectGarbage } from '../../src/core/gc.ts';
import type { Protection } from '../../src/core/model.ts';
import { putFile } from '../../src/core/write.ts';
import { forEachStore, newProject, read, rejectsWith, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';
import { storedBlocks } from '../helpers/stores.ts';

const customer = (seed: number) => Buffer.alloc(32, seed);
const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

/** Every stored block's bytes, hashed: what the block store holds. */
async function blockHashes(deps: CoreDeps): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of await storedBlocks(deps))
    out.set(
      id,
      createHash('sha256')
        .update(await deps.blocks.read({ id }))
        .digest('hex'),
    );
  return out;
}

forEachStore(
  'core encryption',
  (get) => {
    test('copies across every pair of protections re-wrap keys; rotation keeps every version readable', async () => {
      const { deps } = get();
      const kms = `k${Date.now()}`;
      await createKmsKey(deps, root, kms);
      const kinds: [string, Protection][] = [
        ['none', { sse: null }],
        ['s3', { sse: 'AES256' }],
        ['kms', { sse: 'aws:kms', kmsKey: kms }],
        ['c', { sse: 'SSE-C', customerKey: customer(1), customerKeyMd5: md5(customer(1)) }],
      ];
      const unlockOf = (p: Protection) => (p.customerKey ? { customerKey: p.customerKey } : {});
      const p = await newProject(deps);
      // Two blocks and a tail, so that key rings hold real blocks of both kinds (files and rows).
      const data = new Map<string, Buffer>();
      for (const [i, [name, protection]] of kinds.entries()) {
        data.set(name, bytes(2 * 64 * 1024 + 5000, 60 + i));
        await putFile(deps, root, { project: p, path: name, body: body(data.get(name)!), protection });
      }
      const before = await blockHashes(deps);
      for (const [s, sp] of kinds) {
        for (const [t, tp] of kinds) {
          const r = await copyFile(deps, root, {
            source: { project: p, path: s },
            target: { project: p, path: `${s}-${t}` },
            protection: tp,
            unlock: unlockOf(sp),
          });
          assert.equal(r.mode, 'reference');
          assert.equal(r.target.sse, tp.sse);
          assert.deepEqual(
            await read(deps, p, `${s}-${t}`, { unlock: unlockOf(tp) }),
            data.get(s),
            `${s}-${t}`,
          );
        }
      }
      assert.deepEqual(await blockHashes(deps), before, 'a copy wrote or changed a block');
      await rejectsWith(read(deps, p, 'c-c'), 'EncryptionKeyRequired');
      await rejectsWith(
        read(deps, p, 'c-c', { unlock: { customerKey: customer(2) } }),
        'EncryptionKeyMismatch',
      );
      await rejectsWith(
        copyFile(deps, root, { source: { project: p, path: 'c' }, target: { project: p, path: 'x' } }),
        'EncryptionKeyRequired',
      );

      const report = await rotateKeks(deps);
      // none and s3 originals and every copy that targets them are wrapped under the KEK: 2 + 4 x 2.
      assert.equal(report.dataKeysRewrapped, 10);
      assert.ok(report.kmsKeysRewrapped >= 1);
      assert.equal(report.keksRetired, 1);
      assert.deepEqual(await blockHashes(deps), before, 'rotation changed a block');
      for (const [s] of kinds) {
        for (const [t, tp] of kinds) {
          assert.deepEqual(await read(deps, p, `${s}-${t}`, { unlock: unlockOf(tp) }), data.get(s));
        }
      }

      // A purged version's ring goes with the next collection.
      const rings = async () =>
        Number(
          (
            await deps.meta.tx((tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM version_keys'), {
              readOnly: true,
            })
          )?.n,
        );
      const n = await rings();
      await deleteFile(deps, root, { project: p, path: 's3-none' });
      await collectGarbage(deps, { graceSeconds: 0 });
      assert.equal(await rings(), n - 1);
    });

    test('uploads under server keys share a data key; one under a customer key has its own, wrapped by it alone', async () => {
      const { deps } = get();
      const kms = `k${Date.now()}`;
      await createKmsKey(deps, root, kms);
      const p = await newProject(deps);
      const cKey = { sse: 'SSE-C' as const, customerKey: customer(3), customerKeyMd5: md5(customer(3)) };
      const kinds: [string, Protection][] = [
        ['none', { sse: null }],
        ['s3', { sse: 'AES256' }],
        ['kms', { sse: 'aws:kms', kmsKey: kms }],
        ['c1', cKey],
        ['c2', cKey],
      ];
      for (const [i, [name, protection]] of kinds.entries())
        await putFile(deps, root, { project: p, path: name, body: body(bytes(70 * 1024, i)), protection });
      const rows = await deps.meta.tx(
        (tx) =>
          tx.all<{ path: string; dek_id: string; wrapped_by: string; wrapped: string }>(
            `SELECT f.path, k.dek_id, k.wrapped_by, k.wrapped FROM version_keys k
             JOIN versions v ON v.id = k.version_id JOIN files f ON f.id = v.file_id
             WHERE f.project_id = (SELECT id FROM projects WHERE name = ?)`,
            [p],
          ),
        { readOnly: true },
      );
      const byPath = new Map(rows.map((r) => [r.path, r]));
      assert.equal(rows.length, 5, 'one data key per version');
      const server = ['none', 's3', 'kms'].map((n) => byPath.get(n)!);
      assert.equal(new Set(server.map((r) => r.dek_id)).size, 1, 'server-side uploads share their data key');
      assert.equal(byPath.get('none')!.wrapped, byPath.get('s3')!.wrapped, 'wrapped once per wrapping key');
      assert.match(byPath.get('kms')!.wrapped_by, /^kms:/);
      const c1 = byPath.get('c1')!;
      const c2 = byPath.get('c2')!;
      assert.notEqual(c1.dek_id, c2.dek_id, 'each upload under a customer key has its own data key');
      for (const c of [c1, c2]) {
        assert.equal(c.wrapped_by, 'customer');
        assert.equal(
          rows.filter((r) => r.dek_id === c.dek_id).length,
          1,
          'wrapped by the customer key alone',
        );
      }
      for (const [i, [name, protection]] of kinds.entries()) {
        const unlock = protection.customerKey ? { customerKey: protection.customerKey } : {};
        assert.deepEqual(await read(deps, p, name, { unlock }), bytes(70 * 1024, i), name);
      }
    });
  },
  { limits: { blockSize: 64 * 1024 } },
);
