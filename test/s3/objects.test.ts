// S3 buckets and objects end to end with @aws-sdk/client-s3 on its default settings.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Crc64Nvme } from '../../src/core/checksums/crc64nvme.ts';
import { bytes } from '../helpers/data.ts';
import { openS3, ROOT_KEYS, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'objects' }));
});
after(async () => env.close());

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const text = async (r: { Body?: { transformToByteArray(): Promise<Uint8Array> } }) =>
  Buffer.from(await r.Body!.transformToByteArray());

describe('buckets', () => {
  test('create, head, list, location; a second create by its owner is 200 in us-east-1; a bad name is 400', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'b-two' }));
    assert.equal((await c.send(new HeadBucketCommand({ Bucket: 'b-two' }))).$metadata.httpStatusCode, 200);
    const names = (await c.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    assert.ok(names?.includes('b-two') && names.includes('objects'));
    assert.equal(
      (await c.send(new GetBucketLocationCommand({ Bucket: 'b-two' }))).LocationConstraint,
      undefined,
    );
    const again = await c.send(new CreateBucketCommand({ Bucket: 'b-two' }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    assert.equal(
      (await s3Error(() => c.send(new CreateBucketCommand({ Bucket: 'Bad_Bucket' })))).code,
      'InvalidBucketName',
    );
    assert.equal(
      (await s3Error(() => c.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).status,
      404,
    );
  });

  test('a bucket with objects is 409 BucketNotEmpty; empty, it deletes', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'to-delete' }));
    await c.send(new PutObjectCommand({ Bucket: 'to-delete', Key: 'x', Body: 'x' }));
    const e = await s3Error(() => c.send(new DeleteBucketCommand({ Bucket: 'to-delete' })));
    assert.deepEqual([e.code, e.status], ['BucketNotEmpty', 409]);
    await c.send(new DeleteObjectCommand({ Bucket: 'to-delete', Key: 'x' }));
    await c.send(new DeleteBucketCommand({ Bucket: 'to-delete' }));
    assert.equal((await s3Error(() => c.send(new HeadBucketCommand({ Bucket: 'to-delete' })))).status, 404);
  });

  test('bucket tagging: none is 404 NoSuchTagSet; put replaces the set, get reads it, delete removes it', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'tagged' }));
    const none = await s3Error(() => c.send(new GetBucketTaggingCommand({ Bucket: 'tagged' })));
    assert.deepEqual([none.code, none.status], ['NoSuchTagSet', 404]);
    const put = (TagSet: { Key: string; Value: string }[]) =>
      c.send(new PutBucketTaggingCommand({ Bucket: 'tagged', Tagging: { TagSet } }));
    assert.equal((await put([{ Key: 'team', Value: 'genomics' }])).$metadata.httpStatusCode, 204);
    await put([
      { Key: 'cost centre', Value: 'R+D @7' },
      { Key: 'empty', Value: '' },
    ]);
    const got = await c.send(new GetBucketTaggingCommand({ Bucket: 'tagged' }));
    assert.deepEqual(
      got.TagSet?.map((t) => [t.Key, t.Value]),
      [
        ['cost centre', 'R+D @7'],
        ['empty', ''],
      ],
    );
    // Refused sets change nothing: too many tags, a reserved prefix, a repeated key, a character S3 does not take.
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    for (const bad of [
      many,
      [{ Key: 'aws:owner', Value: 'x' }],
      [
        { Key: 'a', Value: '1' },
        { Key: 'a', Value: '2' },
      ],
      [{ Key: 'cost centre', Value: 'R&D <7>' }],
    ]) {
      const e = await s3Error(() => put(bad));
      assert.deepEqual([e.code, e.status], ['InvalidTag', 400]);
    }
    assert.equal((await c.send(new GetBucketTaggingCommand({ Bucket: 'tagged' }))).TagSet?.length, 2);
    const deleted = await c.send(new DeleteBucketTaggingCommand({ Bucket: 'tagged' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    const after = await s3Error(() => c.send(new GetBucketTaggingCommand({ Bucket: 'tagged' })));
    assert.equal(after.code, 'NoSuchTagSet');
    const missing = await s3Error(() => c.send(new GetBucketTaggingCommand({ Bucket: 'no-such-bucket' })));
    assert.deepEqual([missing.code, missing.status], ['NoSuchBucket', 404]);
  });

  test('versioning: get and put, and versions read back', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status, undefined);
    await c.send(
      new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status, 'Enabled');
    const v1 = await c.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'one' }));
    const v2 = await c.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'two' }));
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    assert.equal(
      (
        await text(
          await c.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: v1.VersionId })),
        )
      ).toString(),
      'one',
    );
    const d = await c.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'k' }));
    assert.equal(d.DeleteMarker, true);
    assert.equal(
      (await s3Error(() => c.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k' })))).code,
      'NoSuchKey',
    );
  });
});

