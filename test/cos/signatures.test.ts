// The COS signature (q-sign-algorithm=sha1) in the Authorization header and in presigned URLs, made by the SDK's
// own signer and checked by the server against the access keys: what passes, and each way it must fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import COS from 'cos-nodejs-sdk-v5';
import { BUCKET, type CosEnv, cosRaw, HOST, openCos, RAW_ROOT, REGION, rawHttp } from '../helpers/cos.ts';

let env: CosEnv;
const at = { Bucket: BUCKET, Region: REGION };
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const message = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  env = await openCos();
  await env.cos.putBucket(at);
  await env.cos.putObject({ ...at, Key: 'signed.txt', Body: 'signed bytes' });
});
after(async () => env.close());

describe('the Authorization header', () => {
  test('a request signed with the right key is served', async () => {
    const r = await cosRaw(env, { method: 'GET', path: '/signed.txt' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'signed bytes');
    assert.equal(r.headers.get('server'), 'tencent-cos');
  });

  test('a wrong secret is 403 SignatureDoesNotMatch in COS XML', async () => {
    const r = await cosRaw(env, {
      method: 'GET',
      path: '/signed.txt',
      keys: { SecretId: RAW_ROOT.SecretId, SecretKey: 'not-the-secret' },
    });
    assert.equal(r.status, 403);
    assert.equal(code(r.body), 'SignatureDoesNotMatch');
    assert.match(r.body, /<TraceId>[0-9a-f]{16}<\/TraceId><\/Error>$/);
  });

  test('an unknown q-ak is 403 InvalidAccessKeyId', async () => {
    const r = await cosRaw(env, {
      method: 'GET',
      path: '/signed.txt',
      keys: { SecretId: 'AKIDNOSUCHKEY', SecretKey: 'x' },
    });
    assert.deepEqual([r.status, code(r.body)], [403, 'InvalidAccessKeyId']);
  });

  test('a signature whose q-sign-time has passed is 403 AccessDenied "Request has expired"', async () => {
    const r = await cosRaw(env, {
      method: 'GET',
      path: '/signed.txt',
      keyTime: `${now() - 120};${now() - 60}`,
    });
    assert.deepEqual([r.status, code(r.body), message(r.body)], [403, 'AccessDenied', 'Request has expired']);
  });

  test('a header changed after signing is 403 SignatureDoesNotMatch, and nothing is written', async () => {
    const r = await cosRaw(env, {
      method: 'PUT',
      path: '/tampered.txt',
      headers: { 'x-cos-meta-owner': 'alice', 'content-length': '3' },
      sendHeaders: { 'x-cos-meta-owner': 'mallory' },
      body: 'abc',
    });
    assert.deepEqual([r.status, code(r.body)], [403, 'SignatureDoesNotMatch']);
    const h = await cosRaw(env, { method: 'HEAD', path: '/tampered.txt' });
    assert.equal(h.status, 404);
  });

  test('a query parameter changed after signing is 403 SignatureDoesNotMatch', async () => {
    const r = await cosRaw(env, { method: 'GET', path: '/?prefix=b', signQuery: { prefix: 'a' } });
    assert.deepEqual([r.status, code(r.body)], [403, 'SignatureDoesNotMatch']);
  });

  test('an algorithm other than sha1 is 403 AccessDenied', async () => {
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: 'signed.txt',
      Headers: { host: HOST },
    });
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path: '/signed.txt',
      headers: { host: HOST, authorization: auth.replace('q-sign-algorithm=sha1', 'q-sign-algorithm=md5') },
    });
    assert.deepEqual([r.status, code(r.body)], [403, 'AccessDenied']);
  });

  test('a malformed signature (no q-signature) is 403 AccessDenied', async () => {
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: 'signed.txt',
      Headers: { host: HOST },
    });
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path: '/signed.txt',
      headers: { host: HOST, authorization: auth.replace(/&q-signature=.*$/, '') },
    });
    assert.deepEqual([r.status, code(r.body)], [403, 'AccessDenied']);
  });

  test('no signature on a COS host is 403 AccessDenied in COS XML', async () => {
    const r = await cosRaw(env, { method: 'GET', path: '/signed.txt', unsigned: true });
    assert.deepEqual([r.status, code(r.body)], [403, 'AccessDenied']);
    assert.equal(r.headers.get('server'), 'tencent-cos');
  });

  test('a COS signature makes a request COS whatever its host: path-style to the bare port', async () => {
    const path = `/${BUCKET}/signed.txt`;
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: `${BUCKET}/signed.txt`,
      Headers: { host: env.hostPort },
    });
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path,
      headers: { host: env.hostPort, authorization: auth },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'signed bytes');
    assert.equal(r.headers.get('server'), 'tencent-cos');
    assert.ok(r.headers.get('x-cos-request-id'));
  });

  test('a request that is neither COS-hosted nor COS-signed stays S3', async () => {
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path: `/${BUCKET}/signed.txt`,
      headers: { host: env.hostPort },
    });
    assert.equal(r.status, 403);
    assert.ok(r.headers.get('x-amz-request-id'));
    assert.equal(r.headers.get('server'), null);
    assert.doesNotMatch(r.body, /TraceId/);
  });
});

