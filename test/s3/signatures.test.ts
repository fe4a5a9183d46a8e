// S3 request signatures against the real server: the SigV4 rules S3 enforces (the server's region, a request
// dated by Date, one auth mechanism at a time, presigned lifetimes).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { openS3, presignV4, rawSigned, type S3Env, s3Error, sendRaw, signRequest } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';

const KEYS = { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secret: CREDS.MIMEO_ROOT_SECRET_KEY };
let env: S3Env;
let port: number;
let host: string;

before(async () => {
  env = await openS3();
  port = Number(new URL(env.server.s3Url).port);
  host = `127.0.0.1:${port}`;
  await env.client.send(new CreateBucketCommand({ Bucket: 'sig' }));
  await env.client.send(new PutObjectCommand({ Bucket: 'sig', Key: 'hello.txt', Body: 'hello' }));
});
after(async () => env.close());

const httpDate = (ms = Date.now()) => new Date(ms).toUTCString();
const objectText = async (key: string) => {
  const r = await env.client.send(new GetObjectCommand({ Bucket: 'sig', Key: key }));
  return r.Body!.transformToString();
};
const missing = async (key: string) =>
  (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'sig', Key: key })))).status === 404;

describe('SigV4 rules', () => {
  test('a request dated by a signed Date header alone (RFC 7231) is valid; an unsigned one is 403', async () => {
    const { canonicalRequest, sign, signingKey, stringToSign } = await import('../../src/auth/sigv4.ts');
    const now = Math.floor(Date.now() / 1000) * 1000;
    const date = httpDate(now);
    const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace('.000', '');
    const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' };
    const send = async (signed: string[]) => {
      const headers: Record<string, string> = { host, date, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
      const canonical = canonicalRequest({
        method: 'GET',
        rawPath: '/sig/hello.txt',
        rawQuery: '',
        headers,
        signedHeaders: signed,
        payloadHash: 'UNSIGNED-PAYLOAD',
      });
      const signature = sign(signingKey(KEYS.secret, scope), stringToSign(amzDate, scope, canonical));
      headers['authorization'] =
        `AWS4-HMAC-SHA256 Credential=${KEYS.accessKey}/${scope.date}/us-east-1/s3/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
      return sendRaw(port, { method: 'GET', path: '/sig/hello.txt', headers });
    };
    const ok = await send(['date', 'host', 'x-amz-content-sha256']);
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.body, 'hello');
    const unsigned = await send(['host', 'x-amz-content-sha256']);
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>AccessDenied<\/Code>/);
  });

  test('a signature for another region is 400 naming the expected one: AuthorizationHeaderMalformed, or AuthorizationQueryParametersError when presigned', async () => {
    const elsewhere = new S3Client({
      endpoint: env.server.s3Url,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: KEYS.accessKey, secretAccessKey: KEYS.secret },
    });
    const e = await s3Error(() => elsewhere.send(new GetObjectCommand({ Bucket: 'sig', Key: 'hello.txt' })));
    assert.deepEqual([e.code, e.status], ['AuthorizationHeaderMalformed', 400]);
    const header = await rawSigned(`${env.server.s3Url}/sig/hello.txt`, { method: 'GET', ...KEYS });
    assert.equal(header.status, 200, 'the same request signed for us-east-1 passes');
    const signed = await signRequest({
      method: 'GET',
      path: '/sig/hello.txt',
      host,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...KEYS,
    });
    const auth = signed.headers['authorization']!.replace('/us-east-1/', '/eu-west-1/');
    const raw = await sendRaw(port, {
      method: 'GET',
      path: '/sig/hello.txt',
      headers: { ...signed.headers, authorization: auth },
    });
    assert.equal(raw.status, 400);
    assert.match(raw.body, /<Code>AuthorizationHeaderMalformed<\/Code>/);
    assert.match(raw.body, /the region (&apos;|')eu-west-1\1 is wrong; expecting \1us-east-1\1/);
    assert.match(raw.body, /<Region>us-east-1<\/Region>/);

    const link = await getSignedUrl(elsewhere, new GetObjectCommand({ Bucket: 'sig', Key: 'hello.txt' }), {
      expiresIn: 60,
    });
    const q = await fetch(link);
    const body = await q.text();
    assert.equal(q.status, 400);
    assert.match(body, /<Code>AuthorizationQueryParametersError<\/Code>/);
    assert.match(body, /<Region>us-east-1<\/Region>/);
  });

  test('a header signature together with presigned parameters is 400 InvalidArgument', async () => {
    const link = await presignV4({ method: 'GET', path: '/sig/hello.txt', host, expires: 60, ...KEYS });
    for (const path of [link, '/sig/hello.txt?AWSAccessKeyId=x&Expires=9999999999&Signature=x']) {
      const r = await rawSigned(`${env.server.s3Url}${path}`, { method: 'GET', ...KEYS });
      assert.equal(r.status, 400, path);
      assert.match(r.body, /<Code>InvalidArgument<\/Code>/);
      assert.match(r.body, /Only one auth mechanism allowed/);
    }
    const both = await fetch(`${env.server.s3Url}${link}&AWSAccessKeyId=x&Expires=9999999999&Signature=x`);
    assert.equal(both.status, 400);
  });

  test('X-Amz-Expires of 0, negative or over 604800 is 403 AccessDenied, as is an expired presigned PUT; 604800 is accepted', async () => {
    const at = (expires: number | string, o: { method?: string; date?: Date; key?: string } = {}) =>
      presignV4({
        method: o.method ?? 'GET',
        path: `/sig/${o.key ?? 'hello.txt'}`,
        host,
        expires,
        date: o.date,
        ...KEYS,
      });
    for (const expires of [0, -1, 604801]) {
      const r = await fetch(`${env.server.s3Url}${await at(expires)}`);
      assert.equal(r.status, 403, String(expires));
      assert.match(await r.text(), /<Code>AccessDenied<\/Code>/);
    }
    const week = await fetch(`${env.server.s3Url}${await at(604800)}`);
    assert.equal(week.status, 200);
    const old = new Date(Date.now() - 120_000);
    const expired = await fetch(
      `${env.server.s3Url}${await at(60, { method: 'PUT', date: old, key: 'late.txt' })}`,
      {
        method: 'PUT',
        body: Buffer.from('too late'),
      },
    );
    assert.equal(expired.status, 403);
    const text = await expired.text();
    assert.match(text, /<Code>AccessDenied<\/Code>/);
    assert.match(text, /Request has expired/);
    assert.ok(await missing('late.txt'));
    const live = await fetch(`${env.server.s3Url}${await at(60, { method: 'PUT', key: 'live.txt' })}`, {
      method: 'PUT',
      body: Buffer.from('in time'),
    });
    assert.equal(live.status, 200);
    assert.equal(await objectText('live.txt'), 'in time');
  });
});
