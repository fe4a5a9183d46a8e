// Objects through cos-nodejs-sdk-v5, unmodified, against the real server: buckets, put, head, ranged get, delete,
// and the v1 listing, with COS's headers (x-cos-*, Server: tencent-cos) and its error XML.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { BUCKET, type CosEnv, cosError, cosRaw, HOST, openCos, REGION } from '../helpers/cos.ts';

let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
});
after(async () => env.close());

describe('objects through the SDK', () => {
  test('putObject stores the bytes and answers the MD5 ETag with COS headers', async () => {
    const r = await env.cos.putObject({ ...at, Key: 'dir/a b(1).txt', Body: 'hello cos' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.ETag, `"${createHash('md5').update('hello cos').digest('hex')}"`);
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'dir/a b(1).txt' })).Body), 'hello cos');
    assert.equal(r.headers?.['server'], 'tencent-cos');
    assert.match(r.headers?.['x-cos-request-id'] ?? '', /^[0-9a-f]{16}$/);
    assert.equal(
      Object.keys(r.headers ?? {}).filter((h) => h.startsWith('x-amz-')).length,
      0,
      'no S3 header names on a COS answer',
    );
  });

  test('headObject gives size, ETag and the x-cos-meta-* metadata it was written with', async () => {
    await env.cos.putObject({
      ...at,
      Key: 'meta.txt',
      Body: '12345',
      Headers: { 'x-cos-meta-colour': 'blue' },
      ContentType: 'text/plain',
    });
    const h = await env.cos.headObject({ ...at, Key: 'meta.txt' });
    assert.equal(h.statusCode, 200);
    assert.equal(h.headers?.['content-length'], '5');
    assert.equal(h.headers?.['content-type'], 'text/plain');
    assert.equal(h.headers?.['x-cos-meta-colour'], 'blue');
    assert.equal(h.ETag, '"827ccb0eea8a706c4c34a16891f84e7b"');
  });

  test('getObject with a range answers 206 with exactly those bytes', async () => {
    await env.cos.putObject({ ...at, Key: 'digits', Body: '0123456789' });
    const g = await env.cos.getObject({ ...at, Key: 'digits', Range: 'bytes=2-5' });
    assert.equal(g.statusCode, 206);
    assert.equal(String(g.Body), '2345');
    assert.equal(g.headers?.['content-range'], 'bytes 2-5/10');
  });

  test('a range past the end is 416 InvalidRange', async () => {
    const e = await cosError(() => env.cos.getObject({ ...at, Key: 'digits', Range: 'bytes=20-30' }));
    assert.equal(e.status, 416);
    assert.equal(e.code, 'InvalidRange');
  });

  test('x-cos-forbid-overwrite: true refuses to replace an object, by put and by copy, with 409 FileAlreadyExists', async () => {
    const forbid = { 'x-cos-forbid-overwrite': 'true' };
    const first = await env.cos.putObject({ ...at, Key: 'kept', Body: 'first', Headers: forbid });
    assert.equal(first.statusCode, 200);
    const put = await cosError(() =>
      env.cos.putObject({ ...at, Key: 'kept', Body: 'second', Headers: forbid }),
    );
    assert.deepEqual([put.status, put.code], [409, 'FileAlreadyExists']);
    await env.cos.putObject({ ...at, Key: 'other', Body: 'other' });
    const copy = await cosError(() =>
      env.cos.putObjectCopy({ ...at, Key: 'kept', CopySource: `${HOST}/other`, Headers: forbid }),
    );
    assert.deepEqual([copy.status, copy.code], [409, 'FileAlreadyExists']);
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'kept' })).Body), 'first');
    // false, or no header, replaces as before.
    await env.cos.putObject({
      ...at,
      Key: 'kept',
      Body: 'third',
      Headers: { 'x-cos-forbid-overwrite': 'false' },
    });
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'kept' })).Body), 'third');
  });

  test('appendObject (not built) is 501 NotImplemented and writes nothing', async () => {
    const e = await cosError(() => env.cos.appendObject({ ...at, Key: 'appended', Body: 'x', Position: 0 }));
    assert.deepEqual([e.status, e.code], [501, 'NotImplemented']);
    const h = await cosError(() => env.cos.headObject({ ...at, Key: 'appended' }));
    assert.equal(h.status, 404);
  });

  test('deleteObject answers 204, and the key is then NoSuchKey', async () => {
    await env.cos.putObject({ ...at, Key: 'gone', Body: 'x' });
    const d = await env.cos.deleteObject({ ...at, Key: 'gone' });
    assert.equal(d.statusCode, 204);
    const e = await cosError(() => env.cos.getObject({ ...at, Key: 'gone' }));
    assert.deepEqual([e.status, e.code], [404, 'NoSuchKey']);
    const h = await cosError(() => env.cos.headObject({ ...at, Key: 'gone' }));
    assert.equal(h.status, 404);
  });

  test('getBucket lists v1 with prefix, delimiter, marker and max-keys', async () => {
    for (const k of ['list/a', 'list/b', 'list/c/d', 'list/c/e'])
      await env.cos.putObject({ ...at, Key: k, Body: k });
    const r = await env.cos.getBucket({ ...at, Prefix: 'list/', Delimiter: '/' });
    assert.deepEqual(
      r.Contents.map((c) => [c.Key, c.Size]),
      [
        ['list/a', '6'],
        ['list/b', '6'],
      ],
    );
    assert.deepEqual(
      r.CommonPrefixes.map((p) => p.Prefix),
      ['list/c/'],
    );
    assert.equal(r.IsTruncated, 'false');
    // On the wire, as COS writes a listing: ETags in literal quotes, no S3 checksum elements.
    const raw = await cosRaw(env, { method: 'GET', path: '/?prefix=list%2F&max-keys=1' });
    assert.equal(raw.status, 200, raw.body);
    assert.match(raw.body, /<Key>list\/a<\/Key>/);
    assert.match(raw.body, /<ETag>"[0-9a-f]{32}"<\/ETag>/);
    assert.doesNotMatch(raw.body, /&quot;|Checksum/);
    // The hand-written documents follow the flavor too: no S3 namespace on the ACL or the location.
    for (const path of ['/?acl', '/?location']) {
      const doc = await cosRaw(env, { method: 'GET', path });
      assert.equal(doc.status, 200, `${path}: ${doc.body}`);
      assert.doesNotMatch(doc.body, /s3\.amazonaws\.com/, path);
    }
    // COS's entries carry no S3 checksum elements.
    for (const c of r.Contents)
      assert.deepEqual(
        Object.keys(c).filter((k) => k.startsWith('Checksum')),
        [],
        JSON.stringify(c),
      );
    const page = await env.cos.getBucket({ ...at, Prefix: 'list/', MaxKeys: 1, Marker: 'list/a' });
    assert.deepEqual(
      page.Contents.map((c) => c.Key),
      ['list/b'],
    );
    assert.equal(page.IsTruncated, 'true');
    assert.equal(page.NextMarker, 'list/b');
  });

  test('getService lists the buckets', async () => {
    const r = await env.cos.getService({});
    assert.equal(r.statusCode, 200);
    assert.ok(r.Buckets.some((b) => b.Name === BUCKET));
  });

  test('headBucket and deleteBucket of an empty bucket', async () => {
    await env.cos.putBucket({ Bucket: 'spare-1250000000', Region: REGION });
    assert.equal((await env.cos.headBucket({ Bucket: 'spare-1250000000', Region: REGION })).statusCode, 200);
    assert.equal(
      (await env.cos.deleteBucket({ Bucket: 'spare-1250000000', Region: REGION })).statusCode,
      204,
    );
    const e = await cosError(() => env.cos.headBucket({ Bucket: 'spare-1250000000', Region: REGION }));
    assert.equal(e.status, 404);
  });

  test('deleteBucket with a multipart upload in progress is 409 BucketNotEmpty, and the upload goes on', async () => {
    const spare = { Bucket: 'busy-1250000000', Region: REGION };
    await env.cos.putBucket(spare);
    const { UploadId } = await env.cos.multipartInit({ ...spare, Key: 'slow.bin' });
    const one = await env.cos.multipartUpload({
      ...spare,
      Key: 'slow.bin',
      UploadId,
      PartNumber: 1,
      Body: 'one',
    });
    const refused = await cosError(() => env.cos.deleteBucket(spare));
    assert.deepEqual([refused.status, refused.code], [409, 'BucketNotEmpty']);
    const done = await env.cos.multipartComplete({
      ...spare,
      Key: 'slow.bin',
      UploadId,
      Parts: [{ PartNumber: 1, ETag: one.ETag }],
    });
    assert.equal(done.statusCode, 200);
    assert.equal(String((await env.cos.getObject({ ...spare, Key: 'slow.bin' })).Body), 'one');
    await env.cos.deleteObject({ ...spare, Key: 'slow.bin' });
    // Aborted, an upload no longer keeps the bucket.
    const other = await env.cos.multipartInit({ ...spare, Key: 'dropped.bin' });
    assert.equal((await cosError(() => env.cos.deleteBucket(spare))).status, 409);
    await env.cos.multipartAbort({ ...spare, Key: 'dropped.bin', UploadId: other.UploadId });
    assert.equal((await env.cos.deleteBucket(spare)).statusCode, 204);
  });
});

describe('COS error documents', () => {
  test('NoSuchKey comes as COS XML: Code, Message, Resource by host, RequestId and TraceId, x-cos-* headers', async () => {
    const r = await cosRaw(env, { method: 'GET', path: '/no/such%20key' });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('content-type'), 'application/xml');
    assert.equal(r.headers.get('server'), 'tencent-cos');
    const id = r.headers.get('x-cos-request-id');
    assert.match(id ?? '', /^[0-9a-f]{16}$/);
    assert.equal(r.headers.get('x-cos-trace-id'), id);
    assert.equal(
      r.body.replace(/<Message>[^<]*<\/Message>/, '<Message/>'),
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message/><Resource>${HOST}/no/such%20key</Resource><RequestId>${id}</RequestId><TraceId>${id}</TraceId></Error>`,
    );
  });

  test('an unknown bucket is 404 NoSuchBucket', async () => {
    const e = await cosError(() => env.cos.getBucket({ Bucket: 'nothere-1250000000', Region: REGION }));
    assert.deepEqual([e.status, e.code], [404, 'NoSuchBucket']);
  });
});
