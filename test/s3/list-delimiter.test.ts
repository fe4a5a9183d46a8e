// Listings with a delimiter, page by page as the SDK follows them: uploads in progress rolled up into common
// prefixes (counted toward max-uploads, as S3 counts them), and versions whose page ended on a common prefix.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { openS3, type S3Env } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'delim' }));
});
after(async () => env.close());

describe('listings with a delimiter', () => {
  test('ListMultipartUploads rolls keys up into CommonPrefixes, each one toward MaxUploads, across pages', async () => {
    const c = env.client;
    const start = async (Key: string) =>
      (await c.send(new CreateMultipartUploadCommand({ Bucket: 'delim', Key }))).UploadId!;
    const a1 = await start('d/a');
    const a2 = await start('d/a');
    for (const k of ['d/x/1', 'd/x/2', 'd/y/1/deep', 'other/1']) await start(k);
    const z = await start('d/z');

    const whole = await c.send(
      new ListMultipartUploadsCommand({ Bucket: 'delim', Prefix: 'd/', Delimiter: '/' }),
    );
    assert.deepEqual(
      whole.Uploads?.map((u) => [u.Key, u.UploadId]),
      [
        ['d/a', a1],
        ['d/a', a2],
        ['d/z', z],
      ],
    );
    assert.deepEqual(
      whole.CommonPrefixes?.map((p) => p.Prefix),
      ['d/x/', 'd/y/'],
    );
    assert.equal(whole.Delimiter, '/');
    assert.equal(whole.IsTruncated, false);

    // Two at a time: the uploads of d/a, then the two prefixes, then d/z.
    const pages: ListMultipartUploadsCommandOutput[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await c.send(
        new ListMultipartUploadsCommand({
          Bucket: 'delim',
          Prefix: 'd/',
          Delimiter: '/',
          MaxUploads: 2,
          KeyMarker,
          UploadIdMarker,
        }),
      );
      pages.push(page);
      if (!page.IsTruncated) break;
      assert.ok(pages.length < 10, 'the listing does not end');
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
    assert.deepEqual(
      pages.map((p) => [
        (p.Uploads ?? []).map((u) => u.Key),
        (p.CommonPrefixes ?? []).map((x) => x.Prefix),
        p.NextKeyMarker,
        p.NextUploadIdMarker,
      ]),
      [
        [['d/a', 'd/a'], [], 'd/a', a2],
        [[], ['d/x/', 'd/y/'], 'd/y/', undefined],
        [['d/z'], [], undefined, undefined],
      ],
    );
  });

  test('ListObjectVersions: a page that ends on a common prefix goes on after all of it', async () => {
    const c = env.client;
    await c.send(
      new PutBucketVersioningCommand({ Bucket: 'delim', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    for (const k of ['v/a', 'v/b/1', 'v/b/2', 'v/c'])
      await c.send(new PutObjectCommand({ Bucket: 'delim', Key: k, Body: k }));
    const pages: ListObjectVersionsCommandOutput[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await c.send(
        new ListObjectVersionsCommand({
          Bucket: 'delim',
          Prefix: 'v/',
          Delimiter: '/',
          MaxKeys: 2,
          KeyMarker,
          VersionIdMarker,
        }),
      );
      pages.push(page);
      if (!page.IsTruncated) break;
      assert.ok(pages.length < 10, 'the listing does not end');
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(
      pages.map((p) => [(p.Versions ?? []).map((v) => v.Key), (p.CommonPrefixes ?? []).map((x) => x.Prefix)]),
      [
        [['v/a'], ['v/b/']],
        [['v/c'], []],
      ],
    );
    // A version id marker with a key marker that is a common prefix: after all of it, as without one.
    const after = await c.send(
      new ListObjectVersionsCommand({
        Bucket: 'delim',
        Prefix: 'v/',
        Delimiter: '/',
        KeyMarker: 'v/b/',
        VersionIdMarker: 'no-such-version',
      }),
    );
    assert.deepEqual(
      (after.Versions ?? []).map((v) => v.Key),
      ['v/c'],
    );
  });
});
