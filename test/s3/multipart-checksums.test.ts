// Checksums of multipart uploads as S3 defines them: full-object and composite, verified against what the client
// declares for the object and for each part; a 304 with its validators; SSE headers refused on reads.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  type ChecksumAlgorithm,
  type ChecksumType,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Crc32c } from '../../src/core/checksums/crc32c.ts';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { bytes } from '../helpers/data.ts';
import { openS3, ROOT_KEYS, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3(['--min-part-size', '1024']);
  await env.client.send(new CreateBucketCommand({ Bucket: 'sums' }));
});
after(async () => env.close());

const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
/** The binary digest of `b` by each algorithm, computed here from the bytes. */
const digest: Record<string, (b: Buffer) => Buffer> = {
  CRC32: (b) => be32(crc32(b)),
  CRC32C: (b) => be32(new Crc32c().update(b).digestNumber()),
  CRC64NVME: (b) => Buffer.from(new Crc64Nvme().update(b).digest(), 'base64'),
  SHA1: (b) => createHash('sha1').update(b).digest(),
  SHA256: (b) => createHash('sha256').update(b).digest(),
};
const expectedOf = (alg: string, type: string, parts: Buffer[]) =>
  type === 'COMPOSITE'
    ? `${digest[alg]!(Buffer.concat(parts.map((p) => digest[alg]!(p)))).toString('base64')}-${parts.length}`
    : digest[alg]!(Buffer.concat(parts)).toString('base64');

const CASES: [ChecksumAlgorithm, ChecksumType][] = [
  ['SHA256', 'COMPOSITE'],
  ['SHA1', 'COMPOSITE'],
  ['CRC32', 'COMPOSITE'],
  ['CRC32', 'FULL_OBJECT'],
  ['CRC32C', 'FULL_OBJECT'],
  ['CRC64NVME', 'FULL_OBJECT'],
];

async function upload(alg: ChecksumAlgorithm, type: ChecksumType, key: string, parts: Buffer[]) {
  const c = env.client;
  const created = await c.send(
    new CreateMultipartUploadCommand({
      Bucket: 'sums',
      Key: key,
      ChecksumAlgorithm: alg,
      ChecksumType: type,
    }),
  );
  assert.equal(created.ChecksumType, type);
  const done = [];
  for (const [i, Body] of parts.entries()) {
    const r = await c.send(
      new UploadPartCommand({
        Bucket: 'sums',
        Key: key,
        UploadId: created.UploadId,
        PartNumber: i + 1,
        Body,
        ChecksumAlgorithm: alg,
      }),
    );
    const field = `Checksum${alg}` as const;
    assert.equal(r[field], digest[alg]!(Body).toString('base64'), `part ${i + 1}`);
    done.push({ PartNumber: i + 1, ETag: r.ETag, [field]: r[field] });
  }
  return { uploadId: created.UploadId!, parts: done };
}

describe('multipart checksums', () => {
  for (const [alg, type] of CASES) {
    test(`${alg} ${type}: a wrong object or part checksum is refused; the right one completes and reads back`, async () => {
      const c = env.client;
      const key = `obj-${alg}-${type}`;
      const data = [bytes(3000, 1), bytes(2000, 2), bytes(777, 3)];
      const { uploadId, parts } = await upload(alg, type, key, data);
      const expected = expectedOf(alg, type, data);
      const field = `Checksum${alg}` as const;
      const complete = (extra: Record<string, unknown>, list = parts) =>
        c.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'sums',
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: list },
            ...extra,
          }),
        );
      const wrongValue = digest[alg]!(Buffer.from('something else')).toString('base64');
      const bad = await s3Error(() => complete({ [field]: wrongValue }));
      assert.deepEqual([bad.code, bad.status], ['BadDigest', 400]);
      const badPart = await s3Error(() =>
        complete({}, [{ ...parts[0]!, [field]: wrongValue }, ...parts.slice(1)]),
      );
      assert.deepEqual([badPart.code, badPart.status], ['InvalidPart', 400]);
      const otherType = type === 'COMPOSITE' ? 'FULL_OBJECT' : 'COMPOSITE';
      const mismatch = await s3Error(() => complete({ ChecksumType: otherType }));
      assert.deepEqual([mismatch.code, mismatch.status], ['InvalidArgument', 400]);
      // Nothing was completed by the refused requests: the upload is still there.
      const listed = await c.send(new ListPartsCommand({ Bucket: 'sums', Key: key, UploadId: uploadId }));
      assert.deepEqual(
        listed.Parts?.map((p) => p[field]),
        data.map((d) => digest[alg]!(d).toString('base64')),
      );
      const r = await complete({ [field]: expected.replace(/-\d+$/, ''), ChecksumType: type });
      assert.deepEqual([r[field], r.ChecksumType], [expected, type]);
      const head = await c.send(new HeadObjectCommand({ Bucket: 'sums', Key: key, ChecksumMode: 'ENABLED' }));
      assert.deepEqual([head[field], head.ChecksumType], [expected, type]);
    });
  }

  test('a type without an algorithm, or one the algorithm does not have, is refused at create', async () => {
    for (const [ChecksumAlgorithm, ChecksumType] of [
      [undefined, 'COMPOSITE'],
      ['SHA256', 'FULL_OBJECT'],
      ['CRC64NVME', 'COMPOSITE'],
    ] as const) {
      const e = await s3Error(() =>
        env.client.send(
          new CreateMultipartUploadCommand({
            Bucket: 'sums',
            Key: 'refused',
            ChecksumAlgorithm,
            ChecksumType,
          }),
        ),
      );
      assert.deepEqual([e.code, e.status], ['InvalidArgument', 400], `${ChecksumAlgorithm} ${ChecksumType}`);
    }
  });

  test('a 304 carries the ETag and Last-Modified of what the client has', async () => {
    const put = await env.client.send(new PutObjectCommand({ Bucket: 'sums', Key: 'cached', Body: 'x' }));
    const r = await rawSigned(`${env.server.s3Url}/sums/cached`, {
      method: 'GET',
      headers: { 'if-none-match': put.ETag! },
      ...ROOT_KEYS,
    });
    assert.equal(r.status, 304);
    assert.equal(r.headers.get('etag'), put.ETag);
    assert.ok(r.headers.get('last-modified'));
  });

  test('SSE headers on GET and HEAD of an object are refused with 400', async () => {
    await env.client.send(new PutObjectCommand({ Bucket: 'sums', Key: 'plain', Body: 'x' }));
    for (const method of ['GET', 'HEAD'])
      for (const headers of [
        { 'x-amz-server-side-encryption': 'AES256' },
        { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'k' },
      ] as Record<string, string>[]) {
        const r = await rawSigned(`${env.server.s3Url}/sums/plain`, { method, headers, ...ROOT_KEYS });
        assert.equal(r.status, 400, `${method} ${JSON.stringify(headers)}`);
        if (method === 'GET') assert.match(r.body, /<Code>InvalidArgument<\/Code>/);
      }
  });
});
