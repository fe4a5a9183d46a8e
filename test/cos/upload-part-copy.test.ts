// Upload Part - Copy (the seed) through cos-nodejs-sdk-v5: part copies by reference with ranges, each copy-source
// condition, COS's rule on which pairs may be combined, versions and delete markers, the 1 MB part minimum at
// Complete, and bad input that gets COS's error XML and changes nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type COS from 'cos-nodejs-sdk-v5';
import { BUCKET, type CosEnv, cosError, cosRaw, HOST, openCos, REGION } from '../helpers/cos.ts';
import { bytes } from '../helpers/data.ts';
import { blockBytes } from '../helpers/s3.ts';

const MiB = 1024 * 1024;
let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
const source = (key: string) => `${HOST}/${key}`;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
let big: Buffer;
let bigEtag: string;
let bigModified: Date;

before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
  big = bytes(3 * MiB, 7);
  bigEtag = (await env.cos.putObject({ ...at, Key: 'src/big.bin', Body: big })).ETag;
  const h = await env.cos.headObject({ ...at, Key: 'src/big.bin' });
  bigModified = new Date(h.headers!['last-modified']!);
});
after(async () => env.close());

async function init(key: string): Promise<string> {
  return (await env.cos.multipartInit({ ...at, Key: key })).UploadId;
}

