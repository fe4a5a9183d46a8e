// An error answered while a request's body is still coming, after a handler began to read it, on a kept-alive
// connection: the answer says `Connection: close` and the connection ends, so the rest of the body never stands
// before a next request that would wait for ever; a new connection is served. A body no one began to read is Node's
// to discard, and its connection is kept. Raw sockets, as a client's keep-alive pool would reuse them.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ROOT_KEYS, signRequest } from '../helpers/s3.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const MiB = 1024 * 1024;

/** A request's bytes: its head, then `body`. */
const requestBytes = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body = Buffer.alloc(0),
) =>
  Buffer.concat([
    Buffer.from(
      `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    ),
    body,
  ]);

/**
 * Sends `first` on a new connection (a large body in two goes, below), then, once its answer is in, `second` on the
 * same one. Resolves with each
 * answer's status and Connection header, and how the connection ended: 'closed' by the server, or 'open' when it was
 * still open 3 s after the last answer or the first one (nothing more came).
 */
function onOneConnection(
  port: number,
  first: Buffer,
  second: Buffer,
): Promise<{ answers: { status: number; connection: string | undefined }[]; end: 'closed' | 'open' }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let sentSecond = false;
    let timer: NodeJS.Timeout | undefined;
    const answers = () =>
      [...text.matchAll(/HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/g)].map((m) => ({
        status: Number(m[1]),
        connection: /^connection: *(.*)$/im.exec(m[2]!)?.[1]?.trim().toLowerCase(),
      }));
    const finish = (end: 'closed' | 'open') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answers: answers(), end });
    };
    const wait = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish('open'), 3000);
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const n = answers().length;
      // The first answer's body is short XML or JSON: in once its head is and the reads settle.
      if (n === 1 && !sentSecond && socket.writable) {
        sentSecond = true;
        setTimeout(() => socket.writable && socket.write(second), 50);
      }
      wait();
    });
    socket.on('close', () => finish('closed'));
    socket.on('error', () => undefined);
    // The first request's head and its body's first 1.25 MiB (past every limit here) go at once; the rest only if no
    // answer came in 200 ms, as a client that watches for an early answer while it sends (curl, Go's net/http) stops
    // sending on one. A client still writing when the server closes can meet a reset before it reads the answer.
    const cut = Math.min(first.length, first.indexOf('\r\n\r\n') + 4 + 1.25 * MiB);
    socket.write(first.subarray(0, cut));
    if (cut < first.length)
      setTimeout(() => {
        if (answers().length === 0 && socket.writable) socket.write(first.subarray(cut));
      }, 200);
    wait();
  });
}

describe('an error answered before the body was all received', () => {
  let server: RunningServer;
  let remove: () => Promise<void>;
  before(async () => {
    const dir = await tempDir('mimeo-unread-body');
    remove = dir.remove;
    server = await startServer({ dataDir: dir.path });
    const token = await server.token();
    const r = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'unread' }),
    });
    assert.equal(r.status, 201);
  });
  after(async () => {
    await server?.stop();
    await remove?.();
  });

  test('S3: a 4 MiB versioning document past the 1 MiB limit is 400, and the connection closes after it', async () => {
    const s3 = new URL(server.s3Url);
    const signed = async (method: string, path: string, extra: Record<string, string> = {}) =>
      (
        await signRequest({
          method,
          path,
          host: s3.host,
          headers: extra,
          payloadHash: 'UNSIGNED-PAYLOAD',
          ...ROOT_KEYS,
        })
      ).headers;
    const big = Buffer.alloc(4 * MiB, 0x20);
    const first = requestBytes(
      'PUT',
      '/unread?versioning',
      { ...(await signed('PUT', '/unread?versioning')), 'content-length': String(big.length) },
      big,
    );
    const second = requestBytes('GET', '/', await signed('GET', '/'));
    const r = await onOneConnection(Number(s3.port), first, second);
    assert.equal(r.answers[0]?.status, 400);
    assert.equal(r.answers[0]?.connection, 'close');
    assert.equal(r.end, 'closed');

    // A small body, all received, keeps the connection: the next request on it is answered.
    const small = Buffer.alloc(100, 0x20);
    const kept = await onOneConnection(
      Number(s3.port),
      requestBytes(
        'PUT',
        '/unread?versioning',
        { ...(await signed('PUT', '/unread?versioning')), 'content-length': String(small.length) },
        small,
      ),
      requestBytes('GET', '/', await signed('GET', '/')),
    );
    assert.deepEqual(
      kept.answers.map((a) => a.status),
      [400, 200],
    );
  });

  test('native API: a 4 MiB JSON body past the 1 MiB limit is 413, and the connection closes after it', async () => {
    const api = new URL(server.url);
    const token = await server.token();
    const big = Buffer.from(`{"name":"${'x'.repeat(4 * MiB)}"}`);
    const first = requestBytes(
      'POST',
      '/api/v1/projects',
      {
        host: api.host,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(big.length),
      },
      big,
    );
    const second = requestBytes('GET', '/api/v1/projects', {
      host: api.host,
      authorization: `Bearer ${token}`,
    });
    const r = await onOneConnection(Number(api.port), first, second);
    assert.equal(r.answers[0]?.status, 413);
    assert.equal(r.answers[0]?.connection, 'close');
    assert.equal(r.end, 'closed');
  });
});
