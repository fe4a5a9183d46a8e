// The largest object (--max-object-size) bounds every way a file grows, in every API: bodies, copies into an
// offset, resizes and multipart uploads are refused with a 4xx past it, and nothing is stored. And bodies are bytes
// whatever their Content-Type, on the native API too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env, s3Error } from '../helpers/s3.ts';

const MAX = 1024 * 1024;
let env: S3Env;
let auth: Record<string, string>;
before(async () => {
  env = await openS3(['--max-object-size', String(MAX), '--min-part-size', '1024']);
  auth = { authorization: `Bearer ${await env.server.token()}` };
  await env.client.send(new CreateBucketCommand({ Bucket: 'lim' }));
  await env.client.send(new PutObjectCommand({ Bucket: 'lim', Key: 'src', Body: bytes(1000, 1) }));
});
after(async () => env.close());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${env.server.url}/api/v1${path}`, { ...init, headers: { ...auth, ...init.headers } });
const codeOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;
const copy = (target: Record<string, unknown>, source: Record<string, unknown> = {}) =>
  api('/copy', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      source: { project: 'lim', path: 'src', ...source },
      target: { project: 'lim', ...target },
    }),
  });

describe('the largest object', () => {
  test('a native range copy into an offset past the limit is 400, at 2^53-1 and at 2^50 alike; ending past it 413; nothing is made', async () => {
    // An offset past the limit is a bad offset; bytes that would end past it make a file too large, as a write's do.
    for (const [offset, status, code] of [
      [2 ** 53 - 1, 400, 'InvalidArgument'],
      [2 ** 50, 400, 'InvalidArgument'],
      [MAX, 413, 'EntityTooLarge'],
      [MAX - 5, 413, 'EntityTooLarge'],
    ] as const) {
      const r = await copy({ path: `far-${offset}`, offset }, { offset: 0, length: 10 });
      assert.equal(r.status, status, String(offset));
      assert.equal(await codeOf(r), code);
      assert.equal((await api(`/projects/lim/files/far-${offset}`, { method: 'HEAD' })).status, 404);
    }
    for (const source of [{ offset: 2 ** 53 - 1 }, { offset: 0, length: 2 ** 52 }]) {
      const r = await copy({ path: 'far-src', offset: 0 }, source);
      assert.equal(r.status, 400, JSON.stringify(source));
    }
    // Up to the limit it works: the last 10 bytes of a file of exactly MAX bytes.
    const ok = await copy({ path: 'edge', offset: MAX - 10 }, { offset: 0, length: 10 });
    assert.equal(ok.status, 201);
    const head = await api('/projects/lim/files/edge', { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(MAX));
  });

  test('native resize and write at an offset past the limit are 400; a body past it 413', async () => {
    const resize = await api('/projects/lim/files/src', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: MAX + 1 }),
    });
    assert.deepEqual([resize.status, await codeOf(resize)], [400, 'InvalidArgument']);
    const far = await api(`/projects/lim/files/src?offset=${MAX + 1}`, { method: 'PUT', body: 'x' });
    assert.deepEqual([far.status, await codeOf(far)], [400, 'InvalidArgument']);
    const over = await api(`/projects/lim/files/src?offset=${MAX - 1}`, { method: 'PUT', body: 'xy' });
    assert.deepEqual([over.status, await codeOf(over)], [413, 'EntityTooLarge']);
    const big = await api('/projects/lim/files/big', { method: 'PUT', body: bytes(MAX + 1, 2) });
    assert.deepEqual([big.status, await codeOf(big)], [413, 'EntityTooLarge']);
    const src = await api('/projects/lim/files/src', { method: 'HEAD' });
    assert.equal(src.headers.get('content-length'), '1000');
  });

  test('S3: a PUT past the limit is 400 EntityTooLarge, and so is a Complete whose parts add up past it', async () => {
    const c = env.client;
    const e = await s3Error(() =>
      c.send(new PutObjectCommand({ Bucket: 'lim', Key: 'big', Body: bytes(MAX + 1, 3) })),
    );
    assert.deepEqual([e.code, e.status], ['EntityTooLarge', 400]);
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'lim', Key: 'parts' }));
    const parts: { PartNumber: number; ETag?: string }[] = [];
    for (const n of [1, 2]) {
      const r = await c.send(
        new UploadPartCommand({
          Bucket: 'lim',
          Key: 'parts',
          UploadId,
          PartNumber: n,
          Body: bytes(MAX / 2 + 1, n),
        }),
      );
      parts.push({ PartNumber: n, ETag: r.ETag });
    }
    const done = await s3Error(() =>
      c.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'lim',
          Key: 'parts',
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      ),
    );
    assert.deepEqual([done.code, done.status], ['EntityTooLarge', 400]);
    for (const Key of ['big', 'parts']) {
      const gone = await s3Error(() => c.send(new HeadObjectCommand({ Bucket: 'lim', Key })));
      assert.equal(gone.status, 404, Key);
    }
  });

  test('a native upload is bytes whatever its Content-Type, and reads back with it', async () => {
    for (const [contentType, stored] of [
      ['a', 'a'],
      ['', 'application/octet-stream'],
      [';', ';'],
      ['application/json', 'application/json'],
    ]) {
      const r = await api('/projects/lim/files/typed', {
        method: 'PUT',
        headers: { 'content-type': contentType! },
        body: '{not json',
      });
      assert.equal(r.status, 201, JSON.stringify(contentType));
      const got = await api('/projects/lim/files/typed');
      assert.equal(got.headers.get('content-type'), stored);
      assert.equal(await got.text(), '{not json');
    }
  });

  test('no request above was a server error', () => {
    assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
  });
});
