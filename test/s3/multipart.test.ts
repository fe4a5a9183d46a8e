// S3 multipart uploads end to end: parts, part copies by reference, listing, completion rules, abort.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { bytes } from '../helpers/data.ts';
import { blockBytes, openS3, type S3Env, s3Error } from '../helpers/s3.ts';
import { MAIN } from '../helpers/server.ts';

const MiB = 1024 * 1024;
let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'mpu' }));
});
after(async () => env.close());

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const body = async (r: { Body?: { transformToByteArray(): Promise<Uint8Array> } }) =>
  Buffer.from(await r.Body!.transformToByteArray());
const multipartEtag = (parts: Buffer[]) =>
  `"${createHash('md5')
    .update(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex'))))
    .digest('hex')}-${parts.length}"`;

describe('multipart', () => {
  test('upload parts, list them, complete: the object, its S3 ETag and CRC; Complete writes no block', async () => {
    const c = env.client;
    const parts = [bytes(5 * MiB, 1), bytes(5 * MiB + 3, 2), bytes(1234, 3)];
    const { UploadId } = await c.send(
      new CreateMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'big',
        ContentType: 'application/x-parts',
        Metadata: { a: 'b' },
      }),
    );
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      const r = await c.send(
        new UploadPartCommand({ Bucket: 'mpu', Key: 'big', UploadId, PartNumber: i + 1, Body: p }),
      );
      assert.equal(r.ETag, `"${md5(p)}"`);
      etags.push(r.ETag!);
    }
    const listed = await c.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'big', UploadId }));
    assert.deepEqual(
      listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]),
      parts.map((p, i) => [i + 1, p.length, etags[i]]),
    );
    const uploads = await c.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
    assert.ok(uploads.Uploads?.some((u) => u.UploadId === UploadId && u.Key === 'big'));
    const before = await blockBytes(env.dataDir);
    const done = await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'big',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    assert.equal(await blockBytes(env.dataDir), before);
    const whole = Buffer.concat(parts);
    assert.equal(done.ETag, multipartEtag(parts));
    assert.equal(done.Location, `${env.server.s3Url}/mpu/big`, 'path-style: the bucket in the path');
    const got = await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big', ChecksumMode: 'ENABLED' }));
    assert.deepEqual(await body(got), whole);
    assert.deepEqual(
      [got.ETag, got.ContentType, got.Metadata],
      [multipartEtag(parts), 'application/x-parts', { a: 'b' }],
    );
    assert.equal(got.ChecksumCRC64NVME, new Crc64Nvme().update(whole).digest());
    const part2 = await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big', PartNumber: 2 }));
    assert.equal(part2.PartsCount, 3);
    assert.deepEqual(await body(part2), parts[1]);
    const head = await c.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big', PartNumber: 3 }));
    assert.deepEqual([head.ContentLength, head.PartsCount], [1234, 3]);
    // A part number past the last part is 416 InvalidPartNumber, for GET and HEAD alike.
    const past = await s3Error(() =>
      c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big', PartNumber: 4 })),
    );
    assert.deepEqual([past.code, past.status], ['InvalidPartNumber', 416]);
    // A part and a Range at once: 400 InvalidRequest, not the part with the Range left unread.
    for (const Cmd of [GetObjectCommand, HeadObjectCommand]) {
      const both = await s3Error(() =>
        c.send(new Cmd({ Bucket: 'mpu', Key: 'big', PartNumber: 1, Range: 'bytes=0-1' })),
      );
      assert.equal(both.status, 400, Cmd.name);
      if (Cmd === GetObjectCommand) assert.equal(both.code, 'InvalidRequest');
    }
    const headPast = await s3Error(() =>
      c.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big', PartNumber: 4 })),
    );
    assert.equal(headPast.status, 416);
    assert.equal(
      (await c.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads?.some(
        (u) => u.UploadId === UploadId,
      ) ?? false,
      false,
    );
  });

  test('UploadPartCopy copies ranges by reference; the source conditions and an out-of-range range are checked', async () => {
    const c = env.client;
    const src = bytes(12 * MiB + 5, 7);
    await c.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'source', Body: src }));
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'assembled' }));
    const before = await blockBytes(env.dataDir);
    const ranges: [number, number][] = [
      [MiB, 6 * MiB - 1],
      [0, 5 * MiB - 1],
      [11 * MiB, 12 * MiB + 4],
    ];
    const etags: string[] = [];
    for (const [i, [a, b]] of ranges.entries()) {
      const r = await c.send(
        new UploadPartCopyCommand({
          Bucket: 'mpu',
          Key: 'assembled',
          UploadId,
          PartNumber: i + 1,
          CopySource: 'mpu/source',
          CopySourceRange: `bytes=${a}-${b}`,
        }),
      );
      assert.ok(r.CopyPartResult?.ETag);
      etags.push(r.CopyPartResult!.ETag!);
    }
    assert.equal(await blockBytes(env.dataDir), before, 'a part copy wrote block bytes');
    const out = await s3Error(() =>
      c.send(
        new UploadPartCopyCommand({
          Bucket: 'mpu',
          Key: 'assembled',
          UploadId,
          PartNumber: 9,
          CopySource: 'mpu/source',
          CopySourceRange: `bytes=0-${src.length}`,
        }),
      ),
    );
    assert.deepEqual([out.code, out.status], ['InvalidRange', 416]);
    const cond = await s3Error(() =>
      c.send(
        new UploadPartCopyCommand({
          Bucket: 'mpu',
          Key: 'assembled',
          UploadId,
          PartNumber: 9,
          CopySource: 'mpu/source',
          CopySourceIfMatch: '"nope"',
        }),
      ),
    );
    assert.equal(cond.status, 412);
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'assembled',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expected = Buffer.concat(ranges.map(([a, b]) => src.subarray(a, b + 1)));
    const got = await c.send(
      new GetObjectCommand({ Bucket: 'mpu', Key: 'assembled', ChecksumMode: 'ENABLED' }),
    );
    assert.deepEqual(await body(got), expected);
    assert.equal(got.ChecksumCRC64NVME, new Crc64Nvme().update(expected).digest());
    assert.equal(await blockBytes(env.dataDir), before);
  });

  test('Complete refuses a missing part, a wrong ETag, a wrong order, a small part; abort removes the upload', async () => {
    const c = env.client;
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'rules' }));
    const p1 = await c.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'rules', UploadId, PartNumber: 1, Body: bytes(1000, 1) }),
    );
    const p2 = await c.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'rules', UploadId, PartNumber: 2, Body: bytes(1000, 2) }),
    );
    const complete = (Parts: { ETag: string; PartNumber: number }[]) =>
      s3Error(() =>
        c.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'mpu',
            Key: 'rules',
            UploadId,
            MultipartUpload: { Parts },
          }),
        ),
      );
    assert.equal(
      (
        await complete([
          { ETag: p1.ETag!, PartNumber: 1 },
          { ETag: p2.ETag!, PartNumber: 3 },
        ])
      ).code,
      'InvalidPart',
    );
    assert.equal((await complete([{ ETag: '"0000"', PartNumber: 1 }])).code, 'InvalidPart');
    assert.equal(
      (
        await complete([
          { ETag: p2.ETag!, PartNumber: 2 },
          { ETag: p1.ETag!, PartNumber: 1 },
        ])
      ).code,
      'InvalidPartOrder',
    );
    assert.equal(
      (
        await complete([
          { ETag: p1.ETag!, PartNumber: 1 },
          { ETag: p2.ETag!, PartNumber: 2 },
        ])
      ).code,
      'EntityTooSmall',
    );
    const bad = await s3Error(() =>
      c.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'rules', UploadId, PartNumber: 10001, Body: 'x' })),
    );
    assert.deepEqual([bad.code, bad.status], ['InvalidArgument', 400]);
    assert.equal(
      (await s3Error(() => c.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'rules' })))).status,
      404,
    );
    await c.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'rules', UploadId }));
    const gone = await s3Error(() => c.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'rules', UploadId })));
    assert.deepEqual([gone.code, gone.status], ['NoSuchUpload', 404]);
    // A single small part is allowed: the last part has no minimum.
    const one = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'one' }));
    const only = await c.send(
      new UploadPartCommand({
        Bucket: 'mpu',
        Key: 'one',
        UploadId: one.UploadId,
        PartNumber: 1,
        Body: 'tiny',
      }),
    );
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'one',
        UploadId: one.UploadId,
        MultipartUpload: { Parts: [{ ETag: only.ETag!, PartNumber: 1 }] },
      }),
    );
    assert.equal(
      (await body(await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'one' })))).toString(),
      'tiny',
    );
  });

  test('a Complete sent again after it succeeded gets the same answer; other parts or a later overwrite do not', async () => {
    const c = env.client;
    const parts = [bytes(5 * MiB, 7), bytes(100, 8)];
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'retried' }));
    const Parts: { ETag: string; PartNumber: number }[] = [];
    for (const [i, p] of parts.entries()) {
      const r = await c.send(
        new UploadPartCommand({ Bucket: 'mpu', Key: 'retried', UploadId, PartNumber: i + 1, Body: p }),
      );
      Parts.push({ ETag: r.ETag!, PartNumber: i + 1 });
    }
    const complete = (list: typeof Parts) =>
      c.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpu',
          Key: 'retried',
          UploadId,
          MultipartUpload: { Parts: list },
        }),
      );
    const first = await complete(Parts);
    const again = await complete(Parts);
    assert.equal(first.ETag, multipartEtag(parts));
    assert.deepEqual(
      [again.ETag, again.Key, again.Bucket, again.VersionId, again.ChecksumCRC64NVME],
      [first.ETag, first.Key, first.Bucket, first.VersionId, first.ChecksumCRC64NVME],
    );
    assert.deepEqual(
      await body(await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'retried' }))),
      Buffer.concat(parts),
    );
    const other = await s3Error(() => complete(Parts.slice(0, 1)));
    assert.deepEqual([other.code, other.status], ['NoSuchUpload', 404]);
    const gone = await s3Error(() =>
      c.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'retried', UploadId })),
    );
    assert.equal(gone.code, 'NoSuchUpload');
    // Once an overwrite has replaced the completed object, the upload is simply gone.
    await c.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'retried', Body: 'newer' }));
    const late = await s3Error(() => complete(Parts));
    assert.deepEqual([late.code, late.status], ['NoSuchUpload', 404]);
    assert.equal(
      (await body(await c.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'retried' })))).toString(),
      'newer',
    );
  });
});

