// Request XML as real clients write it: Go's character references, CDATA, namespace prefixes, exact keys; and
// DOCTYPEs refused in every body.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, ROOT_KEYS, rawSigned, type S3Env, s3Error } from '../helpers/s3.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
let env: S3Env;
before(async () => {
  env = await openS3(['--min-part-size', '1024']);
  for (const Bucket of ['xml', 'xml-settings']) await env.client.send(new CreateBucketCommand({ Bucket }));
});
after(async () => env.close());

const url = (path: string) => `${env.server.s3Url}${path}`;
/** As a Go client sends an XML body: with its Content-MD5 (S3 requires it, or a checksum, on DeleteObjects). */
const send = (method: string, path: string, body: string) =>
  rawSigned(url(path), {
    method,
    body,
    headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    ...ROOT_KEYS,
  });
const put = (Key: string, Body: string | Buffer = 'x') =>
  env.client.send(new PutObjectCommand({ Bucket: 'xml', Key, Body }));
const exists = async (Key: string) => {
  try {
    await env.client.send(new HeadObjectCommand({ Bucket: 'xml', Key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
};
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
/** encoding/xml's EscapeText, which Go clients (aws-sdk-go, minio-go) use: `"` as `&#34;`, `'` as `&#39;`. */
const goEscape = (s: string) =>
  s.replace(
    /[&<>"'\t\n\r]/g,
    (c) => `&#${c === '&' ? 38 : c === '<' ? 60 : c === '>' ? 62 : c.charCodeAt(0)};`,
  );
const codeOf = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const goComplete = (parts: { etag: string; n: number }[]) =>
  `<CompleteMultipartUpload ${NS}>${parts
    .map((p) => `<Part><ETag>${goEscape(p.etag)}</ETag><PartNumber>${p.n}</PartNumber></Part>`)
    .join('')}</CompleteMultipartUpload>`;

describe('CompleteMultipartUpload as Go clients send it', () => {
  test('ETags written with &#34; complete an upload of parts', async () => {
    const parts = [bytes(2048, 1), bytes(100, 2)];
    const { UploadId } = await env.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'xml', Key: 'go-mpu' }),
    );
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const r = await env.client.send(
        new UploadPartCommand({ Bucket: 'xml', Key: 'go-mpu', UploadId, PartNumber: i + 1, Body }),
      );
      etags.push(r.ETag!);
    }
    const body = goComplete(etags.map((etag, i) => ({ etag, n: i + 1 })));
    assert.match(body, /<ETag>&#34;[0-9a-f]{32}&#34;<\/ETag>/);
    const r = await send('POST', `/xml/go-mpu?uploadId=${UploadId}`, body);
    assert.equal(r.status, 200, r.body);
    const expected = createHash('md5')
      .update(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex'))))
      .digest('hex');
    assert.match(r.body, new RegExp(`<ETag>&quot;${expected}-2&quot;</ETag>`));
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'xml', Key: 'go-mpu' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), Buffer.concat(parts));
  });

  test("a Content-MD5 that is not the XML body's is 400 BadDigest in every body, and changes nothing", async () => {
    const { UploadId } = await env.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'xml', Key: 'md5-mpu' }),
    );
    const part = await env.client.send(
      new UploadPartCommand({ Bucket: 'xml', Key: 'md5-mpu', UploadId, PartNumber: 1, Body: 'one' }),
    );
    const complete = goComplete([{ etag: part.ETag!, n: 1 }]);
    const tagging = '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>';
    const wrong = createHash('md5').update('another body').digest('base64');
    for (const [method, path, body] of [
      ['POST', `/xml/md5-mpu?uploadId=${UploadId}`, complete],
      ['PUT', '/xml-settings?tagging', tagging],
      [
        'PUT',
        '/xml-settings?versioning',
        `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`,
      ],
    ] as const) {
      const r = await rawSigned(url(path), { method, body, headers: { 'content-md5': wrong }, ...ROOT_KEYS });
      assert.equal(r.status, 400, `${path}: ${r.body}`);
      assert.match(r.body, /<Code>BadDigest<\/Code>/, path);
      const malformed = await rawSigned(url(path), {
        method,
        body,
        headers: { 'content-md5': 'abc' },
        ...ROOT_KEYS,
      });
      assert.match(malformed.body, /<Code>InvalidDigest<\/Code>/, path);
    }
    assert.equal(await exists('md5-mpu'), false);
    const v = await env.client.send(new GetBucketVersioningCommand({ Bucket: 'xml-settings' }));
    assert.notEqual(v.Status, 'Enabled');
    // The right one completes.
    const right = createHash('md5').update(complete).digest('base64');
    const done = await rawSigned(url(`/xml/md5-mpu?uploadId=${UploadId}`), {
      method: 'POST',
      body: complete,
      headers: { 'content-md5': right },
      ...ROOT_KEYS,
    });
    assert.equal(done.status, 200, done.body);
  });

  test('ETags written with &#34; complete an upload made by UploadPartCopy (a multipart copy)', async () => {
    const source = bytes(3000, 3);
    await put('copy-src', source);
    const { UploadId } = await env.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'xml', Key: 'go-copy' }),
    );
    const etags: string[] = [];
    for (const [n, range] of [
      [1, 'bytes=0-1999'],
      [2, 'bytes=2000-2999'],
    ] as const) {
      const r = await rawSigned(url(`/xml/go-copy?partNumber=${n}&uploadId=${UploadId}`), {
        method: 'PUT',
        headers: { 'x-amz-copy-source': '/xml/copy-src', 'x-amz-copy-source-range': range },
        ...ROOT_KEYS,
      });
      assert.equal(r.status, 200, r.body);
      // The ETag in a CopyPartResult is XML text too: `&quot;` there, as a Go client reads it back.
      etags.push(/<ETag>&quot;([0-9a-f]{32})&quot;<\/ETag>/.exec(r.body)![1]!);
    }
    const r = await send(
      'POST',
      `/xml/go-copy?uploadId=${UploadId}`,
      goComplete(etags.map((e, i) => ({ etag: `"${e}"`, n: i + 1 }))),
    );
    assert.equal(r.status, 200, r.body);
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'xml', Key: 'go-copy' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), source);
  });
});

