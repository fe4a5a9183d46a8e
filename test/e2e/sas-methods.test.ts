// Methods on the SAS services as their Spring MVC maps them, over HTTPS: HEAD on every GET route with the GET's status
// and headers (Content-Length of a download among them) and no body; a method a path does not take is 405 with Allow
// and the SAS error body (SAS Logon: its OAuth body); OPTIONS lists a path's methods; an unknown path stays 404.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import type { SasAnswer } from '../helpers/sas.ts';
import { TOKEN_PATH } from '../helpers/sas.ts';
import { enc } from '../helpers/sas-compute.ts';
import { assertSasError, type FilesEnv, openSasFiles } from '../helpers/sas-files.ts';

const JOB_CONTEXT_ID = '1a2b3c4d-0000-4000-8000-00000000c0de';

/** A 405 to `method path` in the SAS shape: the Allow header, errorCode 40501, the method and the path named. */
function assertNotAllowed(r: SasAnswer, request: { method: string; path: string; allow: string }): void {
  const what = `${request.method} ${request.path}`;
  const body = assertSasError(r, 405);
  assert.equal(r.headers.allow, request.allow, what);
  assert.equal(body.errorCode, 40501, what);
  assert.match(
    String(body.message),
    new RegExp(`^Request method '${request.method}' is not supported`),
    what,
  );
  assert.ok((body.details as string[]).includes(`path: ${request.path.split('?')[0]}`), `${what}: ${r.text}`);
}

/** An answer's status line and headers (lower-case names), and the bytes that follow its blank line. */
function headOf(bytes: Buffer): { status: number; headers: Record<string, string>; rest: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, bytes.toString('latin1', 0, 200));
  const [line = '', ...fields] = bytes.toString('latin1', 0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const f of fields)
    headers[f.slice(0, f.indexOf(':')).toLowerCase()] = f.slice(f.indexOf(':') + 1).trim();
  return { status: Number(line.split(' ')[1]), headers, rest: bytes.subarray(end + 4) };
}

