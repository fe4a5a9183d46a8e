// Requests to SAS paths that Node's HTTP parser refuses before any route reads them (a header section past 16 KiB,
// a malformed header), sent as raw bytes over plain HTTP: the answer is in the shape of the service whose path the
// request line names, as Node hands the refused bytes over. Over TLS that line is never among them (see
// test/e2e/sas-files.test.ts and docs/dialects/sas.md).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const FILE = '/files/files/6d696d65-6f00-8000-8fff-ffffffffff00';
const BIG = `X-Big: ${'x'.repeat(20_000)}\r\n`;

/** An answer read to the connection's end: the status, the headers (lower-case names) and the bytes after them. */
interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function parse(bytes: Buffer): Raw {
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no header section in ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const [line = '', ...fields] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const f of fields) {
    const colon = f.indexOf(':');
    headers[f.slice(0, colon).toLowerCase()] = f.slice(colon + 1).trim();
  }
  return { status: Number(line.split(' ')[1]), headers, body: bytes.subarray(end + 4) };
}

describe('SAS requests refused by the HTTP parser', () => {
  let server: RunningServer;
  let dir: { path: string; remove: () => Promise<void> };
  let port: number;

  /** Writes `pieces` (a pause between them), and resolves with every byte the server sent until it closed. */
  const exchange = (...pieces: string[]) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = connect(port, '127.0.0.1', async () => {
        for (const [i, p] of pieces.entries()) {
          if (i > 0) await sleep(100);
          s.write(p);
        }
      });
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('close', () => resolve(Buffer.concat(chunks)));
      s.on('error', reject);
    });

  /** A 431 in the SAS error shape naming `path`, whole: its Content-Length is its body's. */
  const assertSas431 = (r: Raw, path: string, errorCode = 43100) => {
    assert.equal(r.status, 431, r.body.toString());
    assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
    assert.equal(r.headers['content-length'], String(r.body.length));
    assert.equal(r.headers.connection, 'close');
    const body = JSON.parse(r.body.toString('utf8'));
    assert.equal(body.version, 2);
    assert.equal(body.httpStatusCode, 431);
    assert.equal(body.errorCode, errorCode);
    assert.equal(body.message, 'The request headers are too large.');
    assert.equal(body.details[0], `path: ${path}`);
    assert.match(body.details[1], /^correlator: [0-9a-f]{16}$/);
  };

  before(async () => {
    dir = await tempDir('mimeo-sas-transport');
    server = await startServer({ dataDir: dir.path });
    port = Number(new URL(server.url).port);
  });
  after(async () => {
    await server?.stop();
    await dir?.remove();
  });

  test('headers past 16 KiB to a Files or Compute path are a 431 in the SAS error shape, the path named', async () => {
    const r = parse(await exchange(`GET ${FILE}?x=1 HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`));
    assertSas431(r, FILE);
    const compute = '/compute/sessions/abc-ses0000/files/~fs~proj~fs~a.txt/content';
    assertSas431(parse(await exchange(`PUT ${compute} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`)), compute);
  });

  test('the other services on the port keep their own shapes: SAS Logon its OAuth body, the native API its own', async () => {
    const logon = parse(await exchange(`POST /SASLogon/oauth/token HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`));
    assert.equal(logon.status, 431);
    assert.equal(logon.headers['content-type'], 'application/json');
    assert.equal(logon.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(logon.body.toString()), {
      error: 'invalid_request',
      error_description: 'The request headers are too large.',
    });
    const native = parse(await exchange(`GET /api/v1/projects HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`));
    assert.equal(native.status, 431);
    assert.equal(JSON.parse(native.body.toString()).error.code, 'RequestHeaderSectionTooLarge');
  });

  test("a HEAD past 16 KiB gets the GET's status and headers, Content-Length included, and no body", async () => {
    const get = parse(await exchange(`GET ${FILE} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`));
    const head = parse(await exchange(`HEAD ${FILE} HTTP/1.1\r\nHost: a\r\n${BIG}\r\n`));
    assert.equal(head.status, 431);
    assert.equal(head.headers['content-type'], 'application/vnd.sas.error+json');
    assert.equal(head.headers['content-length'], get.headers['content-length']);
    assert.equal(head.body.length, 0);
  });

  test('a malformed header to a SAS path is a 400 in the SAS error shape', async () => {
    const r = parse(await exchange(`GET ${FILE} HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n`));
    assert.equal(r.status, 400, r.body.toString());
    assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
    const body = JSON.parse(r.body.toString());
    assert.equal(body.errorCode, 40000);
    assert.equal(body.details[0], `path: ${FILE}`);
  });

  test('a header section that came in several reads, its request line in an earlier one, gets the native shape', async () => {
    const r = parse(await exchange(`GET ${FILE} HTTP/1.1\r\nHost: a\r\n`, `${BIG}\r\n`));
    assert.equal(r.status, 431);
    assert.equal(JSON.parse(r.body.toString()).error.code, 'RequestHeaderSectionTooLarge');
  });
});