describe('a bucket deleted with an upload in progress', () => {
  test('DeleteBucket answers 204, the upload goes with it, and GC reclaims its parts', async () => {
    const own = await openS3();
    try {
      const c = own.client;
      await c.send(new CreateBucketCommand({ Bucket: 'going' }));
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'going', Key: 'k' }));
      await c.send(
        new UploadPartCommand({
          Bucket: 'going',
          Key: 'k',
          UploadId,
          PartNumber: 1,
          Body: bytes(5 * MiB, 4),
        }),
      );
      assert.ok((await blockBytes(own.dataDir)) >= 5 * MiB);
      const deleted = await c.send(new DeleteBucketCommand({ Bucket: 'going' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      const gone = await s3Error(() => c.send(new HeadBucketCommand({ Bucket: 'going' })));
      assert.deepEqual([gone.code, gone.status], ['NotFound', 404]);
      // A bucket of the same name is a new bucket: the old upload is not in it.
      await c.send(new CreateBucketCommand({ Bucket: 'going' }));
      const uploads = await c.send(new ListMultipartUploadsCommand({ Bucket: 'going' }));
      assert.deepEqual(uploads.Uploads ?? [], []);
      const late = await s3Error(() =>
        c.send(new UploadPartCommand({ Bucket: 'going', Key: 'k', UploadId, PartNumber: 2, Body: 'x' })),
      );
      assert.deepEqual([late.code, late.status], ['NoSuchUpload', 404]);
      // Past the grace period the parts' manifests are condemned; one grace period later their blocks go.
      const pass = () =>
        execFileSync(process.execPath, [MAIN, 'gc', '--data', own.dataDir, '--gc-grace', '1'], {
          env: { ...process.env, MIMEO_LOG_LEVEL: 'warn' },
        });
      for (let i = 0; i < 2; i++) {
        await new Promise((r) => setTimeout(r, 1100));
        pass();
      }
      assert.equal(await blockBytes(own.dataDir), 0);
    } finally {
      await own.close();
    }
  });
});
