// CopyObject as one transaction: the target's bytes, metadata and tags come from one source version even while the
// source is being rewritten; If-Match lists; LastModified of the version made; label limits held by the core.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { isMissing, openS3, ROOT_KEYS, type S3Env, s3Error, sendRaw, signRequest } from '../helpers/s3.ts';

let env: S3Env;
before(async () => {
  env = await openS3();
  await env.client.send(new CreateBucketCommand({ Bucket: 'copies' }));
});
after(async () => env.close());

const text = async (r: { Body?: { transformToByteArray(): Promise<Uint8Array> } }) =>
  Buffer.from(await r.Body!.transformToByteArray()).toString();

/** Runs `n` calls of `fn` with at most `width` at once. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

describe('CopyObject', () => {
  test('copies made while the source is rewritten take bytes, metadata and tags from one version', async () => {
    const c = env.client;
    const write = (gen: number) =>
      c.send(
        new PutObjectCommand({
          Bucket: 'copies',
          Key: 'hot',
          Body: `generation ${gen}`,
          ContentType: `text/gen-${gen}`,
          Metadata: { gen: String(gen) },
          Tagging: `gen=${gen}`,
        }),
      );
    await write(0);
    const copies = 60;
    await Promise.all([
      pool(120, 3, (i) => write(i + 1).then(() => undefined)),
      pool(copies, 3, async (i) => {
        await c.send(new CopyObjectCommand({ Bucket: 'copies', Key: `snap-${i}`, CopySource: 'copies/hot' }));
      }),
    ]);
    for (let i = 0; i < copies; i++) {
      const got = await c.send(new GetObjectCommand({ Bucket: 'copies', Key: `snap-${i}` }));
      const gen = /^generation (\d+)$/.exec(await text(got))![1];
      const tags = await c.send(new GetObjectTaggingCommand({ Bucket: 'copies', Key: `snap-${i}` }));
      assert.deepEqual(
        [got.ContentType, got.Metadata?.['gen'], tags.TagSet?.map((t) => `${t.Key}=${t.Value}`)],
        [`text/gen-${gen}`, gen, [`gen=${gen}`]],
        `snap-${i}`,
      );
    }
  });

  test('x-amz-copy-source-if-match is a list: any tag in it matches', async () => {
    const c = env.client;
    const put = await c.send(new PutObjectCommand({ Bucket: 'copies', Key: 'listed', Body: 'x' }));
    const r = await c.send(
      new CopyObjectCommand({
        Bucket: 'copies',
        Key: 'listed-copy',
        CopySource: 'copies/listed',
        CopySourceIfMatch: `"00000000000000000000000000000000", ${put.ETag}`,
      }),
    );
    assert.equal(r.CopyObjectResult?.ETag, put.ETag);
    const none = await s3Error(() =>
      c.send(
        new CopyObjectCommand({
          Bucket: 'copies',
          Key: 'listed-copy',
          CopySource: 'copies/listed',
          CopySourceIfNoneMatch: `"00000000000000000000000000000000", ${put.ETag}`,
        }),
      ),
    );
    assert.deepEqual([none.code, none.status], ['PreconditionFailed', 412]);
  });

  test("LastModified is the new version's, as HEAD of the target reports it", async () => {
    const c = env.client;
    await c.send(new PutObjectCommand({ Bucket: 'copies', Key: 'dated', Body: 'x' }));
    const r = await c.send(
      new CopyObjectCommand({ Bucket: 'copies', Key: 'dated-copy', CopySource: 'copies/dated' }),
    );
    const head = await c.send(new HeadObjectCommand({ Bucket: 'copies', Key: 'dated-copy' }));
    assert.equal(r.CopyObjectResult?.LastModified?.getTime(), head.LastModified?.getTime());
  });

  test('the tagging directive: REPLACE takes x-amz-tagging, COPY keeps the source tags; more than 10 is InvalidTag', async () => {
    const c = env.client;
    await c.send(new PutObjectCommand({ Bucket: 'copies', Key: 'tagged', Body: 'x', Tagging: 'a=1' }));
    await c.send(
      new CopyObjectCommand({
        Bucket: 'copies',
        Key: 'retagged',
        CopySource: 'copies/tagged',
        TaggingDirective: 'REPLACE',
        Tagging: 'b=2',
      }),
    );
    const tags = await c.send(new GetObjectTaggingCommand({ Bucket: 'copies', Key: 'retagged' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'b', Value: '2' }]);
    const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    for (const send of [
      () => c.send(new PutObjectCommand({ Bucket: 'copies', Key: 'eleven', Body: 'x', Tagging: eleven })),
      () =>
        c.send(
          new CopyObjectCommand({
            Bucket: 'copies',
            Key: 'eleven',
            CopySource: 'copies/tagged',
            TaggingDirective: 'REPLACE',
            Tagging: eleven,
          }),
        ),
    ]) {
      const e = await s3Error(send);
      assert.deepEqual([e.code, e.status], ['InvalidTag', 400]);
    }
    const gone = await s3Error(() => c.send(new HeadObjectCommand({ Bucket: 'copies', Key: 'eleven' })));
    assert.equal(gone.status, 404);
  });

  test('the native API cannot store tags or metadata that S3 would refuse', async () => {
    const token = await env.server.token();
    const auth = { authorization: `Bearer ${token}` };
    const url = `${env.server.url}/api/v1/projects/copies/files/native`;
    assert.equal((await fetch(url, { method: 'PUT', headers: auth, body: 'x' })).status, 201);
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(300)]));
    for (const tags of [many, { k: 'v'.repeat(257) }, { ['k'.repeat(129)]: 'v' }]) {
      const r = await fetch(url, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ tags }),
      });
      assert.equal(r.status, 400);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'InvalidTag');
    }
    const big = await fetch(`${url}-meta`, {
      method: 'PUT',
      headers: { ...auth, 'x-mimeo-meta-big': 'm'.repeat(2100) },
      body: 'x',
    });
    assert.equal(big.status, 400);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'MetadataTooLarge');
    const tags = await env.client.send(new GetObjectTaggingCommand({ Bucket: 'copies', Key: 'native' }));
    assert.deepEqual(tags.TagSet, []);
  });

  test('a copy with a body (declared or chunked) is 400 InvalidRequest and copies nothing, a part copy too', async () => {
    const c = env.client;
    await c.send(new PutObjectCommand({ Bucket: 'copies', Key: 'body-src', Body: 'source bytes' }));
    const port = Number(new URL(env.server.s3Url).port);
    const send = async (path: string, headers: Record<string, string>) => {
      const body = Buffer.from('hello');
      const signed = await signRequest({
        method: 'PUT',
        path,
        host: `127.0.0.1:${port}`,
        headers: { 'x-amz-copy-source': '/copies/body-src', ...headers },
        payloadHash: 'UNSIGNED-PAYLOAD',
        ...ROOT_KEYS,
      });
      return sendRaw(port, { method: 'PUT', path, headers: { ...signed.headers, ...headers }, body });
    };
    const { UploadId } = await c.send(
      new CreateMultipartUploadCommand({ Bucket: 'copies', Key: 'body-part' }),
    );
    const framings: Record<string, string>[] = [
      { 'content-length': '5' },
      { 'transfer-encoding': 'chunked' },
    ];
    for (const framing of framings) {
      for (const path of ['/copies/body-dst', `/copies/body-part?partNumber=1&uploadId=${UploadId}`]) {
        const r = await send(path, framing);
        assert.equal(r.status, 400, `${path} ${JSON.stringify(framing)}: ${r.body}`);
        assert.match(
          r.body,
          /<Code>InvalidRequest<\/Code><Message>The request included a body\. Requests of this type must not include a non-empty body\.<\/Message>/,
        );
      }
    }
    assert.equal(await isMissing(c, 'copies', 'body-dst'), true);
    const parts = await c.send(new ListPartsCommand({ Bucket: 'copies', Key: 'body-part', UploadId }));
    assert.deepEqual(parts.Parts ?? [], []);
    // Without a body, the same requests copy.
    await c.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'body-dst', CopySource: 'copies/body-src' }));
    assert.equal(
      await text(await c.send(new GetObjectCommand({ Bucket: 'copies', Key: 'body-dst' }))),
      'source bytes',
    );
  });
});