describe('objects', () => {
  test('put and get a multi-block object byte for byte, with its ETag, metadata and checksums', async () => {
    const data = bytes(9 * 1024 * 1024 + 17, 4);
    const put = await env.client.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'dir/big.bin',
        Body: data,
        ContentType: 'application/x-test',
        Metadata: { owner: 'ana' },
        CacheControl: 'max-age=60',
      }),
    );
    assert.equal(put.ETag, `"${md5(data)}"`);
    const got = await env.client.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', ChecksumMode: 'ENABLED' }),
    );
    assert.deepEqual(await text(got), data);
    assert.equal(got.ETag, `"${md5(data)}"`);
    assert.equal(got.ContentType, 'application/x-test');
    assert.equal(got.CacheControl, 'max-age=60');
    assert.deepEqual(got.Metadata, { owner: 'ana' });
    assert.equal(got.ChecksumCRC64NVME, new Crc64Nvme().update(data).digest());
    // As S3: no SHA-256 unless the writer sent or asked for one.
    assert.equal(got.ChecksumSHA256, undefined);
    const head = await env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin' }));
    assert.equal(head.ContentLength, data.length);
  });

  test('every checksum algorithm is accepted, verified, stored and returned', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      const data = bytes(70_000, alg.length);
      const put = await env.client.send(
        new PutObjectCommand({ Bucket: 'objects', Key: `sum/${alg}`, Body: data, ChecksumAlgorithm: alg }),
      );
      const field = `Checksum${alg}` as const;
      assert.ok(put[field], `${alg} returned on PUT`);
      const got = await env.client.send(
        new GetObjectCommand({ Bucket: 'objects', Key: `sum/${alg}`, ChecksumMode: 'ENABLED' }),
      );
      assert.equal(got[field], put[field], alg);
      if (alg === 'SHA256') assert.equal(got[field], createHash('sha256').update(data).digest('base64'));
      assert.deepEqual(await text(got), data);
    }
  });

  test('single ranges, a 416 with Content-Range, and conditional reads', async () => {
    const data = bytes(9 * 1024 * 1024 + 17, 4);
    const r = await env.client.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', Range: 'bytes=-10' }),
    );
    assert.equal(r.ContentRange, `bytes ${data.length - 10}-${data.length - 1}/${data.length}`);
    assert.deepEqual(await text(r), data.subarray(data.length - 10));
    const e = await s3Error(() =>
      env.client.send(
        new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', Range: `bytes=${data.length}-` }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['InvalidRange', 416]);
    // As S3: several ranges, a unit other than bytes or a malformed range are ignored (200, the whole object); a last
    // byte past the end reads to the end.
    for (const Range of ['bytes=0-0,2-3', 'bytes=abc', 'items=0-1', 'bytes=5-2']) {
      const whole = await env.client.send(
        new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', Range }),
      );
      assert.equal(whole.$metadata.httpStatusCode, 200, Range);
      assert.equal(whole.ContentRange, undefined, Range);
      assert.deepEqual(await text(whole), data, Range);
    }
    const past = await env.client.send(
      new GetObjectCommand({
        Bucket: 'objects',
        Key: 'dir/big.bin',
        Range: 'bytes=9437180-99999999999999999999',
      }),
    );
    assert.equal(past.ContentRange, `bytes 9437180-${data.length - 1}/${data.length}`);
    assert.deepEqual(await text(past), data.subarray(9437180));
    const nm = await s3Error(() =>
      env.client.send(
        new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', IfNoneMatch: `"${md5(data)}"` }),
      ),
    );
    assert.equal(nm.status, 304);
    const pf = await s3Error(() =>
      env.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/big.bin', IfMatch: '"nope"' })),
    );
    assert.deepEqual([pf.code, pf.status], ['PreconditionFailed', 412]);
  });

  test('If-None-Match: * and If-Match on writes', async () => {
    await env.client.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'once', Body: 'first', IfNoneMatch: '*' }),
    );
    const e = await s3Error(() =>
      env.client.send(
        new PutObjectCommand({ Bucket: 'objects', Key: 'once', Body: 'second', IfNoneMatch: '*' }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['PreconditionFailed', 412]);
    const m = await s3Error(() =>
      env.client.send(
        new PutObjectCommand({ Bucket: 'objects', Key: 'once', Body: 'third', IfMatch: '"nope"' }),
      ),
    );
    assert.equal(m.status, 412);
    assert.equal(
      (
        await text(await env.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'once' })))
      ).toString(),
      'first',
    );
    // If-Match names a version to replace: with none there, S3 answers 404 NoSuchKey and stores nothing.
    for (const IfMatch of ['"0123456789abcdef0123456789abcdef"', '*']) {
      const missing = await s3Error(() =>
        env.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'never', Body: 'x', IfMatch })),
      );
      assert.deepEqual([missing.code, missing.status], ['NoSuchKey', 404], IfMatch);
    }
    const none = await s3Error(() =>
      env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'never' })),
    );
    assert.equal(none.status, 404);
  });

  test('an append (x-amz-write-offset-bytes) is 501 NotImplemented and leaves the object whole', async () => {
    await env.client.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'appended', Body: 'original-content' }),
    );
    const r = await rawSigned(`${env.server.s3Url}/objects/appended`, {
      method: 'PUT',
      body: 'APPENDED',
      headers: { 'x-amz-write-offset-bytes': '16' },
      accessKey: 'E2EROOT',
      secret: 'e2e-root-secret',
    });
    assert.equal(r.status, 501);
    assert.match(r.body, /<Code>NotImplemented<\/Code>.*<Header>x-amz-write-offset-bytes<\/Header>/s);
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'appended' }));
    assert.equal((await text(got)).toString(), 'original-content');
  });

  test('If-None-Match naming an ETag on a write is 501 NotImplemented, as S3 answers, and writes nothing', async () => {
    const put = await env.client.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'etagged', Body: 'kept' }),
    );
    const upload = await env.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'objects', Key: 'etagged' }),
    );
    const part = await env.client.send(
      new UploadPartCommand({
        Bucket: 'objects',
        Key: 'etagged',
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: 'replaced',
      }),
    );
    for (const IfNoneMatch of [put.ETag!, '"0123456789abcdef0123456789abcdef"', `*, ${put.ETag}`]) {
      const p = await s3Error(() =>
        env.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'etagged', Body: 'x', IfNoneMatch })),
      );
      assert.deepEqual([p.code, p.status], ['NotImplemented', 501], IfNoneMatch);
      const c = await s3Error(() =>
        env.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'objects',
            Key: 'etagged',
            UploadId: upload.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
            IfNoneMatch,
          }),
        ),
      );
      assert.deepEqual([c.code, c.status], ['NotImplemented', 501], IfNoneMatch);
    }
    const raw = await rawSigned(`${env.server.s3Url}/objects/etagged`, {
      method: 'PUT',
      body: 'x',
      headers: { 'if-none-match': put.ETag! },
      accessKey: 'E2EROOT',
      secret: 'e2e-root-secret',
    });
    assert.equal(raw.status, 501);
    assert.match(raw.body, /<Code>NotImplemented<\/Code>.*<Header>If-None-Match<\/Header>/s);
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'etagged' }));
    assert.equal((await text(got)).toString(), 'kept');
    // The upload is still open: completed without the header, it replaces the object.
    await env.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'objects',
        Key: 'etagged',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const now = await env.client.send(new GetObjectCommand({ Bucket: 'objects', Key: 'etagged' }));
    assert.equal((await text(now)).toString(), 'replaced');
  });

  test('tagging: put, get, delete; x-amz-tagging on PUT', async () => {
    await env.client.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'tagged', Body: 't', Tagging: 'a=1&b=two%20words' }),
    );
    assert.deepEqual(
      (await env.client.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged' }))).TagSet,
      [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: 'two words' },
      ],
    );
    await env.client.send(
      new PutObjectTaggingCommand({
        Bucket: 'objects',
        Key: 'tagged',
        Tagging: { TagSet: [{ Key: 'x', Value: 'y' }] },
      }),
    );
    assert.deepEqual(
      (await env.client.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged' }))).TagSet,
      [{ Key: 'x', Value: 'y' }],
    );
    await env.client.send(new DeleteObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged' }));
    assert.deepEqual(
      (await env.client.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged' }))).TagSet ?? [],
      [],
    );
  });

  test("a tag's key and value take letters, digits and spaces of any script and _ . : / = + - @, nothing else", async () => {
    const c = env.client;
    const tagsOf = async (Key: string) =>
      (await c.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key }))).TagSet ?? [];
    // Every character S3 takes, in a key and in a value.
    const fine = 'Größe 42_a.b:c/d=e+f-g@h';
    await c.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'tag-chars',
        Body: 't',
        Tagging: `${encodeURIComponent(fine)}=${encodeURIComponent(fine)}`,
      }),
    );
    assert.deepEqual(await tagsOf('tag-chars'), [{ Key: fine, Value: fine }]);
    // A comma or a parenthesis, in the header of a PUT: nothing is stored.
    for (const [tagging, which] of [
      ['a=b%2Cc', 'TagValue'],
      ['a%28b%29=c', 'TagKey'],
      ['a=b!', 'TagValue'],
    ] as const) {
      const e = await s3Error(() =>
        c.send(new PutObjectCommand({ Bucket: 'objects', Key: 'tag-refused', Body: 't', Tagging: tagging })),
      );
      assert.deepEqual(
        [e.code, e.status, e.message],
        ['InvalidTag', 400, `The ${which} you have provided is invalid`],
      );
    }
    const none = await s3Error(() =>
      c.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'tag-refused' })),
    );
    assert.equal(none.status, 404);
    // In a tag set: the object keeps the tags it had.
    for (const [Key, Value, which] of [
      ['a', 'x,y', 'TagValue'],
      ['<k>', 'v', 'TagKey'],
    ] as const) {
      const e = await s3Error(() =>
        c.send(
          new PutObjectTaggingCommand({
            Bucket: 'objects',
            Key: 'tag-chars',
            Tagging: { TagSet: [{ Key, Value }] },
          }),
        ),
      );
      assert.deepEqual(
        [e.code, e.status, e.message],
        ['InvalidTag', 400, `The ${which} you have provided is invalid`],
      );
    }
    assert.deepEqual(await tagsOf('tag-chars'), [{ Key: fine, Value: fine }]);
    // Keys under aws: are S3's own, on objects as on buckets.
    const system = await s3Error(() =>
      c.send(
        new PutObjectCommand({ Bucket: 'objects', Key: 'tag-refused', Body: 't', Tagging: 'aws%3Ax=1' }),
      ),
    );
    assert.deepEqual([system.code, system.status], ['InvalidTag', 400]);
    const systemSet = await s3Error(() =>
      c.send(
        new PutObjectTaggingCommand({
          Bucket: 'objects',
          Key: 'tag-chars',
          Tagging: { TagSet: [{ Key: 'aws:x', Value: '1' }] },
        }),
      ),
    );
    assert.deepEqual([systemSet.code, systemSet.status], ['InvalidTag', 400]);
    assert.deepEqual(await tagsOf('tag-chars'), [{ Key: fine, Value: fine }]);
  });

  test('a storage class other than STANDARD and Object Lock are refused, never ignored; nothing is stored', async () => {
    const c = env.client;
    const standard = await c.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'class/standard', Body: 'x', StorageClass: 'STANDARD' }),
    );
    assert.equal(standard.$metadata.httpStatusCode, 200);
    const refusals: [() => Promise<unknown>, string, number][] = [
      [
        () =>
          c.send(
            new PutObjectCommand({
              Bucket: 'objects',
              Key: 'class/glacier',
              Body: 'x',
              StorageClass: 'GLACIER',
            }),
          ),
        'InvalidStorageClass',
        400,
      ],
      [
        () =>
          c.send(
            new PutObjectCommand({
              Bucket: 'objects',
              Key: 'class/locked',
              Body: 'x',
              ObjectLockMode: 'COMPLIANCE',
              ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000),
            }),
          ),
        'InvalidRequest',
        400,
      ],
      [
        () =>
          c.send(
            new CopyObjectCommand({
              Bucket: 'objects',
              Key: 'class/copied',
              CopySource: 'objects/class/standard',
              StorageClass: 'STANDARD_IA',
            }),
          ),
        'InvalidStorageClass',
        400,
      ],
      [
        () =>
          c.send(
            new CreateMultipartUploadCommand({
              Bucket: 'objects',
              Key: 'class/parts',
              StorageClass: 'DEEP_ARCHIVE',
            }),
          ),
        'InvalidStorageClass',
        400,
      ],
      [
        () => c.send(new CreateBucketCommand({ Bucket: 'locked-bucket', ObjectLockEnabledForBucket: true })),
        'NotImplemented',
        501,
      ],
    ];
    for (const [send, code, status] of refusals) {
      const e = await s3Error(send);
      assert.deepEqual([e.code, e.status], [code, status]);
    }
    const left = await c.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'class/' }));
    assert.deepEqual(
      left.Contents?.map((o) => o.Key),
      ['class/standard'],
    );
    const uploads = await c.send(new ListMultipartUploadsCommand({ Bucket: 'objects', Prefix: 'class/' }));
    assert.equal(uploads.Uploads, undefined);
    const noBucket = await s3Error(() => c.send(new HeadBucketCommand({ Bucket: 'locked-bucket' })));
    assert.equal(noBucket.status, 404);
  });

  test('user metadata over 2 KiB is 400 MetadataTooLarge and stores nothing', async () => {
    const e = await s3Error(() =>
      env.client.send(
        new PutObjectCommand({
          Bucket: 'objects',
          Key: 'meta',
          Body: 'm',
          Metadata: { big: 'x'.repeat(2100) },
        }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['MetadataTooLarge', 400]);
    assert.equal(
      (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'meta' }))))
        .status,
      404,
    );
  });

  test('delete, and DeleteObjects in batch, quiet too', async () => {
    for (const k of ['d1', 'd2', 'd3'])
      await env.client.send(new PutObjectCommand({ Bucket: 'objects', Key: `del/${k}`, Body: k }));
    const r = await env.client.send(
      new DeleteObjectsCommand({
        Bucket: 'objects',
        Delete: { Objects: [{ Key: 'del/d1' }, { Key: 'del/d2' }, { Key: 'del/none' }] },
      }),
    );
    assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ['del/d1', 'del/d2', 'del/none']);
    const q = await env.client.send(
      new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: [{ Key: 'del/d3' }], Quiet: true } }),
    );
    assert.equal(q.Deleted, undefined);
    const left = await env.client.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'del/' }));
    assert.equal(left.KeyCount, 0);
    assert.equal(
      (await env.client.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'del/never' }))).$metadata
        .httpStatusCode,
      204,
    );
  });
});

