// Multipart uploads of bytes through cos-nodejs-sdk-v5: initiate, upload parts, list, complete, and the SDK's own
// sliceUploadFile on top of them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { BUCKET, type CosEnv, cosError, cosRaw, HOST, openCos, REGION } from '../helpers/cos.ts';
import { bytes } from '../helpers/data.ts';

const MiB = 1024 * 1024;
let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const message = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1];

before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
});
after(async () => env.close());

test('multipartInit, multipartUpload, multipartListPart and multipartComplete assemble the parts', async () => {
  const data = bytes(2 * MiB + 5, 11);
  const chunks = [data.subarray(0, MiB), data.subarray(MiB, 2 * MiB), data.subarray(2 * MiB)];
  const { UploadId } = await env.cos.multipartInit({
    ...at,
    Key: 'mp.bin',
    Headers: { 'x-cos-meta-kind': 'mp' },
  });
  const parts = [];
  for (const [i, c] of chunks.entries()) {
    const r = await env.cos.multipartUpload({ ...at, Key: 'mp.bin', UploadId, PartNumber: i + 1, Body: c });
    assert.equal(r.ETag, `"${md5(c)}"`);
    parts.push({ PartNumber: i + 1, ETag: r.ETag });
  }
  const listed = await env.cos.multipartListPart({ ...at, Key: 'mp.bin', UploadId });
  assert.deepEqual(
    listed.Part.map((p) => [String(p.PartNumber), p.ETag]),
    parts.map((p) => [String(p.PartNumber), p.ETag]),
  );
  // COS's parts carry these four and no S3 checksum elements.
  for (const p of listed.Part)
    assert.deepEqual(Object.keys(p).sort(), ['ETag', 'LastModified', 'PartNumber', 'Size']);
  const done = await env.cos.multipartComplete({ ...at, Key: 'mp.bin', UploadId, Parts: parts });
  const expected = md5(Buffer.concat(chunks.map((c) => Buffer.from(md5(c), 'hex'))));
  assert.equal(done.ETag, `"${expected}-3"`);
  const g = await env.cos.getObject({ ...at, Key: 'mp.bin' });
  assert.ok(Buffer.from(g.Body).equals(data));
  assert.equal(g.headers?.['x-cos-meta-kind'], 'mp');
});

