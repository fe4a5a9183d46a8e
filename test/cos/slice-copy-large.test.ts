// sliceCopyFile of a 1 GiB object through cos-nodejs-sdk-v5: HEAD, initiate, a hundred parallel Upload Part - Copy
// and Complete, all by reference: the data directory does not grow, and the copy reads back with the source's hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import { BUCKET, type CosEnv, HOST, openCos, RAW_ROOT, REGION } from '../helpers/cos.ts';
import { blockBytes } from '../helpers/s3.ts';

const GiB = 1024 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;
/** The i-th chunk of the object: each differs, so the copy's bytes prove their place. */
const chunk = (i: number) => Buffer.alloc(CHUNK, i % 251).fill(`chunk ${i};`, 0, 16);

let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
});
after(async () => env?.close());

/** MD5 of an object, read as a stream through a request signed by the SDK's signer. */
function streamedMd5(key: string): Promise<{ status: number; md5: string; size: number }> {
  const auth = COS.getAuthorization({ ...RAW_ROOT, Method: 'GET', Key: key, Headers: { host: HOST } });
  const [hostname, port] = env.hostPort.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    request(
      { hostname, port: Number(port), path: `/${key}`, headers: { host: HOST, authorization: auth } },
      (res) => {
        const h = createHash('md5');
        let size = 0;
        res.on('data', (c: Buffer) => {
          h.update(c);
          size += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, md5: h.digest('hex'), size }));
        res.on('error', reject);
      },
    )
      .on('error', reject)
      .end();
  });
}

test('a 1 GiB sliceCopyFile is part copies by reference, byte for byte', { timeout: 600_000 }, async () => {
  const n = GiB / CHUNK;
  const whole = createHash('md5');
  const put = await env.cos.putObject({
    ...at,
    Key: 'large/src.bin',
    ContentLength: GiB,
    Body: Readable.from(
      (function* () {
        for (let i = 0; i < n; i++) {
          const c = chunk(i);
          whole.update(c);
          yield c;
        }
      })(),
    ),
  });
  const md5 = whole.digest('hex');
  assert.equal(put.ETag, `"${md5}"`);
  const before = await blockBytes(env.dataDir);
  const r = await env.cos.sliceCopyFile({ ...at, Key: 'large/dst.bin', CopySource: `${HOST}/large/src.bin` });
  assert.equal(r.statusCode, 200);
  assert.match((r as unknown as { ETag: string }).ETag, /^"[0-9a-f]{32}-\d+"$/);
  assert.equal(await blockBytes(env.dataDir), before, 'the copy wrote no block');
  assert.deepEqual(await streamedMd5('large/dst.bin'), { status: 200, md5, size: GiB });
});