describe('listing', () => {
  before(async () => {
    await env.client.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const k of ['a.txt', 'd1/x', 'd1/y', 'd2/z', 'sp ace/k+plus', 'z.txt'])
      await env.client.send(new PutObjectCommand({ Bucket: 'listing', Key: k, Body: k }));
  });

  test('v2: delimiter, pages with continuation tokens, start-after, fetch-owner, encoding-type=url', async () => {
    const top = await env.client.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    assert.deepEqual(
      top.Contents?.map((c) => c.Key),
      ['a.txt', 'z.txt'],
    );
    assert.deepEqual(
      top.CommonPrefixes?.map((p) => p.Prefix),
      ['d1/', 'd2/', 'sp ace/'],
    );
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await env.client.send(
        new ListObjectsV2Command({
          Bucket: 'listing',
          MaxKeys: 2,
          ContinuationToken: token,
          FetchOwner: true,
        }),
      );
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      assert.ok((page.Contents ?? []).every((c) => c.Owner?.ID));
      token = page.NextContinuationToken;
      assert.equal(page.IsTruncated, token !== undefined);
    } while (token);
    assert.deepEqual(seen, ['a.txt', 'd1/x', 'd1/y', 'd2/z', 'sp ace/k+plus', 'z.txt']);
    // A token this server did not make is 400, not an empty page that would read as the end of the listing.
    for (const bad of ['garbage', 'ZDEveA', '!!', 'a2E']) {
      const e = await s3Error(() =>
        env.client.send(new ListObjectsV2Command({ Bucket: 'listing', ContinuationToken: bad })),
      );
      assert.deepEqual([e.code, e.status], ['InvalidArgument', 400], bad);
    }
    const after = await env.client.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'd2/z' }));
    assert.deepEqual(
      after.Contents?.map((c) => c.Key),
      ['sp ace/k+plus', 'z.txt'],
    );
    // The SDK hands url-encoded keys back as sent: every character but unreserved ones and '/' as %XX, a space too.
    const enc = await env.client.send(
      new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'sp ace/', EncodingType: 'url' }),
    );
    assert.deepEqual(
      enc.Contents?.map((c) => c.Key),
      ['sp%20ace/k%2Bplus'],
    );
    assert.equal(decodeURIComponent(enc.Contents![0]!.Key!), 'sp ace/k+plus');
    assert.equal(enc.Prefix, 'sp%20ace/');
  });

  test('each entry carries its key (XML-special characters included), ETag, size, date, checksum and owner', async () => {
    await env.client.send(new CreateBucketCommand({ Bucket: 'listing-fields' }));
    const key = `a&b<c>d"e'f/é`;
    const put = await env.client.send(
      new PutObjectCommand({ Bucket: 'listing-fields', Key: key, Body: 'seven b' }),
    );
    for (const list of [
      () => env.client.send(new ListObjectsV2Command({ Bucket: 'listing-fields', FetchOwner: true })),
      () => env.client.send(new ListObjectsCommand({ Bucket: 'listing-fields' })),
    ]) {
      const page = await list();
      assert.equal(page.Contents?.length, 1);
      const c = page.Contents![0]!;
      assert.equal(c.Key, key);
      assert.equal(c.ETag, put.ETag);
      assert.equal(c.Size, 7);
      assert.ok(Math.abs(c.LastModified!.getTime() - Date.now()) < 60_000);
      assert.deepEqual(c.ChecksumAlgorithm, ['CRC64NVME']);
      assert.equal(c.ChecksumType, 'FULL_OBJECT');
      assert.equal(c.StorageClass, 'STANDARD');
      assert.equal(c.Owner?.DisplayName, 'root');
      assert.match(c.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
    }
  });

  test('folder markers: an empty object whose key ends with / stores, lists and deletes like any other', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'folders' }));
    const marker = await c.send(
      new PutObjectCommand({
        Bucket: 'folders',
        Key: 'logs/',
        Body: '',
        ContentType: 'application/x-directory',
      }),
    );
    assert.equal(marker.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
    await c.send(new PutObjectCommand({ Bucket: 'folders', Key: 'logs/day1', Body: 'one' }));
    const head = await c.send(new HeadObjectCommand({ Bucket: 'folders', Key: 'logs/' }));
    assert.deepEqual([head.ContentLength, head.ContentType], [0, 'application/x-directory']);
    const got = await c.send(new GetObjectCommand({ Bucket: 'folders', Key: 'logs/' }));
    assert.equal((await got.Body!.transformToByteArray()).length, 0);
    // At the top the marker folds into its common prefix; under the prefix it is listed with the files.
    const top = await c.send(new ListObjectsV2Command({ Bucket: 'folders', Delimiter: '/' }));
    assert.deepEqual([top.Contents, top.CommonPrefixes?.map((p) => p.Prefix)], [undefined, ['logs/']]);
    const inside = await c.send(
      new ListObjectsV2Command({ Bucket: 'folders', Prefix: 'logs/', Delimiter: '/' }),
    );
    assert.deepEqual(
      inside.Contents?.map((o) => [o.Key, o.Size]),
      [
        ['logs/', 0],
        ['logs/day1', 3],
      ],
    );
    // Deleting the marker leaves what is under it; keys with an empty segment are still refused.
    await c.send(new DeleteObjectCommand({ Bucket: 'folders', Key: 'logs/' }));
    const after = await c.send(new ListObjectsV2Command({ Bucket: 'folders' }));
    assert.deepEqual(
      after.Contents?.map((o) => o.Key),
      ['logs/day1'],
    );
    const bad = await s3Error(() =>
      c.send(new PutObjectCommand({ Bucket: 'folders', Key: 'logs//x', Body: 'x' })),
    );
    assert.deepEqual([bad.status, bad.code], [400, 'InvalidArgument']);
  });

  test('v1: marker and max-keys', async () => {
    const page = await env.client.send(new ListObjectsCommand({ Bucket: 'listing', MaxKeys: 3 }));
    assert.deepEqual([page.Contents?.map((c) => c.Key), page.IsTruncated], [['a.txt', 'd1/x', 'd1/y'], true]);
    const next = await env.client.send(
      new ListObjectsCommand({ Bucket: 'listing', Marker: page.NextMarker ?? 'd1/y' }),
    );
    assert.deepEqual(
      next.Contents?.map((c) => c.Key),
      ['d2/z', 'sp ace/k+plus', 'z.txt'],
    );
  });
});

