// headerBytes against Node's own parser: a request that headerBytes counts one byte under a limit passes Node's
// parser at that limit, and one byte more is refused by it, whatever the shape of the request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { headerBytes, parserHeaderLimit } from './header-limit.ts';

const LIMIT = 300;

describe('headerBytes', () => {
  let server: Server;
  let port: number;

  /** The status line Node answers `request` with, and the body (headerBytes as the handler counted). */
  const send = (request: string) =>
    new Promise<{ status: number; counted: number }>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = connect(port, '127.0.0.1', () => s.write(request));
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('close', () => {
        const text = Buffer.concat(chunks).toString('latin1');
        resolve({ status: Number(text.split(' ')[1]), counted: Number(text.split('\r\n\r\n')[1]) });
      });
      s.on('error', reject);
    });

  before(async () => {
    server = createServer({ maxHeaderSize: LIMIT }, (req, res) =>
      res.end(String(headerBytes(req, req.url ?? ''))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const shapes: [what: string, line: string, fields: string][] = [
    ['a plain request', 'GET /a HTTP/1.1', 'Host: h\r\n'],
    ['a long method, HTTP/1.0', 'OPTIONS /a?b=c HTTP/1.0', 'Host: h\r\n'],
    ['an absolute-form target', 'GET http://h:9/a/b HTTP/1.1', 'Host: h\r\n'],
    ['whitespace before values, none after', 'GET /a HTTP/1.1', 'Host:    h\r\nX-A:\t\tb\r\n'],
    ['many short lines, repeated names', 'PUT /a HTTP/1.1', 'Host: h\r\n'.concat('X-A: b\r\n'.repeat(20))],
    ['an empty value', 'GET /a HTTP/1.1', 'Host: h\r\nX-Empty:\r\n'],
  ];
  for (const [what, line, fields] of shapes)
    test(`${what}: under the limit by its count passes Node's parser, at it Node refuses`, async () => {
      const request = (pad: number) =>
        `${line}\r\n${fields}X-Pad: ${'p'.repeat(pad)}\r\nConnection: close\r\n\r\n`;
      const base = await send(request(1));
      assert.equal(base.status, 200);
      // Each byte of padding is one byte of the count: this pad brings it to LIMIT - 1.
      const pad = LIMIT - base.counted;
      const under = await send(request(pad));
      assert.deepEqual(under, { status: 200, counted: LIMIT - 1 });
      assert.equal((await send(request(pad + 1))).status, 431);
    });
});

test('parserHeaderLimit: four times the limit, at most 256 KiB, never below the limit', () => {
  assert.equal(parserHeaderLimit(16_384), 65_536);
  assert.equal(parserHeaderLimit(100_000), 262_144);
  assert.equal(parserHeaderLimit(1_048_576), 1_048_576);
});
