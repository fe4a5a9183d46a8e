// A client that goes away mid-request (an upload cut off, a download dropped) is no server error: the log says so
// at info level and holds no line at error level ("level":50), on the native API and on the S3 port.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, presignV4, ROOT_KEYS, type S3Env } from '../helpers/s3.ts';

/**
 * Sends `head` and then `sent` bytes of a body, waits until the server has read some of it (or, for a download,
 * until `readBytes` of the answer arrived), and closes the connection.
 */
function hangUp(url: string, head: string, o: { sent?: Buffer; readBytes?: number }): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(head);
      if (o.sent) s.write(o.sent, () => setTimeout(() => s.destroy(), 200));
    });
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (o.readBytes !== undefined && got >= o.readBytes) s.destroy();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

/** Waits until `log()` matches `re`, at most a few seconds (the server logs after the socket closes). */
async function logged(log: () => string, re: RegExp, count: number): Promise<void> {
  for (let i = 0; i < 100 && (log().match(re) ?? []).length < count; i++)
    await new Promise((r) => setTimeout(r, 50));
}

describe('a client that goes away', () => {
  let env: S3Env;
  let token: string;
  const log = () => env.server.stdout() + env.server.stderr();
  const big = bytes(24 * 1024 * 1024, 9);

  before(async () => {
    env = await openS3(['--log-level', 'info']);
    token = await env.server.token();
    const auth = { authorization: `Bearer ${token}` };
    const made = await fetch(`${env.server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gone' }),
    });
    assert.equal(made.status, 201);
    const put = await fetch(`${env.server.url}/api/v1/projects/gone/files/big`, {
      method: 'PUT',
      headers: auth,
      body: big,
    });
    assert.equal(put.status, 201);
    await env.client.send(new CreateBucketCommand({ Bucket: 'gone-s3' }));
    await env.client.send(new PutObjectCommand({ Bucket: 'gone-s3', Key: 'big', Body: big }));
  });
  after(async () => {
    await env.close();
  });

  test('native API: an upload cut off (by length and chunked) and a download dropped', async () => {
    const auth = `authorization: Bearer ${token}\r\n`;
    await hangUp(
      env.server.url,
      `PUT /api/v1/projects/gone/files/cut HTTP/1.1\r\nhost: x\r\n${auth}content-length: ${big.length}\r\n\r\n`,
      { sent: big.subarray(0, 3 * 1024 * 1024) },
    );
    await hangUp(
      env.server.url,
      `PUT /api/v1/projects/gone/files/cut-chunked HTTP/1.1\r\nhost: x\r\n${auth}transfer-encoding: chunked\r\n\r\n`,
      {
        sent: Buffer.concat([
          Buffer.from('100000\r\n'),
          big.subarray(0, 0x100000),
          Buffer.from('\r\n10\r\nabc'),
        ]),
      },
    );
    const got = await hangUp(
      env.server.url,
      `GET /api/v1/projects/gone/files/big HTTP/1.1\r\nhost: x\r\n${auth}\r\n`,
      { readBytes: 1024 * 1024 },
    );
    assert.ok(got >= 1024 * 1024 && got < big.length, String(got));
    await logged(log, /"msg":"client went away"/g, 2);
    assert.equal(log().match(/"level":30[^\n]*"msg":"client went away"/g)?.length, 2, log());
    // Nothing was stored from the uploads that never finished.
    for (const name of ['cut', 'cut-chunked']) {
      const r = await fetch(`${env.server.url}/api/v1/projects/gone/files/${name}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(r.status, 404, name);
    }
  });

  test('S3: an upload cut off and a download dropped', async () => {
    const host = new URL(env.server.s3Url).host;
    const put = await presignV4({ method: 'PUT', path: '/gone-s3/cut', host, expires: 300, ...ROOT_KEYS });
    const get = await presignV4({ method: 'GET', path: '/gone-s3/big', host, expires: 300, ...ROOT_KEYS });
    const before = (log().match(/"msg":"client went away"/g) ?? []).length;
    await hangUp(
      env.server.s3Url,
      `PUT ${put} HTTP/1.1\r\nhost: ${host}\r\ncontent-length: ${big.length}\r\n\r\n`,
      {
        sent: big.subarray(0, 3 * 1024 * 1024),
      },
    );
    const got = await hangUp(env.server.s3Url, `GET ${get} HTTP/1.1\r\nhost: ${host}\r\n\r\n`, {
      readBytes: 1024 * 1024,
    });
    assert.ok(got >= 1024 * 1024 && got < big.length, String(got));
    await logged(log, /"msg":"client went away"/g, before + 1);
    assert.equal((log().match(/"msg":"client went away"/g) ?? []).length, before + 1, log());
  });

  test('none of it was logged as a server error', () => {
    assert.doesNotMatch(log(), /"level":50/);
    assert.doesNotMatch(log(), /"level":40/);
  });
});