describe('CopyObject', () => {
  test('copies by reference: same ETag and checksums, metadata and tagging directives', async () => {
    const c = env.client;
    const data = bytes(200_000, 9);
    const src = await c.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'src.bin',
        Body: data,
        Metadata: { m: '1' },
        Tagging: 't=1',
      }),
    );
    const copy = await c.send(
      new CopyObjectCommand({ Bucket: 'objects', Key: 'copy 1.bin', CopySource: 'objects/src.bin' }),
    );
    assert.equal(copy.CopyObjectResult?.ETag, src.ETag);
    assert.ok(copy.CopyObjectResult?.LastModified);
    const got = await c.send(new GetObjectCommand({ Bucket: 'objects', Key: 'copy 1.bin' }));
    assert.deepEqual([await text(got), got.Metadata], [data, { m: '1' }]);
    await c.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'copy2.bin',
        CopySource: encodeURIComponent('objects/copy 1.bin'),
        MetadataDirective: 'REPLACE',
        Metadata: { m: '2' },
        ContentType: 'text/x',
        TaggingDirective: 'REPLACE',
        Tagging: 'u=2',
      }),
    );
    const h = await c.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'copy2.bin' }));
    assert.deepEqual([h.Metadata, h.ContentType], [{ m: '2' }, 'text/x']);
    assert.deepEqual(
      (await c.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'copy2.bin' }))).TagSet,
      [{ Key: 'u', Value: '2' }],
    );
    assert.deepEqual(
      (await c.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'copy 1.bin' }))).TagSet,
      [{ Key: 't', Value: '1' }],
    );
  });

  test('a self-copy that changes nothing is 400; with REPLACE it is allowed', async () => {
    const e = await s3Error(() =>
      env.client.send(
        new CopyObjectCommand({ Bucket: 'objects', Key: 'src.bin', CopySource: 'objects/src.bin' }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['InvalidRequest', 400]);
    await env.client.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'src.bin',
        CopySource: 'objects/src.bin',
        MetadataDirective: 'REPLACE',
        Metadata: { m: 'new' },
      }),
    );
    assert.deepEqual(
      (await env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'src.bin' }))).Metadata,
      { m: 'new' },
    );
  });

  test('copy-source conditions follow the S3 precedence', async () => {
    const c = env.client;
    const etag = (await c.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'src.bin' }))).ETag!;
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 3600_000);
    // If-Match true plus If-Unmodified-Since false: copies.
    await c.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'cond',
        CopySource: 'objects/src.bin',
        CopySourceIfMatch: etag,
        CopySourceIfUnmodifiedSince: past,
      }),
    );
    // If-None-Match false plus If-Modified-Since true: 412.
    const e = await s3Error(() =>
      c.send(
        new CopyObjectCommand({
          Bucket: 'objects',
          Key: 'cond2',
          CopySource: 'objects/src.bin',
          CopySourceIfNoneMatch: etag,
          CopySourceIfModifiedSince: past,
        }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['PreconditionFailed', 412]);
    const m = await s3Error(() =>
      c.send(
        new CopyObjectCommand({
          Bucket: 'objects',
          Key: 'cond3',
          CopySource: 'objects/src.bin',
          CopySourceIfModifiedSince: future,
        }),
      ),
    );
    assert.equal(m.status, 412);
    assert.equal(
      (await s3Error(() => c.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'cond2' })))).status,
      404,
    );
  });

  test('versions: ?versionId= in the source, version headers, and delete-marker sources', async () => {
    const c = env.client;
    const v1 = await c.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'cv', Body: 'one' }));
    await c.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'cv', Body: 'two' }));
    const r = await c.send(
      new CopyObjectCommand({
        Bucket: 'versioned',
        Key: 'cv-copy',
        CopySource: `versioned/cv?versionId=${v1.VersionId}`,
      }),
    );
    assert.equal(r.CopySourceVersionId, v1.VersionId);
    assert.ok(r.VersionId);
    assert.equal(
      (await text(await c.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'cv-copy' })))).toString(),
      'one',
    );
    const marker = await c.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'cv' }));
    assert.equal(
      (
        await s3Error(() =>
          c.send(new CopyObjectCommand({ Bucket: 'versioned', Key: 'x', CopySource: 'versioned/cv' })),
        )
      ).status,
      404,
    );
    const named = await s3Error(() =>
      c.send(
        new CopyObjectCommand({
          Bucket: 'versioned',
          Key: 'x',
          CopySource: `versioned/cv?versionId=${marker.VersionId}`,
        }),
      ),
    );
    assert.deepEqual([named.code, named.status], ['InvalidRequest', 400]);
    // A version id that is not one is 400, as in a GET, not a 404 for a version not found.
    for (const [versionId, message] of [
      ['zzz', 'Invalid version id specified'],
      ['', 'Version id cannot be the empty string'],
    ]) {
      const bad = await s3Error(() =>
        c.send(
          new CopyObjectCommand({
            Bucket: 'versioned',
            Key: 'x',
            CopySource: `versioned/cv?versionId=${versionId}`,
          }),
        ),
      );
      assert.deepEqual([bad.code, bad.status, bad.message], ['InvalidArgument', 400, message]);
    }
  });
});