describe('SAS methods', () => {
  let env: FilesEnv;
  let ana: string;
  let app: string;
  let small: { id: string };
  let big: { id: string; data: Buffer };
  let sid: string;
  const as = (method: string, path: string, opts?: Parameters<FilesEnv['as']>[3]) =>
    env.as(ana, method, path, opts);

  const upload = async (name: string, data: Buffer) => {
    const r = await as('POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': `filename="${name}"` },
      body: data,
    });
    assert.equal(r.status, 201, r.text);
    return JSON.parse(r.text) as { id: string };
  };

  before(async () => {
    env = await openSasFiles();
    await env.user('ana', 'ana-password-1');
    await env.project('ana-proj', { ana: 'admin' });
    app = await env.dir('ana-proj', 'app');
    ana = await env.tokenOf('ana', 'ana-password-1');
    small = await upload('small.txt', Buffer.from('hello, head\n'));
    // Past the 4 MiB block: the download is a stream, not one buffer.
    const data = randomBytes(9 * 1024 * 1024 + 17);
    big = { ...(await upload('big.bin', data)), data };
    const s = await as('POST', `/compute/contexts/${JOB_CONTEXT_ID}/sessions`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(s.status, 201, s.text);
    sid = JSON.parse(s.text).id;
  });
  after(async () => {
    const log = env.server.stdout() + env.server.stderr();
    await env.close();
    assert.doesNotMatch(log, /"level":50/, 'no request was a server error');
  });

  test('a method a path does not take is 405 with Allow and the SAS error body, on every SAS service', async () => {
    const props = `/compute/sessions/${sid}/files/${enc('/ana-proj/app/small.txt')}`;
    const cases: [method: string, path: string, allow: string][] = [
      ['PUT', `/files/files/${small.id}`, 'GET, HEAD, PATCH, DELETE, OPTIONS'],
      ['POST', `/files/files/${small.id}/content`, 'GET, HEAD, PUT, OPTIONS'],
      ['DELETE', `/files/files?parentUri=/folders/folders/${app}`, 'GET, HEAD, POST, OPTIONS'],
      ['GET', `/files/files/${small.id}/copy`, 'POST, OPTIONS'],
      ['DELETE', `/folders/folders/${app}/members`, 'GET, HEAD, POST, OPTIONS'],
      ['PUT', `/folders/folders/${app}`, 'GET, HEAD, PATCH, DELETE, OPTIONS'],
      ['POST', '/types/types', 'GET, HEAD, OPTIONS'],
      ['PATCH', `/compute/sessions/${sid}`, 'GET, HEAD, DELETE, OPTIONS'],
      ['DELETE', '/compute/contexts', 'GET, HEAD, OPTIONS'],
      ['PATCH', props, 'GET, HEAD, POST, PUT, DELETE, OPTIONS'],
      ['HEAD', `/compute/contexts/${JOB_CONTEXT_ID}/sessions`, 'POST, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await as(method, path, {
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        ...(method === 'HEAD' ? {} : { body: '{"name": "changed.txt"}' }),
      });
      if (method === 'HEAD') {
        // No body to a HEAD: the status and the Allow header say it all.
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, allow, `${method} ${path}`);
        assert.equal(r.text, '');
        continue;
      }
      assertNotAllowed(r, { method, path, allow });
    }
    // Nothing was done: the file keeps its name and its one version.
    const f = JSON.parse((await as('GET', `/files/files/${small.id}`)).text);
    assert.equal(f.name, 'small.txt');
    assert.equal((await as('GET', `/files/files/${small.id}/content`)).text, 'hello, head\n');
  });

  test('OPTIONS on a path lists its methods: 200, Allow, no body', async () => {
    const r = await as('OPTIONS', `/files/files/${small.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.allow, 'GET, HEAD, PATCH, DELETE, OPTIONS');
    assert.equal(r.text, '');
    const c = await as('OPTIONS', `/compute/sessions/${sid}/state`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.headers.allow, 'GET, HEAD, OPTIONS');
  });

  test('a path no route takes stays 404 by any method; a method refused without a token is 401 first', async () => {
    for (const [method, path] of [
      ['PUT', '/files/no-such-route'],
      ['GET', `/files/files/${small.id}/content/more`],
      ['DELETE', '/folders/no-such-route'],
      ['POST', '/compute/no-such-route'],
      ['OPTIONS', '/types/types/a/b'],
    ] as const) {
      const r = await as(method, path, { headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = assertSasError(r, 404);
      assert.equal(r.headers.allow, undefined, `${method} ${path}`);
      assert.match(String(body.errorCode), /^(115|54)25$/, `${method} ${path}: ${r.text}`);
    }
    // Without a token: an unknown path is still 404, a known one asks for the token before it says 405.
    assertSasError(await env.call('PUT', '/files/no-such-route'), 404);
    const anonymous = await env.call('PUT', `/files/files/${small.id}`, { body: 'x' });
    assertSasError(anonymous, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer realm="SAS Logon"');
    assert.equal(anonymous.headers.allow, undefined);
    const badToken = await env.as('not-a-token', 'DELETE', '/compute/contexts');
    assertSasError(badToken, 401);
  });

  test('SAS Logon answers another method on its token endpoint with 405 method_not_allowed and Allow', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await env.call(method, TOKEN_PATH, { headers: { accept: 'application/json' } });
      assert.equal(r.status, 405, `${method}: ${r.text}`);
      assert.equal(r.headers.allow, 'POST, OPTIONS');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['cache-control'], 'no-store');
      const body = r.json();
      assert.equal(body.error, 'method_not_allowed');
      assert.match(body.error_description, new RegExp(`Request method '${method}' is not supported`));
    }
    const other = await env.call('GET', '/SASLogon/no-such-route');
    assert.equal(other.status, 404);
    assert.equal(other.json().error, 'not_found');
    assert.equal(other.headers.allow, undefined);
  });

  test('HEAD answers every GET route with the GET status and headers, Content-Length included, and no body', async () => {
    const files = `/compute/sessions/${sid}/files`;
    const paths = [
      `/files/files/${small.id}`,
      `/files/files/${small.id}/content`,
      `/files/files/${big.id}/content`,
      `/files/files?parentUri=/folders/folders/${app}`,
      `/folders/folders/${app}`,
      `/folders/folders/${app}/members`,
      `/folders/folders/@item?path=/ana-proj/app`,
      '/folders/folders',
      '/folders/rootFolders',
      '/types/types',
      '/compute/contexts',
      `/compute/contexts/${JOB_CONTEXT_ID}`,
      `/compute/sessions/${sid}`,
      `/compute/sessions/${sid}/state`,
      files,
      `${files}/${enc('/ana-proj/app')}`,
      `${files}/${enc('/ana-proj/app')}/members`,
      `${files}/${enc('/ana-proj/app/big.bin')}/content`,
    ];
    const same = [
      'content-type',
      'content-length',
      'etag',
      'last-modified',
      'accept-ranges',
      'content-disposition',
    ];
    for (const path of paths) {
      const get = await as('GET', path);
      const head = await as('HEAD', path);
      assert.equal(get.status, 200, `GET ${path}: ${get.text.slice(0, 300)}`);
      assert.equal(head.status, 200, `HEAD ${path}`);
      assert.equal(head.text, '', `HEAD ${path}`);
      assert.ok(get.headers['content-length'], `GET ${path} has a Content-Length`);
      for (const h of same) assert.equal(head.headers[h], get.headers[h], `${h} of HEAD ${path}`);
    }
    const whole = await as('HEAD', `/files/files/${big.id}/content`);
    assert.equal(whole.headers['content-length'], String(big.data.length));
    // A range: the 206 and the Content-Range of the GET.
    const part = await as('HEAD', `/files/files/${big.id}/content`, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-length'], '10');
    assert.equal(part.headers['content-range'], `bytes 10-19/${big.data.length}`);
    assert.equal(part.text, '');
    // A HEAD refused is the GET's status, without a body.
    const none = await as('HEAD', '/files/files/6d696d65-6f00-8000-8fff-ffffffffff00');
    assert.equal(none.status, 404);
    assert.equal(none.text, '');
    // The server goes on serving the stream a HEAD left unread.
    const got = await as('GET', `/files/files/${big.id}/content`, { headers: { range: 'bytes=0-15' } });
    assert.equal(got.status, 206);
    assert.equal(got.headers['content-length'], '16');
  });

  test("an error answer to HEAD, sent raw, has the GET's status and headers, Content-Length included, and no body", async () => {
    const { hostname, port } = new URL(env.server.url);
    /** `HEAD path` and then `GET /types/types` on one connection: every byte the server sent, to its close. */
    const rawHead = (path: string, headers: string) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const s = connect({ host: hostname, port: Number(port), ca: env.ca }, () =>
          s.write(
            `HEAD ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${headers}\r\n` +
              `GET /types/types HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ana}\r\nConnection: close\r\n\r\n`,
          ),
        );
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('end', () => resolve(Buffer.concat(chunks)));
        s.on('error', reject);
      });
    const bearer = `Authorization: Bearer ${ana}\r\n`;
    const cases: [path: string, headers: string, status: number][] = [
      ['/files/files/6d696d65-6f00-8000-8fff-ffffffffff00', bearer, 404],
      [`/files/files/${small.id}`, '', 401],
      ['/files/files/not-a-uuid', bearer, 400],
      [`/compute/sessions/${sid}/files/${enc('/ana-proj/app/none.txt')}`, bearer, 404],
      [`/compute/contexts/${JOB_CONTEXT_ID}/sessions`, bearer, 405],
      ['/compute', bearer, 404],
      ['/SASLogon/no-such-route', '', 404],
      [TOKEN_PATH, '', 405],
    ];
    const same = ['content-type', 'content-length', 'www-authenticate', 'cache-control', 'allow'];
    for (const [path, headers, status] of cases) {
      const get = await env.call(
        'GET',
        path,
        headers === '' ? {} : { headers: { authorization: `Bearer ${ana}` } },
      );
      assert.equal(get.status, status, `GET ${path}: ${get.text}`);
      const head = headOf(await rawHead(path, headers));
      assert.equal(head.status, status, `HEAD ${path}`);
      for (const h of same) assert.equal(head.headers[h], get.headers[h], `${h} of HEAD ${path}`);
      assert.equal(head.headers['content-length'], String(Buffer.byteLength(get.text)), `HEAD ${path}`);
      // No body: the next answer on the connection starts right after the HEAD's blank line.
      const next = headOf(head.rest);
      assert.equal(next.status, 200, `the GET after HEAD ${path}`);
      assert.match(head.rest.toString('latin1', 0, 9), /^HTTP\/1\.1 /);
    }
  });
});
