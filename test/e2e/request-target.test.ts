// The request target in its other forms: an absolute-form target (RFC 9112 section 3.2.2) and a path whose API
// prefix is percent-encoded (`/%66iles`, RFC 3986 section 6.2.2.2) are answered as the plain path is, by the API
// that owns it, in its own error shape, never with a 500. And an Expect header the server cannot meet, answered by
// that API too.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

interface Raw {
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
}

/** One request written as bytes, read to the end of the connection. */
function rawRequest(port: number, text: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const at = all.indexOf('\r\n\r\n');
      const head = all.slice(0, at);
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = all.slice(at + 4);
      if (headers['transfer-encoding'] === 'chunked') {
        let out = '';
        for (let rest = body; ; ) {
          const nl = rest.indexOf('\r\n');
          const size = Number.parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status: Number(head.split(' ')[1]), head, headers, body });
    });
    socket.end(text);
  });
}

/** A body with its per-request parts (ids, times) blanked, for comparing two answers. */
const stable = (body: string) =>
  body
    .replace(/"(requestId|request_id|id|timestamp|time)"\s*:\s*"[^"]*"/g, '"$1":"-"')
    .replace(/[0-9a-f]{16}/g, '-');

describe('request targets in other forms', () => {
  let s: RunningServer;
  let dir: { path: string; remove(): Promise<void> };
  let port: number;
  let token: string;

  before(async () => {
    dir = await tempDir('mimeo-request-target');
    s = await startServer({ dataDir: dir.path });
    port = Number(new URL(s.url).port);
    token = await s.token();
    const made = await fetch(`${s.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'targets' }),
    });
    assert.equal(made.status, 201);
  });
  after(async () => {
    await s.stop();
    await dir.remove();
  });

  const send = (method: string, target: string, headers: Record<string, string> = {}) =>
    rawRequest(
      port,
      `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${Object.entries(
        headers,
      )
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );

  // Each: a request as a client sends it plainly, and the other forms of its target.
  const cases = (): [string, string, string[], Record<string, string>][] => [
    ['SAS Logon, a method it does not take', 'GET', ['/SASLogon/oauth/token', '/%53ASLogon/oauth/token'], {}],
    ['SAS Files without a token', 'GET', ['/files/files/abc', '/%66iles/files/abc'], {}],
    [
      'SAS Compute, a method it does not take',
      'PATCH',
      ['/compute/sessions/abc', '/%63ompute/sessions/abc'],
      {},
    ],
    ['Qumulo, no route', 'GET', ['/v1/nope', '/v%31/nope'], { authorization: `Bearer ${token}` }],
    ['Seven Bridges without a token', 'GET', ['/v2/user', '/v%32/user'], {}],
    ['Seven Bridges, a collection', 'GET', ['/v2/projects', '/v2/projects'], { 'x-sbg-auth-token': token }],
    [
      'the native API, no such project',
      'GET',
      ['/api/v1/projects/none/files/a', '/%61pi/v1/projects/none/files/a'],
      { authorization: `Bearer ${token}` },
    ],
    [
      'the native API, a listing',
      'GET',
      ['/api/v1/projects', '/%61pi/v%31/projects'],
      { authorization: `Bearer ${token}` },
    ],
    ['the native API without a token', 'GET', ['/api/v1/projects', '/%61pi/v1/projects'], {}],
  ];

  test('an encoded API prefix or an absolute-form target is answered as the plain path, by its API', async () => {
    for (const [what, method, [plain, encoded], headers] of cases()) {
      const want = await send(method, plain!, headers);
      assert.ok(want.status < 500, `${what}: ${want.status} ${want.body}`);
      const forms = [
        ...(encoded !== plain ? [encoded!] : []),
        `http://127.0.0.1:${port}${plain}`,
        `http://127.0.0.1:${port}${encoded}`,
      ];
      for (const target of forms) {
        const got = await send(method, target, headers);
        const label = `${what}: ${method} ${target}`;
        assert.equal(got.status, want.status, `${label}: ${got.body}`);
        for (const h of ['content-type', 'www-authenticate', 'allow'])
          assert.equal(got.headers[h], want.headers[h], `${label}: ${h}`);
        // A body that echoes the path echoes it as sent.
        assert.equal(stable(got.body.replaceAll(encoded!, plain!)), stable(want.body), label);
      }
    }
    assert.doesNotMatch(s.stdout(), /"level":50/);
  });

  test('an expectation other than 100-continue is 417 in the shape of the API the path names; 100-continue goes on', async () => {
    // Each API's path, the Content-Type of its errors, and where its body names the error.
    const apis: [string, string, (b: string) => unknown][] = [
      ['/api/v1/projects', 'application/json', (b) => JSON.parse(b).error.code],
      ['/files/files/abc', 'application/vnd.sas.error+json', (b) => JSON.parse(b).httpStatusCode],
      ['/compute/contexts', 'application/vnd.sas.error+json', (b) => JSON.parse(b).httpStatusCode],
      ['/SASLogon/oauth/token', 'application/json', (b) => JSON.parse(b).error],
      ['/v1/files/%2F/info/attributes', 'application/json', (b) => JSON.parse(b).error_class],
      ['/v2/projects', 'application/json', (b) => JSON.parse(b).status],
    ];
    const named = ['ExpectationFailed', 417, 417, 'invalid_request', 'http_request_error', 417];
    for (const [i, [path, type, codeOf]] of apis.entries()) {
      for (const expect of ['x-unknown', 'x-a, x-b', '']) {
        const r = await send('GET', path, { expect, authorization: `Bearer ${token}` });
        const what = `GET ${path} with Expect: '${expect}'`;
        assert.equal(r.status, 417, `${what}: ${r.status} ${r.body}`);
        assert.equal(r.headers['content-type'], type, what);
        assert.equal(codeOf(r.body), named[i], `${what}: ${r.body}`);
        assert.equal(r.headers['connection'], 'close', what);
      }
    }
    // 100-continue, alone or in a list, goes on to the route: 100 Continue, then its answer.
    for (const expect of ['100-continue', '100-Continue', 'x-other, 100-continue']) {
      const r = await send('GET', '/api/v1/projects', { expect, authorization: `Bearer ${token}` });
      assert.equal(r.head, 'HTTP/1.1 100 Continue', expect);
      assert.match(r.body, /^HTTP\/1\.1 200 OK\r\n[\s\S]*"targets"/, expect);
    }
  });

  test('a path segment of thousands of characters reaches its API, whose own limit names it', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const native = await send('GET', `/api/v1/projects/targets/files/${'z'.repeat(5000)}`, auth);
    assert.equal(native.status, 400);
    assert.equal(JSON.parse(native.body).error.code, 'KeyTooLong');
    const qumulo = await send('GET', `/v1/files/%2Ftargets%2F${'x'.repeat(4200)}/info/attributes`, auth);
    assert.equal(qumulo.status, 400);
    assert.equal(JSON.parse(qumulo.body).error_class, 'fs_name_too_long_error');
  });

  test('an absolute-form target names the host its links are built on', async () => {
    const r = await send('GET', `http://localhost:${port}/v2/projects?limit=1`, {
      'x-sbg-auth-token': token,
    });
    assert.equal(r.status, 200, r.body);
    const page = JSON.parse(r.body);
    assert.equal(page.href, `http://localhost:${port}/v2/projects?limit=1`);
  });
});