describe('DeleteObjects', () => {
  test('a DOCTYPE that declares an entity is 400 MalformedXML and deletes nothing', async () => {
    await put('keep1');
    for (const body of [
      `<?xml version="1.0"?><!DOCTYPE Delete [<!ENTITY k "keep1">]><Delete><Object><Key>&k;</Key></Object></Delete>`,
      `<!DOCTYPE Delete SYSTEM "http://127.0.0.1:1/x.dtd"><Delete><Object><Key>keep1</Key></Object></Delete>`,
      `<Delete><Object><Key>&k;</Key></Object></Delete>`,
    ]) {
      const r = await send('POST', '/xml?delete', body);
      assert.equal(r.status, 400, body);
      assert.equal(codeOf(r.body), 'MalformedXML', body);
    }
    assert.ok(await exists('keep1'), 'keep1 is still there');
  });

  test("a key written with &#39; deletes that key, and the result names it: it's", async () => {
    await put("it's");
    await put('it&#39;s');
    const r = await send(
      'POST',
      '/xml?delete',
      `<Delete ${NS}><Object><Key>it&#39;s</Key></Object></Delete>`,
    );
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<Deleted><Key>it(&apos;|&#39;|')s<\/Key><\/Deleted>/);
    assert.equal(await exists("it's"), false, "it's is gone");
    assert.ok(await exists('it&#39;s'), 'a key that is the reference written out is another key');
  });

  test('keys are exact: leading and trailing spaces, CDATA, a namespace prefix, references', async () => {
    const keys = ['  both ends  ', ' lead', 'trail ', 'a<b>&"c"', 'cdata]]>key', 'ns/k', 'é/ü'];
    for (const k of keys) await put(k);
    await put('both ends');
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">\n' +
      '  <s3:Object><s3:Key>  both ends  </s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key> lead</s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key>trail </s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key>a&lt;b&gt;&amp;&quot;c&#x22;</s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key>&#xe9;/&#252;</s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key><![CDATA[cdata]]]]><![CDATA[>key]]></s3:Key></s3:Object>\n' +
      '  <s3:Object><s3:Key><![CDATA[ns/k]]></s3:Key></s3:Object>\n' +
      '</s3:Delete>\n';
    const r = await send('POST', '/xml?delete', body);
    assert.equal(r.status, 200, r.body);
    assert.equal(codeOf(r.body), undefined, r.body);
    for (const k of keys) assert.equal(await exists(k), false, JSON.stringify(k));
    assert.ok(await exists('both ends'), 'the key without the spaces is another key');
    assert.match(r.body, /<Key> {2}both ends {2}<\/Key>/);
    assert.match(r.body, /<Key>a&lt;b&gt;&amp;&quot;c&quot;<\/Key>/);
  });
});

describe('checksums of XML bodies', () => {
  test("an x-amz-checksum-* header that is not the body's is 400 BadDigest in every settings body and DeleteObjects, and changes nothing", async () => {
    await put('sum-keep');
    const { crc32 } = await import('node:zlib');
    const crc = (text: string) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(text) >>> 0);
      return b.toString('base64');
    };
    const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
    const bodies = [
      ['POST', '/xml?delete', `<Delete><Object><Key>sum-keep</Key></Object></Delete>`],
      [
        'PUT',
        '/xml/sum-keep?tagging',
        '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>',
      ],
      [
        'PUT',
        '/xml-settings?versioning',
        '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
      ],
    ] as const;
    for (const [method, path, body] of bodies) {
      for (const [header, value, name] of [
        ['x-amz-checksum-crc32', crc('another body'), 'CRC32'],
        ['x-amz-checksum-sha256', sha256('another body'), 'SHA256'],
      ] as const) {
        const r = await rawSigned(url(path), { method, body, headers: { [header]: value }, ...ROOT_KEYS });
        assert.equal(r.status, 400, `${path}: ${r.body}`);
        assert.match(
          r.body,
          new RegExp(
            `<Code>BadDigest</Code><Message>The ${name} you specified did not match the calculated checksum\\.<`,
          ),
          path,
        );
      }
    }
    assert.ok(await exists('sum-keep'));
    const tags = await env.client.send(new GetObjectTaggingCommand({ Bucket: 'xml', Key: 'sum-keep' }));
    assert.deepEqual(tags.TagSet, []);
    const v = await env.client.send(new GetBucketVersioningCommand({ Bucket: 'xml-settings' }));
    assert.notEqual(v.Status, 'Enabled');
    // The body's own checksum is taken, as the SDK sends it (CRC32, no Content-MD5).
    const [, , tagging] = bodies[1];
    const ok = await rawSigned(url('/xml/sum-keep?tagging'), {
      method: 'PUT',
      body: tagging,
      headers: { 'x-amz-checksum-crc32': crc(tagging), 'x-amz-sdk-checksum-algorithm': 'CRC32' },
      ...ROOT_KEYS,
    });
    assert.equal(ok.status, 200, ok.body);
  });

  test('DeleteObjects needs a Content-MD5 or a checksum (400 InvalidRequest), and of a bucket not there is 404 NoSuchBucket', async () => {
    await put('integrity-keep');
    const body = '<Delete><Object><Key>integrity-keep</Key></Object></Delete>';
    const bare = await rawSigned(url('/xml?delete'), { method: 'POST', body, ...ROOT_KEYS });
    assert.equal(bare.status, 400, bare.body);
    assert.match(
      bare.body,
      /<Code>InvalidRequest<\/Code><Message>Missing required header for this request: Content-MD5 OR x-amz-checksum-\*</,
    );
    assert.ok(await exists('integrity-keep'));
    const missing = await send('POST', '/no-such-bucket-here?delete', body);
    assert.equal(missing.status, 404, missing.body);
    assert.equal(codeOf(missing.body), 'NoSuchBucket');
    // The SDK's own DeleteObjects (a CRC32 checksum, no Content-MD5) deletes.
    const done = await env.client.send(
      new DeleteObjectsCommand({ Bucket: 'xml', Delete: { Objects: [{ Key: 'integrity-keep' }] } }),
    );
    assert.deepEqual(
      done.Deleted?.map((d) => d.Key),
      ['integrity-keep'],
    );
    assert.equal(await exists('integrity-keep'), false);
  });
});

