// Requests to SAS paths refused before any route reads them (a header section past 16 KiB, a malformed header),
// sent as raw bytes over plain HTTP and over TLS: the answer is in the shape of the service whose path the request
// line names, whether the header section came in one read or several (over TLS it always comes in several).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type RawAnswer, type RawTarget, rawRequest } from '../helpers/raw-http.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const FILE = '/files/files/6d696d65-6f00-8000-8fff-ffffffffff00';
const BIG = `X-Big: ${'x'.repeat(20_000)}\r\n`;

/** A 431 in the SAS error shape naming `path`, whole: its Content-Length is its body's. */
function assertSas431(r: RawAnswer, path: string): void {
  assert.equal(r.status, 431, r.body.toString());
  assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
  assert.equal(r.headers['content-length'], String(r.body.length));
  assert.equal(r.headers.connection, 'close');
  const body = JSON.parse(r.body.toString('utf8'));
  assert.equal(body.version, 2);
  assert.equal(body.httpStatusCode, 431);
  assert.equal(body.errorCode, 43100);
  assert.equal(body.message, 'The request headers are too large.');
  assert.equal(body.details[0], `path: ${path}`);
  assert.match(body.details[1], /^correlator: [0-9a-f]{16}$/);
}

for (const tls of [false, true]) {
  describe(`SAS requests refused before a route reads them, over ${tls ? 'TLS' : 'plain HTTP'}`, () => {
    let server: RunningServer;
    let dir: { path: string; remove: () => Promise<void> };
    let target: RawTarget;
    const send = (...pieces: string[]) => rawRequest(target, ...pieces);

    before(async () => {
      dir = await tempDir('mimeo-sas-transport');
      server = await startServer({ dataDir: dir.path, args: tls ? ['--tls', 'self-signed'] : [] });
      const certPath = /tls certificate (\S+)/.exec(server.stdout())?.[1];
      target = { url: server.url, ca: certPath ? readFileSync(certPath, 'utf8') : undefined };
    });
    after(async () => {
      await server?.stop();
      await dir?.remove();
    });

    test('headers past 16 KiB to a Files or Compute path are a 431 in the SAS error shape, the path named', async () => {
      assertSas431(await send(`GET ${FILE}?x=1 HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`), FILE);
      const compute = '/compute/sessions/abc-ses0000/files/~fs~proj~fs~a.txt/content';
      assertSas431(await send(`PUT ${compute} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`), compute);
    });

    test('the other services on the port keep their own shapes: SAS Logon its OAuth body, the native API its own', async () => {
      const logon = await send(`POST /SASLogon/oauth/token HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`);
      assert.equal(logon.status, 431);
      assert.equal(logon.headers['content-type'], 'application/json');
      assert.equal(logon.headers['cache-control'], 'no-store');
      assert.deepEqual(JSON.parse(logon.body.toString()), {
        error: 'invalid_request',
        error_description: 'The request headers are too large.',
      });
      const native = await send(`GET /api/v1/projects HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`);
      assert.equal(native.status, 431);
      assert.equal(JSON.parse(native.body.toString()).error.code, 'RequestHeaderSectionTooLarge');
    });

    test("a HEAD past 16 KiB gets the GET's status and headers, Content-Length included, and no body", async () => {
      const get = await send(`GET ${FILE} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`);
      const head = await send(`HEAD ${FILE} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`);
      assert.equal(head.status, 431);
      assert.equal(head.headers['content-type'], 'application/vnd.sas.error+json');
      assert.equal(head.headers['content-length'], get.headers['content-length']);
      assert.equal(head.body.length, 0);
    });

    test('a malformed header to a SAS path is a 400 in the SAS error shape', async () => {
      const r = await send(`GET ${FILE} HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n`);
      assert.equal(r.status, 400, r.body.toString());
      assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
      const body = JSON.parse(r.body.toString());
      assert.equal(body.errorCode, 40000);
      assert.equal(body.details[0], `path: ${FILE}`);
    });

    test('a header section that came in several reads, its request line in an earlier one, gets the SAS shape', async () => {
      assertSas431(await send(`GET ${FILE} HTTP/1.1\r\nHost: a\r\n`, `${BIG}\r\n`), FILE);
    });
  });
}
