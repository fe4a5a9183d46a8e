// The API port's limit on a request's header section, 16 KiB counted as Node's parser counts (the request target and
// each header's name and value), over plain HTTP and over TLS, with requests written as raw bytes: one byte under it
// a request is served, at it every dialect answers 431 in its own shape, and far past it Node still refuses with 431.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { API_DIALECTS } from '../../src/http/dialects.ts';
import { type RawAnswer, type RawTarget, rawRequest } from '../helpers/raw-http.ts';
import { CREDS, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const LIMIT = 16_384;
const MESSAGE = 'The request headers are too large.';

/** A request with `headers`, padded by `pads` more headers so that Node's count of its header section is `count`. */
function sized(o: { line: string; headers: [string, string][]; count: number; pads?: number }): string {
  const target = o.line.split(' ')[1]!;
  const pads = o.pads ?? 1;
  const names = Array.from({ length: pads }, (_, i) => `X-Pad-${i}`);
  const fixed = [...o.headers, ...names.map((n): [string, string] => [n, ''])].reduce(
    (n, [k, v]) => n + k.length + v.length,
    target.length,
  );
  const room = o.count - fixed;
  assert.ok(room >= pads, `no room for ${pads} pads`);
  const fields = [
    ...o.headers,
    ...names.map((n, i): [string, string] => [
      n,
      'p'.repeat(Math.floor(room / pads) + (i < room % pads ? 1 : 0)),
    ]),
  ];
  return `${o.line}\r\n${fields.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** Each API dialect: a path of its own, and the check that an answer is its 431. */
const SHAPES: Record<string, { path: string; check(r: RawAnswer, body: Record<string, unknown>): void }> = {
  native: {
    path: '/api/v1/projects',
    check: (_r, b) => assert.equal((b.error as { code: string }).code, 'RequestHeaderSectionTooLarge'),
  },
  qumulo: {
    path: '/v1/files/%2F/entries/',
    check: (_r, b) => assert.deepEqual([b.error_class, b.description], ['http_request_error', MESSAGE]),
  },
  sevenbridges: {
    path: '/v2/files?project=a/b',
    check: (_r, b) => assert.deepEqual([b.status, b.code, b.message], [431, 9000, MESSAGE]),
  },
  'sas-logon': {
    path: '/SASLogon/oauth/token',
    check: (r, b) => {
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.deepEqual(b, { error: 'invalid_request', error_description: MESSAGE });
    },
  },
  'sas-files': {
    path: '/folders/folders/6d696d65-6f00-8000-8fff-ffffffffff00',
    check: (r, b) => {
      assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
      assert.deepEqual([b.httpStatusCode, b.errorCode, b.message], [431, 43100, MESSAGE]);
    },
  },
  'sas-compute': {
    path: '/compute/contexts',
    check: (r, b) => {
      assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json');
      assert.deepEqual([b.httpStatusCode, b.errorCode, b.message], [431, 43100, MESSAGE]);
      assert.equal((b.details as string[])[0], 'path: /compute/contexts');
    },
  },
};

test('every dialect of the API port has a path here', () => {
  assert.deepEqual(API_DIALECTS.map((d) => d.name).sort(), Object.keys(SHAPES).sort());
});

for (const tls of [false, true]) {
  describe(`the header limit over ${tls ? 'TLS' : 'plain HTTP'}`, () => {
    let server: RunningServer;
    let dir: { path: string; remove: () => Promise<void> };
    let target: RawTarget;
    let token: string;
    const send = (...pieces: string[]) => rawRequest(target, ...pieces);

    before(async () => {
      dir = await tempDir('mimeo-header-limit');
      server = await startServer({ dataDir: dir.path, args: tls ? ['--tls', 'self-signed'] : [] });
      const certPath = /tls certificate (\S+)/.exec(server.stdout())?.[1];
      target = { url: server.url, ca: certPath ? readFileSync(certPath, 'utf8') : undefined };
      const login = JSON.stringify({
        accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY,
        secret: CREDS.MIMEO_ROOT_SECRET_KEY,
      });
      const r = await send(
        'POST /api/v1/auth/token HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${login.length}\r\nConnection: close\r\n\r\n${login}`,
      );
      assert.equal(r.status, 201, r.body.toString());
      token = JSON.parse(r.body.toString()).token;
    });
    after(async () => {
      await server?.stop();
      await dir?.remove();
    });

    test('20 KiB of headers are a 431 in the shape of the API the path names, and the connection closes', async () => {
      for (const [name, shape] of Object.entries(SHAPES)) {
        for (const method of ['GET', 'POST']) {
          const r = await send(
            `${method} ${shape.path} HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20_480)}\r\n\r\n`,
          );
          const what = `${name}: ${method} ${shape.path}`;
          assert.equal(r.status, 431, `${what}: ${r.body}`);
          assert.match(r.headers['content-type'] ?? '', /json/, what);
          assert.equal(r.headers['content-length'], String(r.body.length), what);
          assert.equal(r.headers.connection, 'close', what);
          shape.check(r, JSON.parse(r.body.toString()));
        }
      }
    });

    test('one byte under the limit is served and the limit itself is refused, however many lines carry it', async () => {
      const bearer: [string, string] = ['Authorization', `Bearer ${token}`];
      const cases = [
        { line: 'GET /compute/contexts HTTP/1.1', headers: [['Host', 'a'], bearer], shape: 'sas-compute' },
        { line: 'GET /v1/version HTTP/1.1', headers: [['Host', 'a']], shape: 'qumulo' },
      ] as const;
      for (const c of cases)
        for (const pads of [1, 200]) {
          const headers = [...c.headers, ['Connection', 'close']] as [string, string][];
          const under = await send(sized({ line: c.line, headers, count: LIMIT - 1, pads }));
          assert.equal(under.status, 200, `${c.line}, ${pads} pads: ${under.body}`);
          const at = await send(sized({ line: c.line, headers, count: LIMIT, pads }));
          assert.equal(at.status, 431, `${c.line}, ${pads} pads: ${at.body}`);
          SHAPES[c.shape]!.check(at, JSON.parse(at.body.toString()));
        }
    });

    test('far past the limit the parser still refuses: a 431 with a JSON body, and the connection closes', async () => {
      const r = await send(
        `GET /compute/contexts HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(300_000)}\r\n\r\n`,
      );
      assert.equal(r.status, 431, r.body.toString());
      assert.equal(r.headers.connection, 'close');
      assert.equal(r.headers['content-length'], String(r.body.length));
      assert.ok(JSON.parse(r.body.toString()));
    });

    test('none of the above was a server error', () => {
      assert.doesNotMatch(server.stdout() + server.stderr(), /"level":50/);
    });
  });
}
