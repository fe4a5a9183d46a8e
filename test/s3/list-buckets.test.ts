// ListBuckets as current S3 pages it: max-buckets, continuation-token, prefix and bucket-region.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListBucketsCommand, paginateListBuckets } from '@aws-sdk/client-s3';
import { openS3, rawSigned, type S3Env } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';

/** Names chosen so that byte order differs from a locale's: '-' < '.' < digits < letters. */
const PAGED = ['page-b', 'page-a.z', 'page-a-z', 'page-1', 'page-0a', 'page-c.d', 'page-ab'];

describe('S3 ListBuckets', () => {
  let env: S3Env;
  const list = (query: string) =>
    rawSigned(`${env.server.s3Url}/${query}`, {
      method: 'GET',
      accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
      secret: CREDS.MIMEO_ROOT_SECRET_KEY,
    });
  const names = (xml: string) => [...xml.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
  const token = (xml: string) => /<ContinuationToken>([^<]+)<\/ContinuationToken>/.exec(xml)?.[1];

  before(async () => {
    env = await openS3();
    for (const Bucket of [...PAGED, 'other-bucket'])
      await env.client.send(new CreateBucketCommand({ Bucket }));
  });
  after(async () => {
    await env.close();
  });

  test('max-buckets pages in name order; the token continues; the last page has none', async () => {
    const first = await list('?max-buckets=3&prefix=page-');
    assert.equal(first.status, 200);
    assert.deepEqual(names(first.body), ['page-0a', 'page-1', 'page-a-z']);
    assert.match(first.body, /<Prefix>page-<\/Prefix>/);
    const next = token(first.body);
    assert.ok(next, first.body);
    const second = await list(`?max-buckets=3&prefix=page-&continuation-token=${encodeURIComponent(next)}`);
    assert.deepEqual(names(second.body), ['page-a.z', 'page-ab', 'page-b']);
    const third = await list(`?max-buckets=3&prefix=page-&continuation-token=${token(second.body)}`);
    assert.deepEqual(names(third.body), ['page-c.d']);
    assert.equal(token(third.body), undefined);
    // Without parameters every bucket comes in one answer, with no token and no prefix.
    const all = await list('');
    assert.deepEqual(names(all.body), [...PAGED, 'other-bucket'].sort());
    assert.equal(token(all.body), undefined);
    assert.doesNotMatch(all.body, /<Prefix>/);
  });

  test("the SDK's paginator walks every page", async () => {
    const seen: string[] = [];
    const tokens: (string | undefined)[] = [];
    for await (const page of paginateListBuckets({ client: env.client, pageSize: 2 }, { Prefix: 'page-' })) {
      seen.push(...(page.Buckets ?? []).map((b) => b.Name!));
      tokens.push(page.ContinuationToken);
      assert.equal(page.Prefix, 'page-');
      assert.ok(page.Owner?.ID);
    }
    assert.deepEqual(seen, [...PAGED].sort());
    assert.equal(tokens.length, 4);
    assert.equal(tokens.at(-1), undefined);
    const one = await env.client.send(new ListBucketsCommand({ MaxBuckets: 1, Prefix: 'other' }));
    assert.deepEqual(
      one.Buckets?.map((b) => [b.Name, b.BucketRegion]),
      [['other-bucket', 'us-east-1']],
    );
    assert.equal(one.ContinuationToken, undefined);
  });

  test('bad max-buckets and tokens are 400 InvalidArgument; another region lists nothing', async () => {
    for (const q of [
      '?max-buckets=0',
      '?max-buckets=10001',
      '?max-buckets=two',
      '?continuation-token=%21%21',
    ]) {
      const r = await list(q);
      assert.equal(r.status, 400, q);
      assert.match(r.body, /<Code>InvalidArgument<\/Code>/, q);
    }
    const elsewhere = await list('?bucket-region=eu-west-1');
    assert.equal(elsewhere.status, 200);
    assert.deepEqual(names(elsewhere.body), []);
    assert.deepEqual(names((await list('?bucket-region=us-east-1&prefix=other')).body), ['other-bucket']);
  });
});