describe('authentication and bad input', () => {
  test('an anonymous GET may not set response-* headers (400 InvalidRequest); a signed one may', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'open-read' }));
    await c.send(
      new PutObjectCommand({ Bucket: 'open-read', Key: 'page', Body: '<b>hi</b>', ACL: 'public-read' }),
    );
    const plain = await fetch(`${env.server.s3Url}/open-read/page`);
    assert.equal(plain.status, 200);
    assert.equal(await plain.text(), '<b>hi</b>');
    for (const q of ['response-content-type=text/html', 'response-content-disposition=inline']) {
      const r = await fetch(`${env.server.s3Url}/open-read/page?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(
        await r.text(),
        /<Code>InvalidRequest<\/Code><Message>Request specific response headers cannot be used for anonymous GET requests\.<\/Message>/,
      );
    }
    const signed = await c.send(
      new GetObjectCommand({ Bucket: 'open-read', Key: 'page', ResponseContentType: 'text/plain' }),
    );
    assert.equal(signed.ContentType, 'text/plain');
  });

  test('a wrong secret is 403 SignatureDoesNotMatch; an unknown key is 403 InvalidAccessKeyId; both carry a request id', async () => {
    const wrong = await s3Error(() =>
      env.clientFor('E2EROOT', 'not-the-secret').send(new ListBucketsCommand({})),
    );
    assert.deepEqual([wrong.code, wrong.status], ['SignatureDoesNotMatch', 403]);
    assert.ok(wrong.requestId);
    const unknown = await s3Error(() => env.clientFor('NOSUCHKEY', 'x').send(new ListBucketsCommand({})));
    assert.deepEqual([unknown.code, unknown.status], ['InvalidAccessKeyId', 403]);
  });

  test('anonymous requests to a private bucket are denied; unsupported sub-resources are 501', async () => {
    const anon = await fetch(`${env.server.s3Url}/objects/src.bin`);
    assert.equal(anon.status, 403);
    const body = await anon.text();
    assert.match(body, /<Code>AccessDenied<\/Code>/);
    assert.match(body, /<RequestId>[0-9a-f]+<\/RequestId>/);
    assert.equal(anon.headers.get('x-amz-request-id'), /<RequestId>([0-9a-f]+)<\/RequestId>/.exec(body)![1]);
    for (const sub of ['policy', 'lifecycle', 'cors']) {
      const r = await rawSigned(`${env.server.s3Url}/objects?${sub}`, {
        method: 'GET',
        accessKey: 'E2EROOT',
        secret: 'e2e-root-secret',
      });
      assert.equal(r.status, 501, sub);
      assert.match(r.body, /<Code>NotImplemented<\/Code>/);
    }
    // An upload by HTML form (POST Object) is a feature mimeo does not have, not a wrong method.
    const form = new FormData();
    form.set('key', 'by-form');
    form.set('file', new Blob(['x']));
    const posted = await fetch(`${env.server.s3Url}/objects`, { method: 'POST', body: form });
    assert.equal(posted.status, 501);
    assert.match(await posted.text(), /<Code>NotImplemented<\/Code>/);
  });

  test('presigned GET and PUT work; an expired presigned URL is 403 and a tampered one too', async () => {
    const put = await getSignedUrl(
      env.client,
      new PutObjectCommand({ Bucket: 'objects', Key: 'presigned' }),
      { expiresIn: 60 },
    );
    assert.equal((await fetch(put, { method: 'PUT', body: 'via url' })).status, 200);
    const get = await getSignedUrl(
      env.client,
      new GetObjectCommand({ Bucket: 'objects', Key: 'presigned' }),
      { expiresIn: 60 },
    );
    assert.equal(await (await fetch(get)).text(), 'via url');
    const tampered = await fetch(get.replace('presigned', 'presigneD'));
    assert.equal(tampered.status, 403);
    assert.match(await tampered.text(), /SignatureDoesNotMatch/);
    const old = await getSignedUrl(
      env.client,
      new GetObjectCommand({ Bucket: 'objects', Key: 'presigned' }),
      { expiresIn: 1, signingDate: new Date(Date.now() - 10_000) },
    );
    const expired = await fetch(old);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /Request has expired/);
  });

  test('a wrong Content-MD5 is 400 BadDigest, an oversized key is 400 KeyTooLongError, and nothing is stored', async () => {
    const e = await s3Error(() =>
      env.client.send(
        new PutObjectCommand({
          Bucket: 'objects',
          Key: 'md5',
          Body: 'abc',
          ContentMD5: Buffer.alloc(16).toString('base64'),
        }),
      ),
    );
    assert.deepEqual([e.code, e.status], ['BadDigest', 400]);
    assert.equal(
      (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'md5' })))).status,
      404,
    );
    const k = await s3Error(() =>
      env.client.send(new PutObjectCommand({ Bucket: 'objects', Key: 'k'.repeat(1025), Body: 'x' })),
    );
    assert.deepEqual([k.code, k.status], ['KeyTooLongError', 400]);
  });

  test('malformed XML is 400 MalformedXML and changes nothing', async () => {
    const creds = { accessKey: 'E2EROOT', secret: 'e2e-root-secret' };
    for (const body of [
      '<VersioningConfiguration><Status>Enabled',
      '<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>',
      '',
    ]) {
      const r = await rawSigned(`${env.server.s3Url}/objects?versioning`, { method: 'PUT', body, ...creds });
      assert.equal(r.status, 400, body);
      assert.match(r.body, /<Code>MalformedXML<\/Code>/);
    }
    const del = await rawSigned(`${env.server.s3Url}/objects?delete`, {
      method: 'POST',
      body: '<Delete><Object><Key>src.bin</Key></Object>',
      ...creds,
    });
    assert.equal(del.status, 400);
    assert.equal(
      (await env.client.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'src.bin' }))).$metadata
        .httpStatusCode,
      200,
    );
    assert.equal(
      (await env.client.send(new GetBucketVersioningCommand({ Bucket: 'objects' }))).Status,
      undefined,
    );
  });
});

describe('ListObjectVersions', () => {
  test('versions and delete markers, newest first, paged by key and version markers', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'history' }));
    await c.send(
      new PutBucketVersioningCommand({ Bucket: 'history', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const ids: string[] = [];
    for (const body of ['a1', 'a2', 'a3'])
      ids.push((await c.send(new PutObjectCommand({ Bucket: 'history', Key: 'a', Body: body }))).VersionId!);
    const marker = await c.send(new DeleteObjectCommand({ Bucket: 'history', Key: 'a' }));
    const b1 = (await c.send(new PutObjectCommand({ Bucket: 'history', Key: 'dir/b', Body: 'b1' })))
      .VersionId!;
    const all = await c.send(new ListObjectVersionsCommand({ Bucket: 'history' }));
    assert.deepEqual(
      all.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]),
      [
        ['a', ids[2], false],
        ['a', ids[1], false],
        ['a', ids[0], false],
        ['dir/b', b1, true],
      ],
    );
    assert.deepEqual(
      all.DeleteMarkers?.map((d) => [d.Key, d.VersionId, d.IsLatest]),
      [['a', marker.VersionId, true]],
    );
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await c.send(
        new ListObjectVersionsCommand({
          Bucket: 'history',
          MaxKeys: 2,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      seen.push(...[...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => v.VersionId!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(seen.sort(), [...ids, marker.VersionId!, b1].sort());
    const rolled = await c.send(new ListObjectVersionsCommand({ Bucket: 'history', Delimiter: '/' }));
    assert.deepEqual(
      rolled.CommonPrefixes?.map((p) => p.Prefix),
      ['dir/'],
    );
    assert.equal(rolled.Versions?.length, 3);
  });

  test('the raw listing gives versions and delete markers in one sequence, newest first; a version-id-marker needs a key-marker', async () => {
    const c = env.client;
    await c.send(new CreateBucketCommand({ Bucket: 'mixed' }));
    await c.send(
      new PutBucketVersioningCommand({ Bucket: 'mixed', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = (await c.send(new PutObjectCommand({ Bucket: 'mixed', Key: 'k', Body: '1' }))).VersionId!;
    const m1 = (await c.send(new DeleteObjectCommand({ Bucket: 'mixed', Key: 'k' }))).VersionId!;
    const v2 = (await c.send(new PutObjectCommand({ Bucket: 'mixed', Key: 'k', Body: '2' }))).VersionId!;
    const m2 = (await c.send(new DeleteObjectCommand({ Bucket: 'mixed', Key: 'k' }))).VersionId!;
    const raw = await rawSigned(`${env.server.s3Url}/mixed?versions`, { method: 'GET', ...ROOT_KEYS });
    assert.equal(raw.status, 200, raw.body);
    const order = [
      ...raw.body.matchAll(/<(Version|DeleteMarker)><Key>k<\/Key><VersionId>([^<]+)<\/VersionId>/g),
    ].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(order, [`DeleteMarker:${m2}`, `Version:${v2}`, `DeleteMarker:${m1}`, `Version:${v1}`]);
    const e = await rawSigned(`${env.server.s3Url}/mixed?versions&version-id-marker=${v1}`, {
      method: 'GET',
      ...ROOT_KEYS,
    });
    assert.equal(e.status, 400, e.body);
    assert.match(
      e.body,
      /<Code>InvalidArgument<\/Code><Message>A version-id marker cannot be specified without a key marker\.<\/Message>/,
    );
  });

  test('a key has one null version: a write under suspended versioning replaces it wherever it is', async () => {
    const c = env.client;
    const versioning = (Status: 'Enabled' | 'Suspended') =>
      c.send(new PutBucketVersioningCommand({ Bucket: 'nulls', VersioningConfiguration: { Status } }));
    await c.send(new CreateBucketCommand({ Bucket: 'nulls' }));
    await c.send(new PutObjectCommand({ Bucket: 'nulls', Key: 'k', Body: 'null one' }));
    await versioning('Enabled');
    const kept = (await c.send(new PutObjectCommand({ Bucket: 'nulls', Key: 'k', Body: 'versioned' })))
      .VersionId!;
    await versioning('Suspended');
    await c.send(new PutObjectCommand({ Bucket: 'nulls', Key: 'k', Body: 'null two' }));
    const listed = await c.send(new ListObjectVersionsCommand({ Bucket: 'nulls' }));
    assert.deepEqual(
      listed.Versions?.map((v) => [v.VersionId, v.IsLatest]),
      [
        ['null', true],
        [kept, false],
      ],
    );
    const read = async (VersionId: string) =>
      (await text(await c.send(new GetObjectCommand({ Bucket: 'nulls', Key: 'k', VersionId })))).toString();
    assert.equal(await read('null'), 'null two');
    assert.equal(await read(kept), 'versioned');
    // A delete under suspended versioning is the null version now: a marker, and still one null entry.
    await c.send(new DeleteObjectCommand({ Bucket: 'nulls', Key: 'k' }));
    const after = await c.send(new ListObjectVersionsCommand({ Bucket: 'nulls' }));
    assert.deepEqual(
      [...(after.Versions ?? []), ...(after.DeleteMarkers ?? [])].map((v) => v.VersionId).sort(),
      [kept, 'null'].sort(),
    );
  });
});