test("Complete's Location is the object's host and path, without a scheme, as COS writes it", async () => {
  const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'dir/loc.bin' });
  const p = await env.cos.multipartUpload({
    ...at,
    Key: 'dir/loc.bin',
    UploadId,
    PartNumber: 1,
    Body: 'only',
  });
  const r = await cosRaw(env, {
    method: 'POST',
    path: `/dir/loc.bin?uploadId=${encodeURIComponent(UploadId)}`,
    body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${p.ETag}</ETag></Part></CompleteMultipartUpload>`,
  });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, new RegExp(`<Location>${HOST.replace(/\./g, '\\.')}/dir%2Floc\\.bin</Location>`));
});

test('Complete with parts out of order is 400 InvalidPartOrder; an unknown ETag 400 InvalidPart', async () => {
  const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'order.bin' });
  const a = await env.cos.multipartUpload({
    ...at,
    Key: 'order.bin',
    UploadId,
    PartNumber: 1,
    Body: bytes(MiB, 1),
  });
  const b = await env.cos.multipartUpload({ ...at, Key: 'order.bin', UploadId, PartNumber: 2, Body: 'tail' });
  const order = await cosError(() =>
    env.cos.multipartComplete({
      ...at,
      Key: 'order.bin',
      UploadId,
      Parts: [
        { PartNumber: 2, ETag: b.ETag },
        { PartNumber: 1, ETag: a.ETag },
      ],
    }),
  );
  assert.deepEqual([order.status, order.code], [400, 'InvalidPartOrder']);
  const part = await cosError(() =>
    env.cos.multipartComplete({
      ...at,
      Key: 'order.bin',
      UploadId,
      Parts: [{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }],
    }),
  );
  assert.deepEqual([part.status, part.code], [400, 'InvalidPart']);
});

test('Complete with a gap between part numbers is 400 InvalidPart, and the upload can still complete', async () => {
  const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'gap.bin' });
  const first = bytes(MiB, 7);
  const a = await env.cos.multipartUpload({ ...at, Key: 'gap.bin', UploadId, PartNumber: 1, Body: first });
  const c = await env.cos.multipartUpload({ ...at, Key: 'gap.bin', UploadId, PartNumber: 3, Body: 'three' });
  const gap = await cosError(() =>
    env.cos.multipartComplete({
      ...at,
      Key: 'gap.bin',
      UploadId,
      Parts: [
        { PartNumber: 1, ETag: a.ETag },
        { PartNumber: 3, ETag: c.ETag },
      ],
    }),
  );
  assert.deepEqual([gap.status, gap.code], [400, 'InvalidPart']);
  const missing = await cosError(() => env.cos.getObject({ ...at, Key: 'gap.bin' }));
  assert.equal(missing.status, 404);
  const b = await env.cos.multipartUpload({
    ...at,
    Key: 'gap.bin',
    UploadId,
    PartNumber: 2,
    Body: bytes(MiB, 8),
  });
  await env.cos.multipartComplete({
    ...at,
    Key: 'gap.bin',
    UploadId,
    Parts: [
      { PartNumber: 1, ETag: a.ETag },
      { PartNumber: 2, ETag: b.ETag },
      { PartNumber: 3, ETag: c.ETag },
    ],
  });
  const g = await env.cos.getObject({ ...at, Key: 'gap.bin' });
  assert.ok(Buffer.from(g.Body).equals(Buffer.concat([first, bytes(MiB, 8), Buffer.from('three')])));
});

test("an Upload Part naming its source in S3's x-amz-copy-source is 400, and the earlier part is kept", async () => {
  const { UploadId } = await env.cos.multipartInit({ ...at, Key: 'amz.bin' });
  const first = bytes(MiB, 5);
  const a = await env.cos.multipartUpload({ ...at, Key: 'amz.bin', UploadId, PartNumber: 1, Body: first });
  await env.cos.putObject({ ...at, Key: 'amz-src.bin', Body: 'source bytes' });
  for (const src of [`${BUCKET}/amz-src.bin`, `${HOST}/amz-src.bin`]) {
    const r = await cosRaw(env, {
      method: 'PUT',
      path: `/amz.bin?partNumber=1&uploadId=${encodeURIComponent(UploadId)}`,
      headers: { 'x-amz-copy-source': src },
    });
    assert.deepEqual([r.status, code(r.body)], [400, 'InvalidArgument'], src);
    assert.match(message(r.body) ?? '', /x-cos-copy-source/, src);
    assert.equal(r.headers.get('server'), 'tencent-cos');
  }
  const listed = await env.cos.multipartListPart({ ...at, Key: 'amz.bin', UploadId });
  assert.deepEqual(
    listed.Part.map((p) => [String(p.PartNumber), p.ETag, String(p.Size)]),
    [['1', a.ETag, String(MiB)]],
  );
  await env.cos.multipartComplete({
    ...at,
    Key: 'amz.bin',
    UploadId,
    Parts: [{ PartNumber: 1, ETag: a.ETag }],
  });
  const g = await env.cos.getObject({ ...at, Key: 'amz.bin' });
  assert.ok(Buffer.from(g.Body).equals(first));
});

test("the SDK's sliceUploadFile of 5 MiB in 1 MiB slices round-trips", async () => {
  const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'cos-slice-'));
  const data = bytes(5 * MiB + 3, 4);
  const file = join(dir, 'f.bin');
  await writeFile(file, data);
  try {
    const r = await env.cos.sliceUploadFile({ ...at, Key: 'sliced.bin', FilePath: file, ChunkSize: MiB });
    assert.equal(r.statusCode, 200);
    const g = await env.cos.getObject({ ...at, Key: 'sliced.bin' });
    assert.ok(Buffer.from(g.Body).equals(data));
  } finally {
    await rm(dir, { recursive: true });
  }
});