describe('settings bodies decode references too', () => {
  test('PutObjectTagging and PutBucketTagging: keys and values from references, spaces kept', async () => {
    await put('tagged');
    const body =
      `<Tagging ${NS}><TagSet>` +
      '<Tag><Key>a&#43;b</Key><Value>&#x40;quoted&#64;</Value></Tag>' +
      '<Tag><Key>constructor</Key><Value> spaced </Value></Tag>' +
      '<Tag><Key><![CDATA[c=d]]></Key><Value/></Tag>' +
      '</TagSet></Tagging>';
    const expected = [
      ['a+b', '@quoted@'],
      ['c=d', ''],
      ['constructor', ' spaced '],
    ];
    const r = await send('PUT', '/xml/tagged?tagging', body);
    assert.equal(r.status, 200, r.body);
    const got = await env.client.send(new GetObjectTaggingCommand({ Bucket: 'xml', Key: 'tagged' }));
    assert.deepEqual(got.TagSet?.map((t) => [t.Key, t.Value]).sort(), expected);
    const b = await send('PUT', '/xml-settings?tagging', body);
    assert.equal(b.status, 204, b.body);
    const bucket = await env.client.send(new GetBucketTaggingCommand({ Bucket: 'xml-settings' }));
    assert.deepEqual(bucket.TagSet?.map((t) => [t.Key, t.Value]).sort(), expected);
    // A reference is a character like any other: one to a character a tag may not hold is refused.
    for (const [key, value, which] of [
      ['a&#38;b', 'v', 'TagKey'],
      ['k', '&#34;quoted&#34;', 'TagValue'],
      ['k', '<![CDATA[c<d]]>', 'TagValue'],
    ]) {
      const refused = `<Tagging ${NS}><TagSet><Tag><Key>${key}</Key><Value>${value}</Value></Tag></TagSet></Tagging>`;
      for (const path of ['/xml/tagged?tagging', '/xml-settings?tagging']) {
        const e = await send('PUT', path, refused);
        assert.equal(e.status, 400, e.body);
        assert.match(
          e.body,
          new RegExp(`<Code>InvalidTag</Code><Message>The ${which} you have provided is invalid<`),
        );
      }
    }
    const still = await env.client.send(new GetObjectTaggingCommand({ Bucket: 'xml', Key: 'tagged' }));
    assert.deepEqual(still.TagSet?.map((t) => [t.Key, t.Value]).sort(), expected);
  });

  test('PutBucketVersioning and PutBucketEncryption: values from references', async () => {
    const v = await send(
      'PUT',
      '/xml-settings?versioning',
      `<VersioningConfiguration ${NS}><Status>En&#97;bled</Status></VersioningConfiguration>`,
    );
    assert.equal(v.status, 200, v.body);
    assert.equal(
      (await env.client.send(new GetBucketVersioningCommand({ Bucket: 'xml-settings' }))).Status,
      'Enabled',
    );
    const e = await send(
      'PUT',
      '/xml-settings?encryption',
      `<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault>` +
        '<SSEAlgorithm>&#x41;ES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>' +
        '</ServerSideEncryptionConfiguration>',
    );
    assert.equal(e.status, 200, e.body);
    const got = await env.client.send(new GetBucketEncryptionCommand({ Bucket: 'xml-settings' }));
    assert.equal(
      got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'AES256',
    );
  });

  test('a TagSet of text rather than Tags is 400 MalformedXML; an empty one is taken', async () => {
    await put('textual');
    for (const path of ['/xml-settings?tagging', '/xml/textual?tagging']) {
      const r = await rawSigned(url(path), {
        method: 'PUT',
        body: '<Tagging><TagSet>hello</TagSet></Tagging>',
        ...ROOT_KEYS,
      });
      assert.equal(r.status, 400, `${path}: ${r.body}`);
      assert.match(r.body, /<Code>MalformedXML<\/Code>/, path);
    }
    const empty = await rawSigned(url('/xml/textual?tagging'), {
      method: 'PUT',
      body: '<Tagging><TagSet/></Tagging>',
      ...ROOT_KEYS,
    });
    assert.equal(empty.status, 200, empty.body);
  });

  test('a DOCTYPE is 400 MalformedXML in every body, and changes nothing', async () => {
    await put('doctype');
    const dtd = (root: string) => `<!DOCTYPE ${root} [<!ENTITY e "Suspended">]>`;
    const { UploadId } = await env.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'xml', Key: 'dt' }),
    );
    const etag = (
      await env.client.send(
        new UploadPartCommand({ Bucket: 'xml', Key: 'dt', UploadId, PartNumber: 1, Body: 'x' }),
      )
    ).ETag!;
    for (const [method, path, body] of [
      [
        'PUT',
        '/xml-settings?versioning',
        `${dtd('V')}<VersioningConfiguration><Status>&e;</Status></VersioningConfiguration>`,
      ],
      [
        'PUT',
        '/xml-settings?versioning',
        `${dtd('V')}<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>`,
      ],
      [
        'PUT',
        '/xml-settings?encryption',
        `${dtd('S')}<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`,
      ],
      ['PUT', '/xml-settings?tagging', `${dtd('T')}<Tagging><TagSet/></Tagging>`],
      [
        'PUT',
        '/xml/doctype?tagging',
        `${dtd('T')}<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
      ],
      [
        'POST',
        `/xml/dt?uploadId=${UploadId}`,
        `${dtd('C')}<CompleteMultipartUpload><Part><ETag>${etag}</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
      ],
      [
        'PUT',
        '/xml-new',
        `${dtd('C')}<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`,
      ],
    ] as const) {
      const r = await send(method, path, body);
      assert.equal(r.status, 400, `${path}: ${r.body}`);
      assert.equal(codeOf(r.body), 'MalformedXML', path);
    }
    assert.equal(
      (await env.client.send(new GetBucketVersioningCommand({ Bucket: 'xml-settings' }))).Status,
      'Enabled',
    );
    const enc = await env.client.send(new GetBucketEncryptionCommand({ Bucket: 'xml-settings' }));
    assert.equal(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'AES256',
    );
    assert.equal(
      (await env.client.send(new GetBucketTaggingCommand({ Bucket: 'xml-settings' }))).TagSet?.length,
      3,
    );
    assert.deepEqual(
      (await env.client.send(new GetObjectTaggingCommand({ Bucket: 'xml', Key: 'doctype' }))).TagSet,
      [],
    );
    assert.equal(await exists('dt'), false, 'the upload was not completed');
    assert.equal(
      (await s3Error(() => env.client.send(new HeadBucketCommand({ Bucket: 'xml-new' })))).status,
      404,
      'the bucket was not created',
    );
  });
});