describe('part copies', () => {
  test('ranged part copies complete into the same bytes, write no block, and answer CopyPartResult as the seed', async () => {
    const uploadId = await init('dst/whole.bin');
    const before = await blockBytes(env.dataDir);
    const ranges = [
      [0, 2 * MiB - 1],
      [2 * MiB, 3 * MiB - 1],
    ] as const;
    const parts = [];
    for (const [i, [first, last]] of ranges.entries()) {
      const r = await env.cos.uploadPartCopy({
        ...at,
        Key: 'dst/whole.bin',
        UploadId: uploadId,
        PartNumber: i + 1,
        CopySource: source('src/big.bin'),
        CopySourceRange: `bytes=${first}-${last}`,
      });
      assert.equal(r.statusCode, 200);
      // Not the MD5 of the bytes, which a copy by reference never reads: the MD5 of `<source ETag>:<first>-<last>`.
      assert.equal(r.ETag, `"${md5(Buffer.from(`${bigEtag.slice(1, -1)}:${first}-${last}`))}"`);
      assert.match(
        (r as unknown as { LastModified: string }).LastModified,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/,
      );
      parts.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    const listed = await env.cos.multipartListPart({ ...at, Key: 'dst/whole.bin', UploadId: uploadId });
    assert.deepEqual(
      listed.Part.map((p) => [p.PartNumber, p.ETag, p.Size]),
      parts.map((p, i) => [String(p.PartNumber), p.ETag, String(ranges[i]![1] - ranges[i]![0] + 1)]),
    );
    const done = await env.cos.multipartComplete({
      ...at,
      Key: 'dst/whole.bin',
      UploadId: uploadId,
      Parts: parts,
    });
    assert.equal(done.statusCode, 200);
    assert.equal(await blockBytes(env.dataDir), before, 'a part copy moves no bytes');
    const g = await env.cos.getObject({ ...at, Key: 'dst/whole.bin' });
    assert.ok(Buffer.from(g.Body).equals(big));
  });

  test('the raw answer is the seed: 200, application/xml, CopyPartResult with ETag and LastModified only', async () => {
    const uploadId = await init('dst/raw.bin');
    const r = await cosRaw(env, {
      method: 'PUT',
      path: `/dst/raw.bin?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      headers: { 'x-cos-copy-source': source('src/big.bin'), 'x-cos-copy-source-range': 'bytes=10-100' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/xml');
    assert.equal(r.headers.get('server'), 'tencent-cos');
    assert.ok(r.headers.get('x-cos-request-id'));
    assert.match(
      r.body,
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<CopyPartResult><ETag>"${md5(Buffer.from(`${bigEtag.slice(1, -1)}:10-100`))}"</ETag><LastModified>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z</LastModified></CopyPartResult>$`,
      ),
    );
    await env.cos.multipartAbort({ ...at, Key: 'dst/raw.bin', UploadId: uploadId });
  });

  test('a non-last part under 1 MB is refused at Complete with EntityTooSmall; 1 MB parts are fine', async () => {
    const small = await init('dst/small.bin');
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (const [n, range] of [
      [1, `bytes=0-${MiB - 2}`],
      [2, `bytes=${MiB}-${2 * MiB}`],
    ] as const) {
      const r = await env.cos.uploadPartCopy({
        ...at,
        Key: 'dst/small.bin',
        UploadId: small,
        PartNumber: n,
        CopySource: source('src/big.bin'),
        CopySourceRange: range,
      });
      parts.push({ PartNumber: n, ETag: r.ETag });
    }
    const e = await cosError(() =>
      env.cos.multipartComplete({ ...at, Key: 'dst/small.bin', UploadId: small, Parts: parts }),
    );
    assert.deepEqual([e.status, e.code], [400, 'EntityTooSmall']);

    const ok = await init('dst/onemb.bin');
    const okParts = [];
    for (const [n, range] of [
      [1, `bytes=0-${MiB - 1}`],
      [2, `bytes=${MiB}-${MiB + 9}`],
    ] as const) {
      const r = await env.cos.uploadPartCopy({
        ...at,
        Key: 'dst/onemb.bin',
        UploadId: ok,
        PartNumber: n,
        CopySource: source('src/big.bin'),
        CopySourceRange: range,
      });
      okParts.push({ PartNumber: n, ETag: r.ETag });
    }
    await env.cos.multipartComplete({ ...at, Key: 'dst/onemb.bin', UploadId: ok, Parts: okParts });
    const g = await env.cos.getObject({ ...at, Key: 'dst/onemb.bin' });
    assert.ok(Buffer.from(g.Body).equals(big.subarray(0, MiB + 10)));
  });

  test('multipartList lists an open upload, and multipartAbort ends it', async () => {
    const uploadId = await init('dst/aborted.bin');
    const l = await env.cos.multipartList({ ...at, Prefix: 'dst/aborted' } as COS.MultipartListParams);
    assert.deepEqual(
      l.Upload.map((u) => [u.Key, u.UploadId]),
      [['dst/aborted.bin', uploadId]],
    );
    assert.equal(
      (await env.cos.multipartAbort({ ...at, Key: 'dst/aborted.bin', UploadId: uploadId })).statusCode,
      204,
    );
    const e = await cosError(() =>
      env.cos.multipartListPart({ ...at, Key: 'dst/aborted.bin', UploadId: uploadId }),
    );
    assert.deepEqual([e.status, e.code], [404, 'NoSuchUpload']);
  });
});

describe('copy-source conditions', () => {
  const copy = async (conditions: Record<string, string>) => {
    const uploadId = await init('dst/cond.bin');
    return cosError(() =>
      env.cos.uploadPartCopy({
        ...at,
        Key: 'dst/cond.bin',
        UploadId: uploadId,
        PartNumber: 1,
        CopySource: source('src/big.bin'),
        CopySourceRange: 'bytes=0-9',
        ...conditions,
      }),
    );
  };
  const hourAgo = () => new Date(bigModified.getTime() - 3600_000).toUTCString();
  const hourAhead = () => new Date(bigModified.getTime() + 3600_000).toUTCString();

  test('each condition alone: copies when it holds, 412 PreconditionFailed when it does not', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ CopySourceIfMatch: bigEtag }, 200],
      [{ CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' }, 412],
      [{ CopySourceIfNoneMatch: '"0123456789abcdef0123456789abcdef"' }, 200],
      [{ CopySourceIfNoneMatch: bigEtag }, 412],
      [{ CopySourceIfModifiedSince: hourAgo() }, 200],
      [{ CopySourceIfModifiedSince: hourAhead() }, 412],
      [{ CopySourceIfUnmodifiedSince: hourAhead() }, 200],
      [{ CopySourceIfUnmodifiedSince: hourAgo() }, 412],
    ];
    for (const [c, status] of cases) {
      const e = await copy(c);
      assert.equal(e.status, status, JSON.stringify(c));
      if (status === 412) assert.equal(e.code, 'PreconditionFailed');
    }
  });

  test("the allowed pairs follow S3's precedence", async () => {
    // If-Match true wins over a false If-Unmodified-Since.
    assert.equal(
      (await copy({ CopySourceIfMatch: bigEtag, CopySourceIfUnmodifiedSince: hourAgo() })).status,
      200,
    );
    // If-None-Match false is 412 whatever If-Modified-Since says.
    const e = await copy({ CopySourceIfNoneMatch: bigEtag, CopySourceIfModifiedSince: hourAgo() });
    assert.deepEqual([e.status, e.code], [412, 'PreconditionFailed']);
  });

  test('every other pair is refused with 400 InvalidArgument before anything is copied', async () => {
    const pairs: Record<string, string>[] = [
      { CopySourceIfMatch: bigEtag, CopySourceIfNoneMatch: '"x"' },
      { CopySourceIfMatch: bigEtag, CopySourceIfModifiedSince: hourAgo() },
      { CopySourceIfUnmodifiedSince: hourAhead(), CopySourceIfNoneMatch: '"x"' },
      { CopySourceIfUnmodifiedSince: hourAhead(), CopySourceIfModifiedSince: hourAgo() },
    ];
    for (const p of pairs) {
      const uploadId = await init('dst/pair.bin');
      const e = await cosError(() =>
        env.cos.uploadPartCopy({
          ...at,
          Key: 'dst/pair.bin',
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: source('src/big.bin'),
          ...p,
        }),
      );
      assert.deepEqual([e.status, e.code], [400, 'InvalidArgument'], JSON.stringify(p));
      const parts = await env.cos.multipartListPart({ ...at, Key: 'dst/pair.bin', UploadId: uploadId });
      assert.deepEqual(parts.Part, [], 'no part was written');
    }
  });
});

