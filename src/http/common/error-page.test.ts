// refusedRequest on the errors Node's HTTP parser really raises: the request line of the refused request when the
// bytes Node hands over hold it, and nothing otherwise.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { refusedRequest } from './error-page.ts';

const BIG = `X-Big: ${'x'.repeat(20_000)}\r\n`;

describe('refusedRequest', () => {
  let server: Server;
  let port: number;
  let refused: (err: NodeJS.ErrnoException) => void = () => {};

  /** The parser's error for the bytes of `pieces`, written with a pause between them. */
  const errorFor = (...pieces: string[]) =>
    new Promise<NodeJS.ErrnoException>((resolve) => {
      refused = resolve;
      const s = connect(port, '127.0.0.1', async () => {
        for (const [i, p] of pieces.entries()) {
          if (i > 0) await sleep(100);
          if (!s.destroyed) s.write(p);
        }
      });
      s.on('error', () => {});
      s.resume();
    });

  before(async () => {
    server = createServer({ maxHeaderSize: 16_384 }, (_req, res) => res.end('ok'));
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      refused(err);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('headers past the limit in one read: the method and the target as sent, query included', async () => {
    const err = await errorFor(`HEAD /files/files/a%20b?x=1 HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`);
    assert.equal(err.code, 'HPE_HEADER_OVERFLOW');
    assert.deepEqual(refusedRequest(err), { method: 'HEAD', url: '/files/files/a%20b?x=1' });
  });

  test('a malformed header: the request it is in', async () => {
    const err = await errorFor('PUT /compute/x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n');
    assert.deepEqual(refusedRequest(err), { method: 'PUT', url: '/compute/x' });
  });

  test('behind a request read whole in the same read: the refused one, not the first', async () => {
    const err = await errorFor(
      `GET /api/v1/a HTTP/1.1\r\nHost: a\r\n\r\nGET /files/b HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`,
    );
    assert.deepEqual(refusedRequest(err), { method: 'GET', url: '/files/b' });
  });

  test('a request line in an earlier read than the one refused: none', async () => {
    const err = await errorFor('GET /files/b HTTP/1.1\r\nHost: a\r\n', `${BIG}\r\n`);
    assert.equal(err.code, 'HPE_HEADER_OVERFLOW');
    assert.equal(refusedRequest(err), undefined);
  });

  test('an absolute-form target: its path and query, as the router reads it', () => {
    const raw = 'GET http://h:9/files/a?b=c HTTP/1.1\r\nHost: h\r\n';
    const err = Object.assign(new Error('bad'), { rawPacket: Buffer.from(raw), bytesParsed: raw.length });
    assert.deepEqual(refusedRequest(err), { method: 'GET', url: '/files/a?b=c' });
  });

  test('no bytes, or no request line with a path among them: none', () => {
    assert.equal(
      refusedRequest(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' })),
      undefined,
    );
    for (const raw of ['OPTIONS * HTTP/1.1\r\n', 'get /files/a HTTP/1.1\r\n', 'GET /files/a\r\n', 'x']) {
      const err = Object.assign(new Error('bad'), { rawPacket: Buffer.from(raw), bytesParsed: raw.length });
      assert.equal(refusedRequest(err), undefined, raw);
    }
  });
});
