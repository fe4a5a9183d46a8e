// S3 request signatures against the real server: the SigV4 rules S3 enforces (the server's region, a request
// dated by Date, one auth mechanism at a time, presigned lifetimes), and Expect: 100-continue answered only once
// the request has been authenticated and checked.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bytes } from '../helpers/data.ts';
import {
  isMissing,
  openS3,
  presignV4,
  ROOT_KEYS,
  rawSigned,
  objectText as read,
  type S3Env,
  s3Error,
  sendRaw,
  signRequest,
} from '../helpers/s3.ts';

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
const objectText = (key: string) => read(env.client, 'sig', key);
const missing = (key: string) => isMissing(env.client, 'sig', key);

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
      const signature = sign(signingKey(ROOT_KEYS.secret, scope), stringToSign(amzDate, scope, canonical));
      headers['authorization'] =
        `AWS4-HMAC-SHA256 Credential=${ROOT_KEYS.accessKey}/${scope.date}/us-east-1/s3/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
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
      credentials: { accessKeyId: ROOT_KEYS.accessKey, secretAccessKey: ROOT_KEYS.secret },
    });
    const e = await s3Error(() => elsewhere.send(new GetObjectCommand({ Bucket: 'sig', Key: 'hello.txt' })));
    assert.deepEqual([e.code, e.status], ['AuthorizationHeaderMalformed', 400]);
    const header = await rawSigned(`${env.server.s3Url}/sig/hello.txt`, { method: 'GET', ...ROOT_KEYS });
    assert.equal(header.status, 200, 'the same request signed for us-east-1 passes');
    const signed = await signRequest({
      method: 'GET',
      path: '/sig/hello.txt',
      host,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...ROOT_KEYS,
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

  test('a presigned URL that does not sign the host is 400 AuthorizationQueryParametersError; one that does reads', async () => {
    const signed = await presignV4({
      method: 'GET',
      path: '/sig/hello.txt',
      host,
      expires: 60,
      ...ROOT_KEYS,
    });
    assert.equal((await fetch(`${env.server.s3Url}${signed}`)).status, 200);
    const unsigned = await presignV4({
      method: 'GET',
      path: '/sig/hello.txt',
      host,
      expires: 60,
      signedHeaders: [],
      ...ROOT_KEYS,
    });
    const r = await fetch(`${env.server.s3Url}${unsigned}`);
    const body = await r.text();
    assert.equal(r.status, 400, body);
    assert.match(body, /<Code>AuthorizationQueryParametersError<\/Code>/);
    assert.match(body, /The host header must be signed/);
  });

  test('a header signature together with presigned parameters is 400 InvalidArgument', async () => {
    const link = await presignV4({ method: 'GET', path: '/sig/hello.txt', host, expires: 60, ...ROOT_KEYS });
    for (const path of [link, '/sig/hello.txt?AWSAccessKeyId=x&Expires=9999999999&Signature=x']) {
      const r = await rawSigned(`${env.server.s3Url}${path}`, { method: 'GET', ...ROOT_KEYS });
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
        ...ROOT_KEYS,
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

/** A connection that sends `head`, then the body only after a 100 Continue; ends when the server closes it or after `waitMs`. */
function expectExchange(
  head: string,
  body: Buffer,
  waitMs = 3000,
): Promise<{ text: string; sentBody: boolean; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let text = '';
    let sentBody = false;
    const done = (closedByServer: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ text, sentBody, closedByServer });
    };
    const timer = setTimeout(() => done(false), waitMs);
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (!sentBody && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sentBody = true;
        sock.write(body);
      }
    });
    sock.on('end', () => done(true));
    sock.on('error', reject);
    sock.write(head);
  });
}

const requestHead = (method: string, path: string, headers: Record<string, string>) =>
  `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

describe('Expect', () => {
  test('an expectation other than 100-continue is ignored, not refused with 417', async () => {
    const s = await signRequest({
      method: 'GET',
      path: '/sig/hello.txt',
      host,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...ROOT_KEYS,
    });
    const r = await sendRaw(port, {
      method: 'GET',
      path: '/sig/hello.txt',
      headers: { ...s.headers, expect: 'something-else' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'hello');
  });

  test('100-continue: a refused request is answered 403 without its body and its connection closed; a valid one continues', async () => {
    const body = Buffer.from('expected body');
    const wrong = await signRequest({
      method: 'PUT',
      path: '/sig/expect/refused.txt',
      host,
      payloadHash: 'UNSIGNED-PAYLOAD',
      accessKey: ROOT_KEYS.accessKey,
      secret: 'not the secret',
    });
    for (const [headers, code] of [
      [wrong.headers, 'SignatureDoesNotMatch'],
      [{ host }, 'AccessDenied'],
    ] as const) {
      const r = await expectExchange(
        requestHead('PUT', '/sig/expect/refused.txt', {
          ...headers,
          'content-length': String(body.length),
          expect: '100-continue',
        }),
        body,
      );
      assert.ok(!r.text.includes('100 Continue'), r.text);
      assert.match(r.text, /^HTTP\/1\.1 403 /);
      assert.match(r.text, new RegExp(`<Code>${code}</Code>`));
      assert.equal(r.sentBody, false);
      assert.equal(
        r.closedByServer,
        true,
        'the server closes the connection instead of waiting for the body',
      );
    }
    assert.ok(await missing('expect/refused.txt'));

    const ok = await signRequest({
      method: 'PUT',
      path: '/sig/expect/valid.txt',
      host,
      payloadHash: 'UNSIGNED-PAYLOAD',
      ...ROOT_KEYS,
    });
    const r = await expectExchange(
      requestHead('PUT', '/sig/expect/valid.txt', {
        ...ok.headers,
        'content-length': String(body.length),
        expect: '100-continue',
        connection: 'close',
      }),
      body,
    );
    assert.equal(r.sentBody, true, r.text);
    assert.match(r.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    assert.equal(await objectText('expect/valid.txt'), 'expected body');

    // The SDK sends Expect: 100-continue with large bodies, and uploads once it has its 100 Continue.
    const sent: string[] = [];
    env.client.middlewareStack.add(
      (next) => async (args) => {
        const h = (args.request as { headers?: Record<string, string> }).headers ?? {};
        sent.push(h['Expect'] ?? h['expect'] ?? '');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordExpect' },
    );
    try {
      const data = bytes(3 * 1024 * 1024, 4);
      await env.client.send(new PutObjectCommand({ Bucket: 'sig', Key: 'expect/sdk.bin', Body: data }));
      assert.deepEqual(sent, ['100-continue']);
      const back = await env.client.send(new GetObjectCommand({ Bucket: 'sig', Key: 'expect/sdk.bin' }));
      assert.deepEqual(Buffer.from(await back.Body!.transformToByteArray()), data);
    } finally {
      env.client.middlewareStack.remove('recordExpect');
    }
  });
});
