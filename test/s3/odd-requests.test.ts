// Requests the framework would refuse before S3 sees them: odd Content-Types, URLs that do not decode, bad HTTP.
// Each gets S3's answer in S3's shape, never a 500 and never the framework's own JSON.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { openS3, ROOT_KEYS, type S3Env, sendRaw, signRequest } from '../helpers/s3.ts';

let env: S3Env;
let port: number;
before(async () => {
  env = await openS3();
  port = Number(new URL(env.server.s3Url).port);
  await env.client.send(new CreateBucketCommand({ Bucket: 'odd' }));
});
after(async () => env.close());

const codeOf = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

/** Raw bytes to the S3 port; the answer's status line, headers and body as text. */
function rawHttp(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    let out = '';
    s.on('data', (d: Buffer) => {
      out += d.toString();
    });
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

/** A signed GET of the bucket `odd` with `query`, sent as it is written here. */
async function get(query: string) {
  const signed = await signRequest({
    method: 'GET',
    path: `/odd?${query}`,
    host: `127.0.0.1:${port}`,
    payloadHash: 'UNSIGNED-PAYLOAD',
    ...ROOT_KEYS,
  });
  return sendRaw(port, { method: 'GET', path: `/odd?${query}`, headers: signed.headers });
}

describe('odd requests', () => {
  test('a PUT stores its body whatever its Content-Type, and an empty one reads back as binary/octet-stream', async () => {
    const cases: [string, string][] = [
      ['', 'binary/octet-stream'],
      [' ', 'binary/octet-stream'],
      ['a', 'a'],
      [';', ';'],
      ['text/plain;;', 'text/plain;;'],
      ['application/json', 'application/json'],
      ['multipart/form-data', 'multipart/form-data'],
      ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ];
    for (const [i, [contentType, stored]] of cases.entries()) {
      const body = Buffer.from(`body ${i} {"not": json`);
      const path = `/odd/ct-${i}`;
      const signed = await signRequest({
        method: 'PUT',
        path,
        host: `127.0.0.1:${port}`,
        headers: { 'content-type': contentType, 'content-length': String(body.length) },
        payloadHash: 'UNSIGNED-PAYLOAD',
        ...ROOT_KEYS,
      });
      const r = await sendRaw(port, { method: 'PUT', path, headers: signed.headers, body });
      assert.equal(r.status, 200, `${JSON.stringify(contentType)}: ${r.body}`);
      const got = await env.client.send(new GetObjectCommand({ Bucket: 'odd', Key: `ct-${i}` }));
      assert.equal(got.ContentType, stored, JSON.stringify(contentType));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
    }
  });

  test('a URL that does not decode is 400 InvalidURI in S3 XML; the native API answers in its JSON', async () => {
    const signed = await signRequest({
      method: 'GET',
      path: '/odd/%ZZ',
      host: `127.0.0.1:${port}`,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...ROOT_KEYS,
    });
    const r = await sendRaw(port, { method: 'GET', path: '/odd/%ZZ', headers: signed.headers });
    assert.equal(r.status, 400);
    assert.equal(codeOf(r.body), 'InvalidURI');
    const api = await fetch(`${env.server.url}/api/v1/projects/%ZZ`);
    assert.equal(api.status, 400);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'InvalidURI');
  });

  test('bytes that are not valid HTTP get a 400 in S3 XML, and the connection closes', async () => {
    for (const head of [
      'PUT /odd/k HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'PUT /odd/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      'GET /odd/k HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    ]) {
      const out = await rawHttp(head);
      assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n/, head);
      assert.match(out, /content-type: application\/xml/i, head);
      assert.equal(codeOf(out), 'BadRequest', head);
    }
  });

  test('a malformed Content-MD5 is 400 InvalidDigest, a wrong one 400 BadDigest; neither stores', async () => {
    for (const [md5, code] of [
      ['not-base64!', 'InvalidDigest'],
      ['', 'InvalidDigest'],
      ['AAAA', 'InvalidDigest'],
      ['XUFAKrxLKna5cZ2REBfFkg==', 'BadDigest'],
    ]) {
      const body = Buffer.from('digest me');
      const signed = await signRequest({
        method: 'PUT',
        path: '/odd/digest',
        host: `127.0.0.1:${port}`,
        headers: { 'content-md5': md5!, 'content-length': String(body.length) },
        payloadHash: 'UNSIGNED-PAYLOAD',
        ...ROOT_KEYS,
      });
      const r = await sendRaw(port, { method: 'PUT', path: '/odd/digest', headers: signed.headers, body });
      assert.deepEqual([r.status, codeOf(r.body)], [400, code], md5);
    }
    const e = await env.client.send(new GetObjectCommand({ Bucket: 'odd', Key: 'digest' })).then(
      () => 'stored',
      (err: { name: string }) => err.name,
    );
    assert.equal(e, 'NoSuchKey');
  });

  test('checksum headers: two at once, one the named algorithm is not, or a malformed value: 400 InvalidRequest', async () => {
    const body = Buffer.from('check me');
    const crc32 = Buffer.from([0x12, 0x34, 0x56, 0x78]).toString('base64');
    const sha1 = Buffer.alloc(20, 1).toString('base64');
    const cases: Record<string, string>[] = [
      { 'x-amz-checksum-crc32': crc32, 'x-amz-checksum-sha1': sha1 },
      { 'x-amz-sdk-checksum-algorithm': 'SHA256', 'x-amz-checksum-crc32': crc32 },
      { 'x-amz-checksum-crc32': 'AAAA' },
      { 'x-amz-checksum-crc32': 'not base64!' },
      { 'x-amz-checksum-sha256': crc32 },
    ];
    for (const headers of cases) {
      const signed = await signRequest({
        method: 'PUT',
        path: '/odd/checked',
        host: `127.0.0.1:${port}`,
        headers: { ...headers, 'content-length': String(body.length) },
        payloadHash: 'UNSIGNED-PAYLOAD',
        ...ROOT_KEYS,
      });
      const r = await sendRaw(port, { method: 'PUT', path: '/odd/checked', headers: signed.headers, body });
      assert.deepEqual([r.status, codeOf(r.body)], [400, 'InvalidRequest'], JSON.stringify(headers));
    }
    const e = await env.client.send(new GetObjectCommand({ Bucket: 'odd', Key: 'checked' })).then(
      () => 'stored',
      (err: { name: string }) => err.name,
    );
    assert.equal(e, 'NoSuchKey');
  });

  test('a PUT with neither Content-Length nor chunked framing is 411 MissingContentLength', async () => {
    const signed = await signRequest({
      method: 'PUT',
      path: '/odd/unframed',
      host: `127.0.0.1:${port}`,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...ROOT_KEYS,
    });
    const head = Object.entries(signed.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const out = await rawHttp(`PUT /odd/unframed HTTP/1.1\r\n${head}connection: close\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 411 /);
    assert.equal(codeOf(out), 'MissingContentLength');
  });

  test('an integer argument that is empty, signed, not decimal or past int32 is 400 InvalidArgument naming it', async () => {
    for (const [name, extra] of [
      ['max-keys', 'list-type=2&'],
      ['max-keys', ''],
      ['max-keys', 'versions&'],
      ['max-uploads', 'uploads&'],
    ] as const)
      for (const value of ['', '-1', '+5', '0x10', '1e3', ' 7', '2147483648']) {
        const r = await get(`${extra}${name}=${encodeURIComponent(value)}`);
        const what = `${extra}${name}=${JSON.stringify(value)}: ${r.body}`;
        assert.equal(r.status, 400, what);
        assert.equal(codeOf(r.body), 'InvalidArgument', what);
        assert.match(r.body, new RegExp(`<ArgumentName>${name}</ArgumentName>`), what);
      }
    // The bounds themselves are fine: an empty page, and one as large as there is.
    const zero = await get('list-type=2&max-keys=0');
    assert.equal(zero.status, 200, zero.body);
    assert.match(zero.body, /<KeyCount>0<\/KeyCount>/);
    assert.equal((await get('list-type=2&max-keys=2147483647')).status, 200);
  });

  test('a list-type other than 2 is 400 InvalidArgument naming it, not a ListObjects (v1) listing', async () => {
    await env.client.send(new PutObjectCommand({ Bucket: 'odd', Key: 'listed', Body: 'x' }));
    for (const value of ['3', '1', '', '02', 'two']) {
      const r = await get(`list-type=${value}`);
      const what = `list-type=${JSON.stringify(value)}: ${r.body}`;
      assert.equal(r.status, 400, what);
      assert.equal(r.headers['content-type'], 'application/xml', what);
      assert.equal(codeOf(r.body), 'InvalidArgument', what);
      assert.match(r.body, /<ArgumentName>list-type<\/ArgumentName>/, what);
      assert.ok(r.body.includes(`<ArgumentValue>${value}</ArgumentValue>`), what);
      assert.doesNotMatch(r.body, /ListBucketResult|listed/, what);
    }
    // Without list-type a GET is ListObjects (v1), with list-type=2 ListObjectsV2.
    const v1 = await get('prefix=l');
    assert.equal(v1.status, 200, v1.body);
    assert.match(v1.body, /<Key>listed<\/Key>/);
    assert.doesNotMatch(v1.body, /<KeyCount>/);
    assert.match((await get('list-type=2&prefix=l')).body, /<KeyCount>1<\/KeyCount>/);
  });

  test('tags and metadata named like the properties of an object are kept like any other', async () => {
    const c = env.client;
    await c.send(
      new PutObjectCommand({
        Bucket: 'odd',
        Key: 'proto',
        Body: 'x',
        Tagging: 'constructor=1&__proto__=2&toString=3',
        Metadata: { constructor: 'a', __proto__: 'b' } as Record<string, string>,
      }),
    );
    const tags = await c.send(new GetObjectTaggingCommand({ Bucket: 'odd', Key: 'proto' }));
    assert.deepEqual(tags.TagSet?.map((t) => `${t.Key}=${t.Value}`).sort(), [
      '__proto__=2',
      'constructor=1',
      'toString=3',
    ]);
    const head = await c.send(new HeadObjectCommand({ Bucket: 'odd', Key: 'proto' }));
    assert.equal(head.Metadata?.['constructor'], 'a');
  });

  test('x-amz-copy-source on a GET, HEAD or DELETE is 400 InvalidArgument, and the DELETE removes nothing', async () => {
    await env.client.send(new PutObjectCommand({ Bucket: 'odd', Key: 'kept', Body: 'kept bytes' }));
    await env.client.send(new PutObjectCommand({ Bucket: 'odd', Key: 'other', Body: 'other bytes' }));
    for (const method of ['GET', 'HEAD', 'DELETE']) {
      const headers = { 'x-amz-copy-source': '/odd/other' };
      const signed = await signRequest({
        method,
        path: '/odd/kept',
        host: `127.0.0.1:${port}`,
        headers,
        payloadHash: 'UNSIGNED-PAYLOAD',
        ...ROOT_KEYS,
      });
      const r = await sendRaw(port, { method, path: '/odd/kept', headers: signed.headers });
      assert.equal(r.status, 400, `${method}: ${r.body}`);
      if (method !== 'HEAD') {
        assert.equal(codeOf(r.body), 'InvalidArgument', method);
        assert.match(r.body, /copy source header for copy requests/);
      }
    }
    const got = await env.client.send(new GetObjectCommand({ Bucket: 'odd', Key: 'kept' }));
    assert.equal(await got.Body!.transformToString(), 'kept bytes');
  });

  test('none of the above was a server error', () => {
    assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
  });
});
