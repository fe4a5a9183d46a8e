// Downloads of many blocks at once, whole and by range, with some clients hanging up midway: every byte that
// arrives is right. Block buffers are reused between downloads, so this is where a buffer reused too early
// would show; uploads share the same buffers.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env } from '../helpers/s3.ts';

const BLOCK = 64 * 1024;
let env: S3Env;
before(async () => {
  env = await openS3(['--block-size', String(BLOCK)]);
  await env.client.send(new CreateBucketCommand({ Bucket: 'downloads' }));
});
after(async () => env.close());

const data = Array.from({ length: 6 }, (_, i) => bytes(20 * BLOCK + 1000 * i, 90 + i));

async function get(key: string, range?: string): Promise<Buffer> {
  const r = await env.client.send(new GetObjectCommand({ Bucket: 'downloads', Key: key, Range: range }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/** Starts a download and hangs up after its first chunk arrives. */
async function abandon(key: string): Promise<void> {
  const url = await getSignedUrl(env.client, new GetObjectCommand({ Bucket: 'downloads', Key: key }));
  await new Promise<void>((resolve, reject) => {
    const req = request(url, (res) => {
      assert.equal(res.statusCode, 200);
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err),
    );
    req.end();
  });
}

test('concurrent whole and ranged downloads get their own bytes, while others hang up midway', async () => {
  for (const [i, d] of data.entries())
    await env.client.send(new PutObjectCommand({ Bucket: 'downloads', Key: `o${i}`, Body: d }));
  for (let round = 0; round < 3; round++) {
    const work: Promise<void>[] = [];
    for (const [i, d] of data.entries()) {
      work.push(get(`o${i}`).then((b) => assert.ok(b.equals(d), `o${i} whole, round ${round}`)));
      // Across block boundaries: from inside one block to inside another, several blocks on.
      const first = BLOCK / 2 + 7 * i;
      const last = first + 5 * BLOCK + 123;
      work.push(
        get(`o${i}`, `bytes=${first}-${last}`).then((b) =>
          assert.ok(b.equals(d.subarray(first, last + 1)), `o${i} range, round ${round}`),
        ),
      );
      if (i % 2 === 0) work.push(abandon(`o${i}`));
    }
    await Promise.all(work);
  }
  // After the hang-ups, every object still reads whole.
  for (const [i, d] of data.entries()) assert.ok((await get(`o${i}`)).equals(d), `o${i} after`);
});

test('uploads and downloads at once share block buffers, and each keeps its own bytes', async () => {
  // Blocks of 512 KiB are filled and sealed in pooled buffers on upload, and read into them on download.
  const big = 512 * 1024;
  const own = await openS3(['--block-size', String(big)]);
  try {
    await own.client.send(new CreateBucketCommand({ Bucket: 'mixed' }));
    const body = (n: number) => bytes(3 * big + 1000 * n + 300_000, 40 + n);
    const stored = new Map<string, Buffer>();
    const put = async (key: string, d: Buffer) => {
      await own.client.send(new PutObjectCommand({ Bucket: 'mixed', Key: key, Body: d }));
      stored.set(key, d);
    };
    const check = async (key: string) => {
      const r = await own.client.send(new GetObjectCommand({ Bucket: 'mixed', Key: key }));
      const got = Buffer.from(await r.Body!.transformToByteArray());
      assert.ok(got.equals(stored.get(key)!), key);
    };
    for (let i = 0; i < 3; i++) await put(`first${i}`, body(i));
    for (let round = 0; round < 3; round++) {
      const readable = [...stored.keys()];
      await Promise.all([
        ...Array.from({ length: 3 }, (_, i) => put(`r${round}-${i}`, body(10 * round + i + 3))),
        ...readable.map(check),
      ]);
    }
    for (const key of stored.keys()) await check(key);
  } finally {
    await own.close();
  }
});
