// Core multipart on both metadata stores: Complete joins uploaded and copied parts end to end in SQL, moves no
// block, and the object reads back byte for byte with the ETag and CRC-64/NVME S3 gives it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { createUpload, uploadPart, uploadPartCopy } from '../../src/core/multipart.ts';
import { completeUpload } from '../../src/core/multipart-complete.ts';
import { listUploads } from '../../src/core/upload-list.ts';
import { count, forEachStore, newProject, put, read, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';

const BS = 4096;

forEachStore(
  'core multipart',
  (get) => {
    test('Complete joins uploaded and copied parts of many blocks without moving a block', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const source = bytes(10 * BS + 100, 5);
      await put(deps, p, 'source', source);
      const u = await createUpload(deps, root, { project: p, path: 'joined', attributes: {} });
      const one = bytes(3 * BS + 17, 6);
      const three = bytes(2 * BS + 1, 7);
      const parts = [
        await uploadPart(deps, root, {
          project: p,
          path: 'joined',
          uploadId: u.id,
          partNumber: 1,
          body: body(one),
        }),
        await uploadPartCopy(deps, root, {
          project: p,
          path: 'joined',
          uploadId: u.id,
          partNumber: 2,
          source: { project: p, path: 'source', range: { first: BS / 2, last: 7 * BS + 9 } },
        }),
        await uploadPart(deps, root, {
          project: p,
          path: 'joined',
          uploadId: u.id,
          partNumber: 3,
          body: body(three),
        }),
      ];
      const blocksBefore = await count(deps, 'blocks');
      const v = await completeUpload(deps, root, {
        project: p,
        path: 'joined',
        uploadId: u.id,
        parts: parts.map((x) => ({ partNumber: x.partNumber, etag: x.etag })),
        minPartSize: 1,
      });
      const want = Buffer.concat([one, source.subarray(BS / 2, 7 * BS + 10), three]);
      assert.equal(v.size, want.length);
      assert.deepEqual(await read(deps, p, 'joined'), want);
      assert.equal(await count(deps, 'blocks'), blocksBefore, 'Complete wrote a block');
      const md5s = Buffer.concat(parts.map((x) => Buffer.from(x.etag, 'hex')));
      assert.equal(v.etag, `${createHash('md5').update(md5s).digest('hex')}-3`);
      assert.equal(v.checksums.crc64nvme, new Crc64Nvme().update(want).digest());
      // Reads that start inside the joined list, across part boundaries.
      for (const [start, end] of [
        [3 * BS, 3 * BS + 40],
        [3 * BS + 10, 9 * BS],
        [want.length - BS - 3, want.length],
      ] as const) {
        assert.deepEqual(
          await read(deps, p, 'joined', { range: { first: start, last: end - 1 } }),
          want.subarray(start, end),
        );
      }
    });

    test('uploads listed with a delimiter: common prefixes count toward the limit, and every page goes on', async () => {
      const { deps } = get();
      const p = await newProject(deps);
      const ids: Record<string, string> = {};
      for (const k of ['d/a', 'd/b/1', 'd/b/2', 'd/c/x/1', 'd/e', 'f/1'])
        ids[k] = (await createUpload(deps, root, { project: p, path: k, attributes: {} })).id;
      const seen: string[] = [];
      let after: { key: string; id?: string } | null = null;
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 10, 'the listing does not end');
        const page = await listUploads(deps, root, {
          project: p,
          prefix: 'd/',
          delimiter: '/',
          limit: 2,
          afterKey: after?.key,
          afterId: after?.id,
        });
        assert.ok(page.uploads.length + page.prefixes.length <= 2);
        seen.push(
          ...page.uploads.map((u) => `${u.path} ${u.id}`),
          ...page.prefixes.map((x) => `${x} prefix`),
        );
        if (!page.truncated) {
          assert.equal(page.next, null);
          break;
        }
        after = page.next;
      }
      assert.deepEqual(seen.sort(), [`d/a ${ids['d/a']}`, 'd/b/ prefix', 'd/c/ prefix', `d/e ${ids['d/e']}`]);
      // Without a delimiter every upload under the prefix is listed.
      const all = await listUploads(deps, root, { project: p, prefix: 'd/' });
      assert.deepEqual(
        all.uploads.map((u) => u.path),
        ['d/a', 'd/b/1', 'd/b/2', 'd/c/x/1', 'd/e'],
      );
      assert.deepEqual(all.prefixes, []);
    });
  },
  { limits: { blockSize: BS } },
);
