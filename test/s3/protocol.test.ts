// S3 wire protocol: signed and unsigned aws-chunked bodies with trailers, payload hashes, virtual-hosted
// addressing, and protection against slow or oversized requests.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { chunkedBody, openS3, ROOT_KEYS, type S3Env, s3Error, sendRaw, signRequest } from '../helpers/s3.ts';

let env: S3Env;
let port: number;
before(async () => {
  env = await openS3(['--domain', 's3.mimeo.test', '--header-timeout', '1', '--idle-timeout', '2']);
  port = Number(new URL(env.server.s3Url).port);
  await env.client.send(new CreateBucketCommand({ Bucket: 'wire' }));
});
after(async () => env.close());

const crc32b64 = (b: Buffer) => {
  const x = Buffer.alloc(4);
  x.writeUInt32BE(crc32(b) >>> 0);
  return x.toString('base64');
};
const get = async (key: string) => {
  const r = await env.client.send(new GetObjectCommand({ Bucket: 'wire', Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
};

describe('aws-chunked bodies', () => {
  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signature checked; a tampered chunk is 403 and stores nothing', async () => {
    const chunks = [bytes(65_536, 1), bytes(65_536, 2), bytes(1000, 3)];
    const data = Buffer.concat(chunks);
    for (const tamper of [undefined, 1]) {
      const path = `/wire/signed-${tamper ?? 'ok'}`;
      const s = await signRequest({
        method: 'PUT',
        path,
        host: `127.0.0.1:${port}`,
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) },
        ...ROOT_KEYS,
      });
      const body = await chunkedBody(chunks, { signing: s, tamper });
      const r = await sendRaw(port, {
        method: 'PUT',
        path,
        headers: { ...s.headers, 'content-length': String(body.length) },
        body,
      });
      if (tamper === undefined) {
        assert.equal(r.status, 200, r.body);
        assert.deepEqual(await get('signed-ok'), data);
        const h = await env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: 'signed-ok' }));
        assert.equal(h.ContentEncoding, undefined, 'aws-chunked is not stored as the content encoding');
      } else {
        assert.equal(r.status, 403);
        assert.match(r.body, /SignatureDoesNotMatch/);
        assert.equal(
          (
            await s3Error(() =>
              env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: `signed-${tamper}` })),
            )
          ).status,
          404,
        );
      }
    }
  });

  test('signed chunks with a signed trailer carrying a CRC32', async () => {
    const chunks = [bytes(70_000, 5), bytes(10, 6)];
    const data = Buffer.concat(chunks);
    const s = await signRequest({
      method: 'PUT',
      path: '/wire/signed-trailer',
      host: `127.0.0.1:${port}`,
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
      ...ROOT_KEYS,
    });
    const body = await chunkedBody(chunks, {
      signing: s,
      trailers: { 'x-amz-checksum-crc32': crc32b64(data) },
    });
    const r = await sendRaw(port, {
      method: 'PUT',
      path: '/wire/signed-trailer',
      headers: { ...s.headers, 'content-length': String(body.length) },
      body,
    });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(await get('signed-trailer'), data);
  });

  test('STREAMING-UNSIGNED-PAYLOAD-TRAILER: a right trailing CRC32 stores; a wrong one is 400 BadDigest and stores nothing', async () => {
    const data = bytes(100_000, 7);
    for (const [name, sum] of [
      ['trailer-ok', crc32b64(data)],
      ['trailer-bad', crc32b64(Buffer.from('other'))],
    ] as const) {
      const s = await signRequest({
        method: 'PUT',
        path: `/wire/${name}`,
        host: `127.0.0.1:${port}`,
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(data.length),
          'x-amz-trailer': 'x-amz-checksum-crc32',
        },
        ...ROOT_KEYS,
      });
      const body = await chunkedBody([data.subarray(0, 65_536), data.subarray(65_536)], {
        trailers: { 'x-amz-checksum-crc32': sum },
      });
      const r = await sendRaw(port, {
        method: 'PUT',
        path: `/wire/${name}`,
        headers: { ...s.headers, 'content-length': String(body.length) },
        body,
      });
      if (name === 'trailer-ok') {
        assert.equal(r.status, 200, r.body);
        assert.deepEqual(await get(name), data);
      } else {
        assert.equal(r.status, 400);
        assert.match(r.body, /<Code>BadDigest<\/Code>/);
        assert.equal(
          (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: name })))).status,
          404,
        );
      }
    }
  });

  test('DeleteObjects with its CRC32 in a trailer of an aws-chunked body: a right one deletes, a wrong one is 400 BadDigest', async () => {
    await env.client.send(new PutObjectCommand({ Bucket: 'wire', Key: 'trailed-delete', Body: 'x' }));
    const xml = Buffer.from('<Delete><Object><Key>trailed-delete</Key></Object></Delete>');
    const send = async (sum: string) => {
      const s = await signRequest({
        method: 'POST',
        path: '/wire?delete',
        host: `127.0.0.1:${port}`,
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(xml.length),
          'x-amz-trailer': 'x-amz-checksum-crc32',
        },
        ...ROOT_KEYS,
      });
      const body = await chunkedBody([xml], { trailers: { 'x-amz-checksum-crc32': sum } });
      return sendRaw(port, {
        method: 'POST',
        path: '/wire?delete',
        headers: { ...s.headers, 'content-length': String(body.length) },
        body,
      });
    };
    const wrong = await send(crc32b64(Buffer.from('other')));
    assert.equal(wrong.status, 400, wrong.body);
    assert.match(wrong.body, /<Code>BadDigest<\/Code>/);
    assert.equal(
      (await env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: 'trailed-delete' }))).ContentLength,
      1,
    );
    const right = await send(crc32b64(xml));
    assert.equal(right.status, 200, right.body);
    assert.match(right.body, /<Deleted><Key>trailed-delete<\/Key><\/Deleted>/);
    assert.equal(
      (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: 'trailed-delete' }))))
        .status,
      404,
    );
  });

  test('an aws-chunked body without x-amz-decoded-content-length is stored at the length it decodes to', async () => {
    const data = bytes(100_000, 8);
    for (const payloadHash of ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD']) {
      const path = `/wire/undeclared-${payloadHash.length}`;
      const trailer = payloadHash.endsWith('TRAILER');
      const s = await signRequest({
        method: 'PUT',
        path,
        host: `127.0.0.1:${port}`,
        payloadHash,
        headers: trailer
          ? { 'content-encoding': 'aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32' }
          : { 'content-encoding': 'aws-chunked' },
        ...ROOT_KEYS,
      });
      const body = await chunkedBody([data.subarray(0, 65_536), data.subarray(65_536)], {
        signing: trailer ? undefined : s,
        trailers: trailer ? { 'x-amz-checksum-crc32': crc32b64(data) } : undefined,
      });
      // Content-Length counts the framing, as the client sends it.
      const r = await sendRaw(port, {
        method: 'PUT',
        path,
        headers: { ...s.headers, 'content-length': String(body.length) },
        body,
      });
      assert.equal(r.status, 200, `${payloadHash}: ${r.body}`);
      assert.deepEqual(await get(path.slice('/wire/'.length)), data, payloadHash);
    }
  });

  test('a declared trailer that does not come, or another in its place, is 400 MalformedTrailerError and stores nothing', async () => {
    const data = bytes(30_000, 9);
    const crc32c = Buffer.alloc(4).toString('base64');
    const cases: [string, string, Record<string, string>, boolean?][] = [
      ['no-trailer', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', {}],
      ['other-trailer', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'x-amz-checksum-crc32': crc32b64(data) }],
      ['signed-no-trailer', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', {}],
      // The trailer, but not its signature.
      [
        'signed-unsigned-trailer',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        { 'x-amz-checksum-crc32c': crc32c },
        true,
      ],
    ];
    for (const [name, payloadHash, trailers, dropSignature] of cases) {
      const s = await signRequest({
        method: 'PUT',
        path: `/wire/${name}`,
        host: `127.0.0.1:${port}`,
        payloadHash,
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(data.length),
          'x-amz-trailer': 'x-amz-checksum-crc32c',
        },
        ...ROOT_KEYS,
      });
      const signed = payloadHash.startsWith('STREAMING-AWS4');
      const encoded = await chunkedBody([data], { trailers, ...(signed ? { signing: s } : {}) });
      const body = dropSignature
        ? Buffer.from(
            encoded.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''),
            'latin1',
          )
        : encoded;
      if (dropSignature)
        assert.ok(body.length < encoded.length, 'the trailer signature was not there to drop');
      const r = await sendRaw(port, {
        method: 'PUT',
        path: `/wire/${name}`,
        headers: { ...s.headers, 'content-length': String(body.length) },
        body,
      });
      assert.equal(r.status, 400, `${name}: ${r.body}`);
      assert.match(r.body, /<Code>MalformedTrailerError<\/Code>/, name);
      assert.equal(
        (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: name })))).status,
        404,
        name,
      );
    }
  });

  test('a trailer of another algorithm than x-amz-sdk-checksum-algorithm names is 400 InvalidRequest', async () => {
    const data = bytes(1000, 10);
    const s = await signRequest({
      method: 'PUT',
      path: '/wire/named-other',
      host: `127.0.0.1:${port}`,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-sdk-checksum-algorithm': 'CRC32',
        'x-amz-trailer': 'x-amz-checksum-crc32c',
      },
      ...ROOT_KEYS,
    });
    const body = await chunkedBody([data], {
      trailers: { 'x-amz-checksum-crc32c': Buffer.alloc(4).toString('base64') },
    });
    const r = await sendRaw(port, {
      method: 'PUT',
      path: '/wire/named-other',
      headers: { ...s.headers, 'content-length': String(body.length) },
      body,
    });
    assert.equal(r.status, 400, r.body);
    assert.match(r.body, /<Code>InvalidRequest<\/Code>/);
  });

  test('the SDK streaming a body of known length (its default trailer checksum) round-trips', async () => {
    const data = bytes(3 * 1024 * 1024 + 5, 8);
    const put = await env.client.send(
      new PutObjectCommand({
        Bucket: 'wire',
        Key: 'sdk-stream',
        Body: Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]),
        ContentLength: data.length,
      }),
    );
    assert.ok(put.ETag);
    assert.deepEqual(await get('sdk-stream'), data);
  });

  test('a signed payload whose SHA-256 differs is 400 XAmzContentSHA256Mismatch and stores nothing', async () => {
    const body = Buffer.from('the real body');
    const s = await signRequest({
      method: 'PUT',
      path: '/wire/hash',
      host: `127.0.0.1:${port}`,
      payloadHash: createHash('sha256').update('another body').digest('hex'),
      ...ROOT_KEYS,
    });
    const r = await sendRaw(port, {
      method: 'PUT',
      path: '/wire/hash',
      headers: { ...s.headers, 'content-length': String(body.length) },
      body,
    });
    assert.equal(r.status, 400);
    assert.match(r.body, /XAmzContentSHA256Mismatch/);
    assert.equal(
      (await s3Error(() => env.client.send(new HeadObjectCommand({ Bucket: 'wire', Key: 'hash' })))).status,
      404,
    );
  });
});

