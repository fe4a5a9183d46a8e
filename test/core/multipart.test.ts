// Core multipart on both metadata stores: Complete joins uploaded and copied parts end to end in SQL, moves no
// block, and the object reads back byte for byte with the ETag and CRC-64/NVME S3 gives it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { createUpload, uploadPart, uploadPartCopy } from '../../src/core/multipart.ts';
import { completeUpload } from '../../src/core/multipart-complete.ts';
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
  },
  { limits: { blockSize: BS } },
);