describe('presigned URLs', () => {
  const viaOurPort = (url: string) => {
    const u = new URL(url);
    return rawHttp(env.hostPort, { method: 'GET', path: u.pathname + u.search, headers: { host: u.host } });
  };

  test("the SDK's getObjectUrl with Sign serves the object", async () => {
    const url = env.cos.getObjectUrl({ ...at, Key: 'signed.txt', Sign: true, Expires: 60 }, () => {});
    assert.match(url, /q-sign-algorithm=sha1/);
    const r = await viaOurPort(url);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'signed bytes');
  });

  test('a presigned URL with signed query parameters serves them', async () => {
    const url = env.cos.getObjectUrl(
      { ...at, Key: 'signed.txt', Sign: true, Query: { 'response-content-type': 'text/x-test' } },
      () => {},
    );
    const r = await viaOurPort(url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/x-test');
  });

  test('a tampered presigned signature is 403 SignatureDoesNotMatch', async () => {
    const url = env.cos.getObjectUrl({ ...at, Key: 'signed.txt', Sign: true }, () => {});
    const r = await viaOurPort(
      url.replace(/q-signature=([0-9a-f])/, (_m, c) => `q-signature=${c === '0' ? '1' : '0'}`),
    );
    assert.deepEqual([r.status, code(r.body)], [403, 'SignatureDoesNotMatch']);
  });

  test('an expired presigned URL is 403 AccessDenied "Request has expired"', async () => {
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: 'signed.txt',
      Headers: { host: HOST },
      KeyTime: `${now() - 120};${now() - 60}`,
    } as Parameters<typeof COS.getAuthorization>[0]);
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path: `/signed.txt?${auth}`,
      headers: { host: HOST },
    });
    assert.deepEqual([r.status, message(r.body)], [403, 'Request has expired']);
  });

  test('a ?sign= or q-* query that does not parse is 403 AccessDenied, never an anonymous read', async () => {
    await env.cos.putObject({ ...at, Key: 'public.txt', Body: 'public bytes', ACL: 'public-read' });
    const anonymous = await rawHttp(env.hostPort, {
      method: 'GET',
      path: '/public.txt',
      headers: { host: HOST },
    });
    assert.deepEqual([anonymous.status, anonymous.body], [200, 'public bytes']);
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: 'public.txt',
      Headers: { host: HOST },
    });
    const twice = encodeURIComponent(encodeURIComponent(auth));
    for (const [host, path] of [
      [HOST, '/public.txt?sign=not-a-signature'],
      [HOST, `/public.txt?sign=${twice}`],
      [HOST, `/public.txt?sign=${encodeURIComponent(auth.replace(/&q-signature=.*$/, ''))}`],
      [HOST, `/public.txt?${auth.replace(/^q-sign-algorithm=sha1&/, '')}`],
      [env.hostPort, `/${BUCKET}/public.txt?sign=${twice}`],
    ] as const) {
      const r = await rawHttp(env.hostPort, { method: 'GET', path, headers: { host } });
      assert.deepEqual([r.status, code(r.body)], [403, 'AccessDenied'], path);
      assert.match(message(r.body) ?? '', /^The COS signature is malformed/, path);
      assert.equal(r.headers.get('server'), 'tencent-cos', path);
      assert.ok(r.headers.get('x-cos-request-id'), path);
    }
  });

  test('the older ?sign=<Authorization> form is accepted', async () => {
    const auth = COS.getAuthorization({
      ...RAW_ROOT,
      Method: 'GET',
      Key: 'signed.txt',
      Headers: { host: HOST },
    });
    const r = await rawHttp(env.hostPort, {
      method: 'GET',
      path: `/signed.txt?sign=${encodeURIComponent(auth)}`,
      headers: { host: HOST },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'signed bytes');
  });
});