describe('addressing and limits', () => {
  test('virtual-hosted style for a configured domain', async () => {
    const host = `wire.s3.mimeo.test:${port}`;
    const body = Buffer.from('virtual');
    const put = await signRequest({
      method: 'PUT',
      path: '/v/key.txt',
      host,
      payloadHash: createHash('sha256').update(body).digest('hex'),
      ...ROOT_KEYS,
    });
    assert.equal(
      (
        await sendRaw(port, {
          method: 'PUT',
          path: '/v/key.txt',
          headers: { ...put.headers, 'content-length': String(body.length) },
          body,
        })
      ).status,
      200,
    );
    assert.deepEqual(await get('v/key.txt'), body);
    const list = await signRequest({
      method: 'GET',
      path: '/?list-type=2&prefix=v%2F',
      host,
      payloadHash: createHash('sha256').update('').digest('hex'),
      ...ROOT_KEYS,
    });
    const r = await sendRaw(port, {
      method: 'GET',
      path: '/?list-type=2&prefix=v%2F',
      headers: list.headers,
    });
    assert.match(r.body, /<Key>v\/key.txt<\/Key>/);
  });

  test("a multipart upload's Location is the object's URL as the client addressed it, the key form-encoded", async () => {
    const host = `wire.s3.mimeo.test:${port}`;
    const path = '/v/mp%20a/b.bin';
    const send = async (method: string, target: string, body = Buffer.alloc(0)) => {
      const signed = await signRequest({
        method,
        path: target,
        host,
        payloadHash: createHash('sha256').update(body).digest('hex'),
        ...ROOT_KEYS,
      });
      const headers = { ...signed.headers, 'content-length': String(body.length) };
      return sendRaw(port, { method, path: target, headers, body });
    };
    const init = await send('POST', `${path}?uploads=`);
    assert.equal(init.status, 200, init.body);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const part = await send(
      'PUT',
      `${path}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      Buffer.from('one part'),
    );
    assert.equal(part.status, 200, part.body);
    const etag = String(part.headers['etag']);
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await send('POST', `${path}?uploadId=${encodeURIComponent(uploadId)}`, Buffer.from(xml));
    assert.equal(done.status, 200, done.body);
    // Virtual-hosted: the bucket is in the host, the key alone in the path ('/' as %2F, a space as '+', as S3 writes it).
    assert.match(done.body, new RegExp(`<Location>http://${host}/v%2Fmp\\+a%2Fb\\.bin</Location>`));
    assert.match(done.body, /<Bucket>wire<\/Bucket><Key>v\/mp a\/b\.bin<\/Key>/);
  });

  test('oversized headers are refused with 431', async () => {
    const r = await fetch(`${env.server.s3Url}/wire/x`, {
      headers: { 'x-amz-meta-big': 'x'.repeat(20_000) },
    });
    assert.equal(r.status, 431);
  });

  test('slow-loris: a client that never finishes its headers, or goes idle, is disconnected', async () => {
    const closedAfter = (script: (s: import('node:net').Socket) => void) =>
      new Promise<number>((resolve, reject) => {
        const t0 = Date.now();
        const s = connect(port, '127.0.0.1', () => script(s));
        s.on('error', () => {});
        // Read what the server sends (its 408), so the end of the stream is seen.
        s.resume();
        // The server ending its side (after its 408) is the proof; the client's own close may lag behind.
        const done = () => {
          clearTimeout(timer);
          s.destroy();
          resolve(Date.now() - t0);
        };
        s.once('end', done);
        s.once('close', done);
        const timer = setTimeout(() => {
          s.destroy();
          reject(new Error('the server kept a stalled connection open'));
        }, 8000);
      });
    const headersMs = await closedAfter((s) => s.write('GET /wire/x HTTP/1.1\r\nHost: a\r\n'));
    assert.ok(headersMs < 4000, `closed after ${headersMs} ms`);
    const idleMs = await closedAfter(() => {});
    assert.ok(idleMs < 5000, `idle socket closed after ${idleMs} ms`);
  });
});

describe('Host', () => {
  /** Sends `head` as it is on a new connection and reads the answer to the end. */
  const exchange = (to: number, head: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(to, '127.0.0.1', () => s.write(head));
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
      setTimeout(() => s.end(), 3000).unref();
    });

  test('an HTTP/1.1 request without Host is 400 in the shape of the API it was sent to', async () => {
    const s3 = await exchange(port, 'GET /wire HTTP/1.1\r\n\r\n');
    assert.match(s3, /^HTTP\/1\.1 400 /);
    assert.match(s3, /\r\ncontent-type: application\/xml/i);
    assert.match(
      s3,
      /<Error><Code>BadRequest<\/Code><Message>An HTTP\/1\.1 request must carry a Host header\.<\/Message>/,
    );
    const apiPort = Number(new URL(env.server.url).port);
    const api = await exchange(apiPort, 'GET /api/v1/projects HTTP/1.1\r\n\r\n');
    assert.match(api, /^HTTP\/1\.1 400 /);
    const body = JSON.parse(api.slice(api.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'BadRequest');
    // HTTP/1.0 needs none: the request goes on (here, anonymous, to S3's refusal).
    const old = await exchange(port, 'GET /wire HTTP/1.0\r\n\r\n');
    assert.match(old, /^HTTP\/1\.1 403 /);
    assert.match(old, /<Code>AccessDenied<\/Code>/);
  });
});