describe('bad input', () => {
  let uploadId: string;
  before(async () => {
    uploadId = await init('dst/bad.bin');
  });
  const raw = (query: string, headers: Record<string, string>) =>
    cosRaw(env, { method: 'PUT', path: `/dst/bad.bin?${query}`, headers });
  const q = (n: number | string) => `partNumber=${n}&uploadId=${encodeURIComponent(uploadId)}`;

  test('part numbers 0 and 10001 are 400; 10000 is accepted', async () => {
    for (const n of [0, 10001]) {
      const r = await raw(q(n), {
        'x-cos-copy-source': source('src/big.bin'),
        'x-cos-copy-source-range': 'bytes=0-9',
      });
      assert.equal(r.status, 400, `part ${n}`);
      assert.match(code(r.body) ?? '', /^Invalid/);
    }
    const r = await raw(q(10000), {
      'x-cos-copy-source': source('src/big.bin'),
      'x-cos-copy-source-range': 'bytes=0-9',
    });
    assert.equal(r.status, 200);
  });

  test('a part copy of more than 5 GB is 400 EntityTooLarge; 5 GB exactly is copied (by reference)', async () => {
    // A sparse 6 GiB source: one byte at its end, written by a range copy into an offset through the native API.
    const GiB = 1024 ** 3;
    const token = await env.server.token();
    const made = await fetch(`${env.server.url}/api/v1/copy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { project: BUCKET, path: 'src/big.bin', offset: 0, length: 1 },
        target: { project: BUCKET, path: 'src/huge.bin', offset: 6 * GiB - 1 },
      }),
    });
    assert.ok(made.status === 200 || made.status === 201, await made.text());
    const listed = async () =>
      (await env.cos.multipartListPart({ ...at, Key: 'dst/bad.bin', UploadId: uploadId })).Part;
    const parts = (await listed()).length;
    for (const range of [undefined, `bytes=0-${5 * GiB}`]) {
      const r = await raw(q(7), {
        'x-cos-copy-source': source('src/huge.bin'),
        ...(range ? { 'x-cos-copy-source-range': range } : {}),
      });
      assert.equal(r.status, 400, r.body);
      assert.equal(code(r.body), 'EntityTooLarge');
    }
    assert.equal((await listed()).length, parts);
    const fine = await raw(q(7), {
      'x-cos-copy-source': source('src/huge.bin'),
      'x-cos-copy-source-range': `bytes=${GiB}-${6 * GiB - 1}`,
    });
    assert.equal(fine.status, 200, fine.body);
  });

  test('a range not of the form bytes=first-last is 400 InvalidArgument; one past the end 416 InvalidRange', async () => {
    for (const range of ['bytes=5-', 'bytes=-5', 'bytes=9-1', 'bytes=0-9,20-29']) {
      const r = await raw(q(2), {
        'x-cos-copy-source': source('src/big.bin'),
        'x-cos-copy-source-range': range,
      });
      assert.deepEqual([r.status, code(r.body)], [400, 'InvalidArgument'], range);
    }
    const r = await raw(q(2), {
      'x-cos-copy-source': source('src/big.bin'),
      'x-cos-copy-source-range': `bytes=0-${big.length}`,
    });
    assert.deepEqual([r.status, code(r.body)], [416, 'InvalidRange']);
    const parts = await env.cos.multipartListPart({ ...at, Key: 'dst/bad.bin', UploadId: uploadId });
    assert.ok(!parts.Part.some((p) => String(p.PartNumber) === '2'), 'no part 2 was written');
  });

  test('a malformed copy source is 400 InvalidArgument; the tolerated forms copy', async () => {
    for (const s of ['src/big.bin', `${BUCKET}/src/big.bin`, 'http://', `${HOST}/`]) {
      const r = await raw(q(3), { 'x-cos-copy-source': s });
      assert.deepEqual([r.status, code(r.body)], [400, 'InvalidArgument'], s);
    }
    for (const s of [
      `/${HOST}/src/big.bin`,
      `https://${HOST}/src/big.bin`,
      `${BUCKET}.cos.${REGION}.tencentcos.cn/src%2Fbig.bin`,
    ]) {
      const r = await raw(q(3), { 'x-cos-copy-source': s, 'x-cos-copy-source-range': 'bytes=0-9' });
      assert.equal(r.status, 200, s);
    }
  });

  test('an unknown upload id is 404 NoSuchUpload, an unknown source key 404 NoSuchKey, bucket 404 NoSuchBucket', async () => {
    const r = await cosRaw(env, {
      method: 'PUT',
      path: '/dst/bad.bin?partNumber=1&uploadId=nosuchupload',
      headers: { 'x-cos-copy-source': source('src/big.bin') },
    });
    assert.deepEqual([r.status, code(r.body)], [404, 'NoSuchUpload']);
    const k = await raw(q(4), { 'x-cos-copy-source': source('src/none.bin') });
    assert.deepEqual([k.status, code(k.body)], [404, 'NoSuchKey']);
    const b = await raw(q(4), { 'x-cos-copy-source': `nobucket-1250000000.cos.${REGION}.myqcloud.com/x` });
    assert.deepEqual([b.status, code(b.body)], [404, 'NoSuchBucket']);
  });
});
