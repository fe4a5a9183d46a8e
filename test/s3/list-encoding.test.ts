// encoding-type=url in every listing, read from the raw XML (an SDK may decode): each key-like field S3 names is
// percent-encoded as S3 does it, a space as %20 and a '+' as %2B, '/' as it is.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { openS3, rawSigned, type S3Env } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';

const KEYS = ['100%.csv', 'a b.txt', 'a+b.txt', 'run books/x.txt', 'run books/y z.txt', '한글/x.txt'];
let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'enc' }));
  await env.client.send(
    new PutBucketVersioningCommand({ Bucket: 'enc', VersioningConfiguration: { Status: 'Enabled' } }),
  );
  for (const Key of KEYS) await env.client.send(new PutObjectCommand({ Bucket: 'enc', Key, Body: Key }));
  for (const Key of ['up load/a b', 'up+load', 'up%load/é'])
    await env.client.send(new CreateMultipartUploadCommand({ Bucket: 'enc', Key }));
});
after(async () => env.close());

/** GET on the bucket with a query written out here (percent-encoded as a client sends it); the raw XML body. */
async function list(query: string): Promise<string> {
  const r = await rawSigned(`${env.server.s3Url}/enc?${query}`, {
    method: 'GET',
    accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
    secret: CREDS.MIMEO_ROOT_SECRET_KEY,
  });
  assert.equal(r.status, 200, r.body);
  return r.body;
}
/** The text of every `<name>` in the body, in order, optionally only inside `<parent>`. */
const all = (xml: string, name: string, parent?: string) => {
  const scope = parent
    ? [...xml.matchAll(new RegExp(`<${parent}>(.*?)</${parent}>`, 'gs'))].map((m) => m[1]!).join('')
    : xml;
  return [...scope.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
};
const one = (xml: string, name: string) => {
  const found = all(xml, name);
  assert.ok(found.length <= 1, `one <${name}>`);
  return found[0];
};

describe('encoding-type=url', () => {
  test('ListObjectsV2: Key, CommonPrefixes, Delimiter, Prefix and StartAfter', async () => {
    const top = await list('list-type=2&encoding-type=url&delimiter=%2F');
    assert.equal(one(top, 'EncodingType'), 'url');
    assert.equal(one(top, 'Delimiter'), '/');
    assert.deepEqual(all(top, 'Key'), ['100%25.csv', 'a%20b.txt', 'a%2Bb.txt']);
    assert.deepEqual(all(top, 'Prefix', 'CommonPrefixes'), ['run%20books/', '%ED%95%9C%EA%B8%80/']);

    const page = await list(
      'list-type=2&encoding-type=url&prefix=run%20books%2F&start-after=run%20books%2Fx.txt',
    );
    assert.equal(one(page, 'Prefix'), 'run%20books/');
    assert.equal(one(page, 'StartAfter'), 'run%20books/x.txt');
    assert.deepEqual(all(page, 'Key'), ['run%20books/y%20z.txt']);

    const spaced = await list('list-type=2&encoding-type=url&delimiter=%20');
    assert.equal(one(spaced, 'Delimiter'), '%20');
    assert.deepEqual(all(spaced, 'Prefix', 'CommonPrefixes'), ['a%20', 'run%20']);
    assert.deepEqual(all(spaced, 'Key'), ['100%25.csv', 'a%2Bb.txt', '%ED%95%9C%EA%B8%80/x.txt']);

    const plain = await list('list-type=2&delimiter=%2F');
    assert.equal(one(plain, 'EncodingType'), undefined);
    assert.deepEqual(all(plain, 'Key'), ['100%.csv', 'a b.txt', 'a+b.txt']);
  });

  test('ListObjects (v1): Key, CommonPrefixes, Delimiter, Prefix, Marker and NextMarker', async () => {
    const body = await list('encoding-type=url&marker=a%20b.txt&max-keys=1&delimiter=%20');
    assert.equal(one(body, 'EncodingType'), 'url');
    assert.equal(one(body, 'Marker'), 'a%20b.txt');
    assert.equal(one(body, 'Delimiter'), '%20');
    assert.deepEqual(all(body, 'Key'), ['a%2Bb.txt']);
    assert.equal(one(body, 'NextMarker'), 'a%2Bb.txt');
    assert.equal(one(body, 'IsTruncated'), 'true');

    const prefixed = await list('encoding-type=url&prefix=%ED%95%9C');
    assert.equal(one(prefixed, 'Prefix'), '%ED%95%9C');
    assert.deepEqual(all(prefixed, 'Key'), ['%ED%95%9C%EA%B8%80/x.txt']);
  });

  test('ListObjectVersions: Key, CommonPrefixes, Delimiter, Prefix, KeyMarker and NextKeyMarker', async () => {
    const body = await list('versions&encoding-type=url&key-marker=a%20b.txt&max-keys=1');
    assert.equal(one(body, 'EncodingType'), 'url');
    assert.equal(one(body, 'KeyMarker'), 'a%20b.txt');
    assert.deepEqual(all(body, 'Key'), ['a%2Bb.txt']);
    assert.equal(one(body, 'NextKeyMarker'), 'a%2Bb.txt');

    const grouped = await list('versions&encoding-type=url&prefix=run%20books%2F&delimiter=%20');
    assert.equal(one(grouped, 'Delimiter'), '%20');
    assert.deepEqual(all(grouped, 'Prefix', 'CommonPrefixes'), ['run%20books/y%20']);
    assert.deepEqual(all(grouped, 'Key'), ['run%20books/x.txt']);
    assert.ok(grouped.includes('<Prefix>run%20books/</Prefix><KeyMarker>'), grouped);
  });

  test('ListMultipartUploads: Key, Prefix, KeyMarker and NextKeyMarker; another encoding-type is 400', async () => {
    const body = await list('uploads&encoding-type=url&prefix=up');
    assert.equal(one(body, 'EncodingType'), 'url');
    assert.deepEqual(all(body, 'Key'), ['up%20load/a%20b', 'up%25load/%C3%A9', 'up%2Bload']);
    assert.ok(body.includes('<Prefix>up</Prefix>'), body);

    const paged = await list('uploads&encoding-type=url&key-marker=up%20load%2Fa%20b&max-uploads=1');
    assert.equal(one(paged, 'KeyMarker'), 'up%20load/a%20b');
    assert.deepEqual(all(paged, 'Key'), ['up%25load/%C3%A9']);
    assert.equal(one(paged, 'NextKeyMarker'), 'up%25load/%C3%A9');

    const plain = await list('uploads');
    assert.equal(one(plain, 'EncodingType'), undefined);
    assert.deepEqual(all(plain, 'Key'), ['up load/a b', 'up%load/é', 'up+load']);

    for (const q of ['uploads&encoding-type=base64', 'encoding-type=URL', 'versions&encoding-type=']) {
      const r = await rawSigned(`${env.server.s3Url}/enc?${q}`, {
        method: 'GET',
        accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
        secret: CREDS.MIMEO_ROOT_SECRET_KEY,
      });
      assert.equal(r.status, 400, q);
      assert.match(r.body, /<Code>InvalidArgument<\/Code>/, q);
    }
  });
});
