// Whole-object copies through cos-nodejs-sdk-v5: PUT Object - Copy (metadata Copy or Replaced), sliceCopyFile of a
// large object (its part copies), and copies of versions and delete markers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUCKET, type CosEnv, cosError, cosRaw, HOST, openCos, REGION } from '../helpers/cos.ts';
import { bytes } from '../helpers/data.ts';
import { blockBytes } from '../helpers/s3.ts';

const MiB = 1024 * 1024;
let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
const source = (key: string) => `${HOST}/${key}`;
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const message = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1];

before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
});
after(async () => env.close());

describe('PUT Object - Copy', () => {
  test('copies bytes and metadata by reference, keeping the ETag', async () => {
    const put = await env.cos.putObject({
      ...at,
      Key: 'orig.txt',
      Body: 'original bytes',
      ContentType: 'text/plain',
      Headers: { 'x-cos-meta-tag': 'one' },
    });
    const before = await blockBytes(env.dataDir);
    const c = await env.cos.putObjectCopy({ ...at, Key: 'copy.txt', CopySource: source('orig.txt') });
    assert.equal(c.statusCode, 200);
    assert.equal(c.ETag, put.ETag);
    assert.equal(await blockBytes(env.dataDir), before);
    const h = await env.cos.headObject({ ...at, Key: 'copy.txt' });
    assert.equal(h.headers?.['x-cos-meta-tag'], 'one');
    assert.equal(h.headers?.['content-type'], 'text/plain');
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'copy.txt' })).Body), 'original bytes');
  });

  test('x-cos-metadata-directive Replaced takes the request metadata instead', async () => {
    await env.cos.putObjectCopy({
      ...at,
      Key: 'replaced.txt',
      CopySource: source('orig.txt'),
      MetadataDirective: 'Replaced',
      Headers: { 'x-cos-meta-tag': 'two' },
    });
    const h = await env.cos.headObject({ ...at, Key: 'replaced.txt' });
    assert.equal(h.headers?.['x-cos-meta-tag'], 'two');
  });

  test("a PUT naming its source in S3's x-amz-copy-source is 400, and the object at the key is kept", async () => {
    await env.cos.putObject({ ...at, Key: 'amz-kept.txt', Body: 'kept bytes' });
    const r = await cosRaw(env, {
      method: 'PUT',
      path: '/amz-kept.txt',
      headers: { 'x-amz-copy-source': `${BUCKET}/orig.txt` },
    });
    assert.deepEqual([r.status, code(r.body)], [400, 'InvalidArgument']);
    assert.match(message(r.body) ?? '', /x-cos-copy-source/);
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'amz-kept.txt' })).Body), 'kept bytes');
  });
});

describe('sliceCopyFile', () => {
  test('a 30 MiB object is copied in part copies, byte for byte, without writing a block', async () => {
    const data = bytes(30 * MiB, 3);
    await env.cos.putObject({ ...at, Key: 'big/src.bin', Body: data });
    const before = await blockBytes(env.dataDir);
    const r = await env.cos.sliceCopyFile({
      ...at,
      Key: 'big/dst.bin',
      CopySource: source('big/src.bin'),
      CopySliceSize: 10 * MiB,
      CopyChunkSize: 8 * MiB,
    });
    assert.equal(r.statusCode, 200);
    assert.match((r as unknown as { ETag: string }).ETag, /^"[0-9a-f]{32}-4"$/);
    assert.equal(await blockBytes(env.dataDir), before);
    const g = await env.cos.getObject({ ...at, Key: 'big/dst.bin' });
    assert.ok(Buffer.from(g.Body).equals(data));
  });
});

describe('versions and delete markers', () => {
  let v1: string;
  let marker: string;
  before(async () => {
    await env.cos.putBucketVersioning({ ...at, VersioningConfiguration: { Status: 'Enabled' } });
    const p1 = await env.cos.putObject({ ...at, Key: 'v.txt', Body: 'first' });
    v1 = p1.headers?.['x-cos-version-id'] ?? '';
    assert.ok(v1);
    await env.cos.putObject({ ...at, Key: 'v.txt', Body: 'second' });
    const d = await env.cos.deleteObject({ ...at, Key: 'v.txt' });
    marker = d.headers?.['x-cos-version-id'] ?? '';
    assert.equal(d.headers?.['x-cos-delete-marker'], 'true');
  });
  const partCopy = async (copySource: string) => {
    const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'vdst.bin' });
    return cosRaw(env, {
      method: 'PUT',
      path: `/vdst.bin?partNumber=1&uploadId=${encodeURIComponent(UploadId)}`,
      headers: { 'x-cos-copy-source': copySource },
    });
  };

  test('a named version is copied, and the answer names it in x-cos-copy-source-version-id', async () => {
    const r = await partCopy(`${source('v.txt')}?versionId=${v1}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-cos-copy-source-version-id'), v1);
    const c = await env.cos.putObjectCopy({
      ...at,
      Key: 'v-copy.txt',
      CopySource: `${source('v.txt')}?versionId=${v1}`,
    });
    assert.equal(c.statusCode, 200);
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'v-copy.txt' })).Body), 'first');
  });

  test('a current delete marker is 404 NoSuchKey', async () => {
    const r = await partCopy(source('v.txt'));
    assert.deepEqual([r.status, code(r.body)], [404, 'NoSuchKey']);
  });

  test('a delete marker named by versionId is 400', async () => {
    const r = await partCopy(`${source('v.txt')}?versionId=${marker}`);
    assert.equal(r.status, 400);
    assert.match(code(r.body) ?? '', /^Invalid(Request|Argument)$/);
  });

  test('an empty versionId is 400 InvalidArgument, as S3 answers, and nothing is copied', async () => {
    await env.cos.putObject({ ...at, Key: 'ev.txt', Body: 'source bytes' });
    const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'ev-dst.bin' });
    const r = await cosRaw(env, {
      method: 'PUT',
      path: `/ev-dst.bin?partNumber=1&uploadId=${encodeURIComponent(UploadId)}`,
      headers: { 'x-cos-copy-source': `${source('ev.txt')}?versionId=` },
    });
    assert.deepEqual(
      [r.status, code(r.body), message(r.body)],
      [400, 'InvalidArgument', 'Version id cannot be the empty string'],
    );
    assert.match(r.body, /<TraceId>[0-9a-f]{16}<\/TraceId><\/Error>$/);
    const parts = await env.cos.multipartListPart({ ...at, Key: 'ev-dst.bin', UploadId });
    assert.deepEqual(parts.Part, [], 'no part was written');
    await env.cos.putObject({ ...at, Key: 'ev-kept.txt', Body: 'kept bytes' });
    const e = await cosError(() =>
      env.cos.putObjectCopy({ ...at, Key: 'ev-kept.txt', CopySource: `${source('ev.txt')}?versionId=` }),
    );
    assert.deepEqual([e.status, e.code], [400, 'InvalidArgument']);
    assert.equal(String((await env.cos.getObject({ ...at, Key: 'ev-kept.txt' })).Body), 'kept bytes');
  });

  test('an unknown versionId is 404 NoSuchVersion', async () => {
    const e = await cosError(() =>
      env.cos.putObjectCopy({
        ...at,
        Key: 'nv.txt',
        CopySource: `${source('v.txt')}?versionId=nosuchversion`,
      }),
    );
    assert.equal(e.status, 404);
    assert.match(e.code ?? '', /^NoSuch(Version|Key)$/);
  });
});
