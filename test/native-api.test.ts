// The native API over HTTP (in-process): statuses, headers, error bodies, and bad input that changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestApi, ROOT, type TestApi } from './helpers/api.ts';
import { bytes, md5hex } from './helpers/data.ts';
import { overwriteBlock } from './helpers/stores.ts';

let api: TestApi;
before(async () => {
  api = await openTestApi({ blockSize: 4096 });
});
after(async () => api.close());

const errorOf = (r: { body: string }) =>
  JSON.parse(r.body).error as { code: string; message: string; requestId: string };

async function project(name: string, extra: object = {}) {
  const r = await api.app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: api.auth(),
    payload: { name, ...extra },
  });
  assert.equal(r.statusCode, 201, r.body);
  return api.json(r);
}

async function upload(p: string, path: string, data: Buffer, headers: Record<string, string> = {}) {
  return api.app.inject({
    method: 'PUT',
    url: `/api/v1/projects/${p}/files/${path}`,
    headers: { ...api.auth(), 'content-type': 'application/octet-stream', ...headers },
    payload: data,
  });
}

describe('authentication', () => {
  test('a token for the root access key; a wrong secret is 401 with the JSON error shape', async () => {
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      payload: { accessKey: ROOT.accessKey, secret: 'wrong' },
    });
    assert.equal(bad.statusCode, 401);
    const e = errorOf(bad);
    assert.equal(e.code, 'InvalidCredentials');
    assert.equal(e.requestId, bad.headers['x-request-id']);
    assert.ok(e.message.length > 0);
  });

  test('a missing, malformed, unknown or expired token is 401', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer mt_nope' }]) {
      const r = await api.app.inject({ method: 'GET', url: '/api/v1/projects', headers });
      assert.equal(r.statusCode, 401);
      assert.equal(errorOf(r).code, 'Unauthenticated');
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
    }
    const saved = api.core.deps.now;
    api.core.deps.now = () => Date.now() + 2 * 3600 * 1000;
    try {
      const r = await api.app.inject({ method: 'GET', url: '/api/v1/projects', headers: api.auth() });
      assert.equal(r.statusCode, 401);
      assert.equal(errorOf(r).code, 'TokenExpired');
    } finally {
      api.core.deps.now = saved;
    }
  });

  test('sign-out: DELETE /api/v1/auth/token ends that session only, may be repeated, and keeps personal tokens', async () => {
    const signIn = async () => {
      const r = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: { accessKey: ROOT.accessKey, secret: ROOT.secretKey },
      });
      assert.equal(r.statusCode, 201, r.body);
      return { authorization: `Bearer ${api.json(r).token as string}` };
    };
    const ending = await signIn();
    const other = await signIn();
    const list = (headers: Record<string, string>) =>
      api.app.inject({ method: 'GET', url: '/api/v1/projects', headers });
    assert.equal((await list(ending)).statusCode, 200);
    for (let i = 0; i < 2; i++) {
      const out = await api.app.inject({ method: 'DELETE', url: '/api/v1/auth/token', headers: ending });
      assert.equal(out.statusCode, 204, out.body);
      assert.equal(out.body, '');
    }
    const refused = await list(ending);
    assert.equal(refused.statusCode, 401);
    assert.equal(errorOf(refused).code, 'Unauthenticated');
    assert.equal((await list(other)).statusCode, 200);

    const none = await api.app.inject({ method: 'DELETE', url: '/api/v1/auth/token' });
    assert.equal(none.statusCode, 401);
    assert.equal(errorOf(none).code, 'Unauthenticated');
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);

    const user = await api.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: other,
      payload: { name: 'signs-out' },
    });
    assert.equal(user.statusCode, 201, user.body);
    const made = await api.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/signs-out/tokens',
      headers: other,
      payload: {},
    });
    assert.equal(made.statusCode, 201, made.body);
    const pat = { authorization: `Bearer ${api.json(made).token as string}` };
    const kept = await api.app.inject({ method: 'DELETE', url: '/api/v1/auth/token', headers: pat });
    assert.equal(kept.statusCode, 400);
    assert.equal(errorOf(kept).code, 'InvalidArgument');
    assert.match(errorOf(kept).message, /personal token/);
    assert.equal((await list(pat)).statusCode, 200);
  });

  test('JSON of the wrong shape is 400 InvalidArgument', async () => {
    for (const payload of [
      { accessKey: 1, secret: 'x' },
      { accessKey: 'a' },
      { accessKey: 'a', secret: 'b', extra: 1 },
    ]) {
      const r = await api.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload });
      assert.equal(r.statusCode, 400);
      assert.equal(errorOf(r).code, 'InvalidArgument');
    }
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(r.statusCode, 400);
    assert.equal(errorOf(r).code, 'InvalidArgument');
  });
});

describe('projects and files', () => {
  test('create a project: 201; again: 409; a bad name: 400', async () => {
    const p = await project('api-files', { versioning: 'enabled' });
    assert.deepEqual([p.name, p.versioning, p.dataClass], ['api-files', 'enabled', 'open']);
    const again = await api.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: api.auth(),
      payload: { name: 'api-files' },
    });
    assert.equal(again.statusCode, 409);
    assert.equal(errorOf(again).code, 'ProjectAlreadyOwnedByYou');
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: api.auth(),
      payload: { name: 'Bad_Name' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(errorOf(bad).code, 'InvalidProjectName');
  });

  test('PUT returns the file; GET returns the bytes with their headers; HEAD the same headers', async () => {
    const data = bytes(10_000, 3);
    const r = await upload('api-files', 'dir/one.bin', data, { 'x-mimeo-meta-color': 'blue' });
    assert.equal(r.statusCode, 201);
    const f = api.json(r);
    assert.deepEqual(
      [f.path, f.size, f.etag, f.checksums.md5, f.userMetadata],
      ['dir/one.bin', 10_000, md5hex(data), md5hex(data), { color: 'blue' }],
    );
    assert.ok(f.id && f.versionId && f.checksums.sha256 && f.checksums.crc64nvme);
    const g = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files/dir/one.bin',
      headers: api.auth(),
    });
    assert.equal(g.statusCode, 200);
    assert.deepEqual(g.rawPayload, data);
    assert.equal(g.headers['etag'], `"${md5hex(data)}"`);
    assert.equal(g.headers['content-length'], '10000');
    assert.equal(g.headers['accept-ranges'], 'bytes');
    assert.equal(g.headers['x-mimeo-meta-color'], 'blue');
    const h = await api.app.inject({
      method: 'HEAD',
      url: '/api/v1/projects/api-files/files/dir/one.bin',
      headers: api.auth(),
    });
    assert.equal(h.statusCode, 200);
    assert.equal(h.headers['content-length'], '10000');
    assert.equal(h.body, '');
    const byId = await api.app.inject({ method: 'GET', url: `/api/v1/files/${f.id}`, headers: api.auth() });
    assert.equal(api.json(byId).path, 'dir/one.bin');
    const content = await api.app.inject({
      method: 'GET',
      url: `/api/v1/files/${f.id}/content`,
      headers: { ...api.auth(), range: 'bytes=0-9' },
    });
    assert.equal(content.statusCode, 206);
    assert.deepEqual(content.rawPayload, data.subarray(0, 10));
  });

  test('ranges: 206 with Content-Range; unsatisfiable: 416 with bytes */size; malformed or several: the whole', async () => {
    const data = bytes(10_000, 3);
    const url = '/api/v1/projects/api-files/files/dir/one.bin';
    const r = await api.app.inject({ method: 'GET', url, headers: { ...api.auth(), range: 'bytes=-100' } });
    assert.equal(r.statusCode, 206);
    assert.equal(r.headers['content-range'], 'bytes 9900-9999/10000');
    assert.deepEqual(r.rawPayload, data.subarray(9900));
    const bad = await api.app.inject({
      method: 'GET',
      url,
      headers: { ...api.auth(), range: 'bytes=10000-' },
    });
    assert.equal(bad.statusCode, 416);
    assert.equal(errorOf(bad).code, 'InvalidRange');
    for (const range of ['bytes=5-1', 'bytes=0-1,5-6', 'items=0-1']) {
      const whole = await api.app.inject({ method: 'GET', url, headers: { ...api.auth(), range } });
      assert.equal(whole.statusCode, 200, range);
      assert.deepEqual(whole.rawPayload, data, range);
    }
    const unsat = await api.app.inject({
      method: 'GET',
      url,
      headers: { ...api.auth(), range: 'bytes=10000-' },
    });
    assert.equal(unsat.headers['content-range'], 'bytes */10000');
  });

  test('conditional reads: 304 and 412', async () => {
    const url = '/api/v1/projects/api-files/files/dir/one.bin';
    const etag = `"${md5hex(bytes(10_000, 3))}"`;
    const nm = await api.app.inject({
      method: 'GET',
      url,
      headers: { ...api.auth(), 'if-none-match': etag },
    });
    assert.equal(nm.statusCode, 304);
    assert.equal(nm.body, '');
    const pf = await api.app.inject({
      method: 'GET',
      url,
      headers: { ...api.auth(), 'if-match': '"other"' },
    });
    assert.equal(pf.statusCode, 412);
    assert.equal(errorOf(pf).code, 'PreconditionFailed');
  });

  // Dot segments are normalized away by any URL parser, inject's too: the end-to-end tests send them raw.
  test('bad input is refused with the right 4xx and changes nothing', async () => {
    const cases: [string, string, number, string][] = [
      ['PUT', '/api/v1/projects/no-such-project/files/a', 404, 'NoSuchProject'],
      ['PUT', '/api/v1/projects/api-files/files/a%00b', 400, 'InvalidPath'],
      ['PUT', `/api/v1/projects/api-files/files/${'k'.repeat(1100)}`, 400, 'KeyTooLong'],
      ['PUT', '/api/v1/projects/api-files/files/dir/one.bin?offset=-5', 400, 'InvalidArgument'],
      ['PUT', '/api/v1/projects/api-files/files/dir/one.bin?offset=abc', 400, 'InvalidArgument'],
      ['GET', '/api/v1/projects/api-files/files/missing', 404, 'NoSuchKey'],
      ['GET', '/api/v1/files/fnope', 404, 'NoSuchFile'],
      ['GET', '/api/v1/nothing-here', 404, 'NoSuchRoute'],
    ];
    for (const [method, url, status, code] of cases) {
      const r = await api.app.inject({
        method: method as 'PUT',
        url,
        headers: { ...api.auth(), 'content-type': 'application/octet-stream' },
        payload: method === 'PUT' ? Buffer.from('x') : undefined,
      });
      assert.equal(r.statusCode, status, `${method} ${url.slice(0, 80)}: ${r.body}`);
      assert.equal(errorOf(r).code, code, url.slice(0, 80));
    }
    const g = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files/dir/one.bin',
      headers: api.auth(),
    });
    assert.deepEqual(g.rawPayload, bytes(10_000, 3));
    const list = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files',
      headers: api.auth(),
    });
    assert.deepEqual(
      api.json(list).files.map((f: { path: string }) => f.path),
      ['dir/one.bin'],
    );
  });

  test('a wrong Content-MD5 is 400 BadDigest and stores nothing', async () => {
    const r = await upload('api-files', 'md5.bin', bytes(100), {
      'content-md5': Buffer.alloc(16).toString('base64'),
    });
    assert.equal(r.statusCode, 400);
    assert.equal(errorOf(r).code, 'BadDigest');
    const g = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files/md5.bin',
      headers: api.auth(),
    });
    assert.equal(g.statusCode, 404);
  });

  test('offset writes, truncate, tags, delete with versions', async () => {
    const data = bytes(100, 9);
    await upload('api-files', 'w.bin', data);
    const w = await upload('api-files', 'w.bin?offset=150', Buffer.from('tail'));
    assert.equal(w.statusCode, 200);
    assert.equal(api.json(w).size, 154);
    const g = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files/w.bin',
      headers: api.auth(),
    });
    assert.deepEqual(g.rawPayload, Buffer.concat([data, Buffer.alloc(50), Buffer.from('tail')]));
    const t = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/projects/api-files/files/w.bin',
      headers: api.auth(),
      payload: { size: 10, tags: { k: 'v' } },
    });
    assert.equal(t.statusCode, 200, t.body);
    assert.deepEqual([api.json(t).size, api.json(t).tags], [10, { k: 'v' }]);
    // A new size with labels that are refused: nothing changes, the size neither.
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, '']));
    for (const payload of [
      { size: 4, tags: eleven },
      { size: 4, properties: { p: 'x'.repeat(70_000) } },
    ]) {
      const refused = await api.app.inject({
        method: 'PATCH',
        url: '/api/v1/projects/api-files/files/w.bin',
        headers: api.auth(),
        payload,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      const now = await api.app.inject({
        method: 'GET',
        url: '/api/v1/projects/api-files/files/w.bin',
        headers: api.auth(),
      });
      assert.deepEqual(now.rawPayload, data.subarray(0, 10));
    }
    const bad = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/projects/api-files/files/w.bin',
      headers: api.auth(),
      payload: { size: -1 },
    });
    assert.equal(bad.statusCode, 400);
    const d = await api.app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/api-files/files/w.bin',
      headers: api.auth(),
    });
    assert.equal(d.statusCode, 204);
    assert.equal(d.headers['x-mimeo-delete-marker'], 'true');
    const gone = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-files/files/w.bin',
      headers: api.auth(),
    });
    assert.equal(gone.statusCode, 404);
  });
});

describe('copy, jobs, snapshots and usage', () => {
  test('POST /copy gives a receipt; a range copy too; a tree gives 202 and a job that succeeds', async () => {
    await project('api-copy');
    const data = bytes(9000, 4);
    await upload('api-copy', 'tree/a', data);
    await upload('api-copy', 'tree/b/c', bytes(10, 5));
    const r = await api.app.inject({
      method: 'POST',
      url: '/api/v1/copy',
      headers: api.auth(),
      payload: {
        source: { project: 'api-copy', path: 'tree/a' },
        target: { project: 'api-copy', path: 'a-copy' },
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    const receipt = api.json(r);
    assert.deepEqual(
      [receipt.mode, receipt.bytes, receipt.source.etag, receipt.target.etag],
      ['reference', 9000, md5hex(data), md5hex(data)],
    );
    const range = await api.app.inject({
      method: 'POST',
      url: '/api/v1/copy',
      headers: api.auth(),
      payload: {
        source: { project: 'api-copy', path: 'tree/a', offset: 100, length: 50 },
        target: { project: 'api-copy', path: 'part', offset: 0 },
      },
    });
    assert.equal(range.statusCode, 201);
    const part = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/files/part',
      headers: api.auth(),
    });
    assert.deepEqual(part.rawPayload, data.subarray(100, 150));
    const tree = await api.app.inject({
      method: 'POST',
      url: '/api/v1/copy',
      headers: api.auth(),
      payload: {
        source: { project: 'api-copy', path: 'tree/' },
        target: { project: 'api-copy', path: 'tree2/' },
      },
    });
    assert.equal(tree.statusCode, 202, tree.body);
    const job = api.json(tree).job;
    assert.equal(tree.headers['location'], `/api/v1/jobs/${job.id}`);
    let state = job.state;
    for (let i = 0; i < 200 && state !== 'succeeded' && state !== 'failed'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      state = api.json(
        await api.app.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, headers: api.auth() }),
      ).state;
    }
    assert.equal(state, 'succeeded');
    const c = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/files/tree2/b/c',
      headers: api.auth(),
    });
    assert.deepEqual(c.rawPayload, bytes(10, 5));
    const done = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/jobs/${job.id}`,
      headers: api.auth(),
    });
    assert.equal(done.statusCode, 409);
    assert.equal(errorOf(done).code, 'JobNotActive');
  });

  test('a range copy starting at or past the source end is 416 InvalidRange with the size; 0 to the end of an empty source copies nothing', async () => {
    await upload('api-copy', 'ten', bytes(10, 6));
    await upload('api-copy', 'empty', Buffer.alloc(0));
    await upload('api-copy', 'into', Buffer.from('abcdef'));
    const copy = (source: object, target: object) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/copy',
        headers: api.auth(),
        payload: { source, target },
      });
    const read = (path: string) =>
      api.app.inject({ method: 'GET', url: `/api/v1/projects/api-copy/files/${path}`, headers: api.auth() });
    const cases: [object, string, number][] = [
      [{ path: 'ten', offset: 10 }, 'at', 10],
      [{ path: 'ten', offset: 10, length: 4 }, 'at', 10],
      [{ path: 'ten', offset: 12, length: 3 }, 'past', 10],
      [{ path: 'empty', offset: 0, length: 1 }, 'at', 0],
      [{ path: 'empty', offset: 1 }, 'past', 0],
    ];
    for (const [i, [source, where, size]] of cases.entries()) {
      const r = await copy({ project: 'api-copy', ...source }, { project: 'api-copy', path: `none-${i}` });
      assert.equal(r.statusCode, 416, `${JSON.stringify(source)}: ${r.body}`);
      assert.equal(r.headers['content-type'], 'application/json');
      const e = api.json(r).error;
      assert.deepEqual(
        [e.code, e.message, e.size],
        ['InvalidRange', `The source range starts ${where} the end of the source (${size} bytes).`, size],
      );
      assert.equal((await read(`none-${i}`)).statusCode, 404);
    }
    // Into an existing file at an offset: refused the same, the file as it was.
    const into = await copy(
      { project: 'api-copy', path: 'ten', offset: 10 },
      { project: 'api-copy', path: 'into', offset: 2 },
    );
    assert.equal(into.statusCode, 416);
    assert.equal((await read('into')).body, 'abcdef');
    // From the first byte to the end is the whole source: of an empty one, an empty file.
    const whole = await copy(
      { project: 'api-copy', path: 'empty', offset: 0 },
      { project: 'api-copy', path: 'empty-copy' },
    );
    assert.equal(whole.statusCode, 201, whole.body);
    assert.equal(api.json(whole).bytes, 0);
    const made = await read('empty-copy');
    assert.equal(made.statusCode, 200);
    assert.equal(made.rawPayload.length, 0);
    // The last byte alone is within the source.
    const last = await copy(
      { project: 'api-copy', path: 'ten', offset: 9 },
      { project: 'api-copy', path: 'last' },
    );
    assert.equal(last.statusCode, 201, last.body);
    assert.deepEqual((await read('last')).rawPayload, bytes(10, 6).subarray(9));
  });

  test('a JSON body that is not UTF-8 is 400 InvalidArgument and makes nothing; UTF-8 names are kept', async () => {
    const body = (name: Buffer) =>
      Buffer.concat([
        Buffer.from('{"source":{"project":"api-copy","path":"ten"},"target":{"project":"api-copy","path":"'),
        name,
        Buffer.from('"}}'),
      ]);
    const copy = (payload: Buffer) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/copy',
        headers: { ...api.auth(), 'content-type': 'application/json' },
        payload,
      });
    // A lone surrogate in UTF-8's form, and a byte that starts nothing.
    for (const bad of [Buffer.from([0x78, 0xed, 0xa0, 0x80]), Buffer.from([0x78, 0xff])]) {
      const r = await copy(body(bad));
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(
        [errorOf(r).code, errorOf(r).message],
        ['InvalidArgument', 'The body is not valid UTF-8.'],
      );
    }
    const listed = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/files?prefix=x',
      headers: api.auth(),
    });
    assert.deepEqual(api.json(listed).files, []);
    const good = await copy(body(Buffer.from('x-ü-€-😀')));
    assert.equal(good.statusCode, 201, good.body);
    assert.equal(api.json(good).target.path, 'x-ü-€-😀');
  });

  test('a JSON body with a key that names a prototype, or that is not JSON, is 400 InvalidArgument saying so', async () => {
    const source = '"source":{"project":"api-copy","path":"ten"}';
    const target = '"target":{"project":"api-copy","path":"proto"}';
    const refusals = [
      [`{"__proto__":{"x":1},${source},${target}}`, "A JSON body may not have a key named '__proto__'."],
      [
        `{${source},${target},"metadata":{"directive":"merge","tags":{"__proto__":"x"}}}`,
        "A JSON body may not have a key named '__proto__'.",
      ],
      [
        `{"constructor":{"prototype":{"x":1}},${source},${target}}`,
        "A JSON body may not have a key named 'constructor' that holds a 'prototype'.",
      ],
      [`{${source},${target}`, 'The body is not valid JSON.'],
      ['', 'The body is not valid JSON.'],
    ] as const;
    for (const [payload, message] of refusals) {
      const r = await api.app.inject({
        method: 'POST',
        url: '/api/v1/copy',
        headers: { ...api.auth(), 'content-type': 'application/json' },
        payload,
      });
      assert.equal(r.statusCode, 400, `${payload}: ${r.body}`);
      assert.equal(r.headers['content-type'], 'application/json', payload);
      assert.deepEqual([errorOf(r).code, errorOf(r).message], ['InvalidArgument', message], payload);
      assert.equal(errorOf(r).requestId, r.headers['x-request-id'], payload);
    }
    const made = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/files/proto',
      headers: api.auth(),
    });
    assert.equal(made.statusCode, 404);
  });

  test("the native API's JSON rules stay its own: a JSON body to a path of another API that no route takes is 404 there", async () => {
    for (const payload of ['{"__proto__":{"x":1}}', '{not json']) {
      const post = (url: string) =>
        api.app.inject({
          method: 'POST',
          url,
          headers: { ...api.auth(), 'content-type': 'application/json' },
          payload,
        });
      const sbg = await post('/v2/no-such-route');
      assert.equal(sbg.statusCode, 404, `${payload}: ${sbg.body}`);
      assert.equal(api.json(sbg).status, 404, payload);
      const qumulo = await post('/v1/no-such-route');
      assert.equal(qumulo.statusCode, 404, `${payload}: ${qumulo.body}`);
      assert.equal(api.json(qumulo).error_class, 'http_not_found_error', payload);
      const native = await post('/api/v1/no-such-route');
      assert.equal(native.statusCode, 400, `${payload}: ${native.body}`);
      assert.equal(errorOf(native).code, 'InvalidArgument', payload);
    }
  });

  test('a leap second in a copy condition is the last millisecond before it; second 60 elsewhere is 400', async () => {
    const copy = (source: object) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/copy',
        headers: api.auth(),
        payload: {
          source: { project: 'api-copy', path: 'ten', ...source },
          target: { project: 'api-copy', path: 'leap' },
          conflict: 'overwrite',
        },
      });
    // The source was written long after 2016: modified since then, and not unmodified since.
    const since = await copy({ ifModifiedSince: '2016-12-31T23:59:60Z' });
    assert.equal(since.statusCode, 201, since.body);
    const unmodified = await copy({ ifUnmodifiedSince: '2016-12-31T23:59:60Z' });
    assert.equal(unmodified.statusCode, 412, unmodified.body);
    assert.equal(errorOf(unmodified).code, 'PreconditionFailed');
    for (const t of ['2016-12-30T23:59:60Z', '2016-12-31T23:59:60+01:00']) {
      const r = await copy({ ifUnmodifiedSince: t });
      assert.equal(r.statusCode, 400, `${t}: ${r.body}`);
      assert.equal(errorOf(r).code, 'InvalidArgument', t);
    }
    // An offset without its colon, or without minutes, which the schema's date-time takes, is read as well.
    for (const t of ['2017-01-01T00:59:60+0100', '2016-12-31T22:59:60-01']) {
      const r = await copy({ ifUnmodifiedSince: t });
      assert.equal(r.statusCode, 412, `${t}: ${r.body}`);
      assert.equal(errorOf(r).code, 'PreconditionFailed', t);
    }
  });

  test('copy requests of the wrong shape, with negative offsets or a bad policy are 400', async () => {
    for (const payload of [
      { source: { project: 'api-copy' } },
      {
        source: { project: 'api-copy', path: 'tree/a', offset: -1 },
        target: { project: 'api-copy', path: 'x' },
      },
      {
        source: { project: 'api-copy', path: 'tree/a' },
        target: { project: 'api-copy', path: 'x' },
        conflict: 'maybe',
      },
      {
        source: { project: 'api-copy', path: 'tree/a' },
        target: { project: 'api-copy', path: 'x', offset: '5' },
      },
    ]) {
      const r = await api.app.inject({ method: 'POST', url: '/api/v1/copy', headers: api.auth(), payload });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorOf(r).code, 'InvalidArgument');
    }
    const x = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/files/x',
      headers: api.auth(),
    });
    assert.equal(x.statusCode, 404);
  });

  test('snapshots and usage', async () => {
    const s = await api.app.inject({
      method: 'POST',
      url: '/api/v1/projects/api-copy/snapshots',
      headers: api.auth(),
      payload: { name: 'first' },
    });
    assert.equal(s.statusCode, 201);
    await upload('api-copy', 'tree/a', bytes(5, 1));
    const old = await api.app.inject({
      method: 'GET',
      url: `/api/v1/projects/api-copy/files/tree/a?snapshot=${api.json(s).id}`,
      headers: api.auth(),
    });
    assert.deepEqual(old.rawPayload, bytes(9000, 4));
    const u = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects/api-copy/usage',
      headers: api.auth(),
    });
    const usage = api.json(u);
    assert.ok(usage.physicalBytes < usage.logicalBytes && usage.sharedBytes > 0, u.body);
  });
});

describe('roles', () => {
  test('a user sees nothing until granted, and each role allows exactly its operations', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: api.auth(),
      payload: { name: 'ana' },
    });
    assert.equal(created.statusCode, 201);
    const u = api.json(created);
    const t = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      payload: { accessKey: u.accessKey, secret: u.secretKey },
    });
    const ana = api.auth(api.json(t).token);
    const stored = await api.core.deps.meta.tx((tx) =>
      tx.all<Record<string, unknown>>('SELECT * FROM access_keys'),
    );
    assert.ok(
      stored.length > 0 && !JSON.stringify(stored).includes(u.secretKey),
      'a key secret is stored in the clear',
    );
    await project('api-roles');
    await upload('api-roles', 'f', bytes(10));
    const url = '/api/v1/projects/api-roles/files/f';
    const put = () =>
      api.app.inject({
        method: 'PUT',
        url,
        headers: { ...ana, 'content-type': 'application/octet-stream' },
        payload: Buffer.from('new'),
      });
    assert.equal((await api.app.inject({ method: 'GET', url, headers: ana })).statusCode, 403);
    assert.deepEqual(
      api.json(await api.app.inject({ method: 'GET', url: '/api/v1/projects', headers: ana })).projects,
      [],
    );
    const grant = async (role: string | null) =>
      assert.equal(
        (
          await api.app.inject({
            method: 'PUT',
            url: `/api/v1/projects/api-roles/members/${u.id}`,
            headers: api.auth(),
            payload: { role },
          })
        ).statusCode,
        204,
      );
    await grant('read');
    assert.equal((await api.app.inject({ method: 'GET', url, headers: ana })).statusCode, 200);
    const denied = await put();
    assert.equal(denied.statusCode, 403);
    assert.equal(errorOf(denied).code, 'AccessDenied');
    const copy = { source: { project: 'api-roles', path: 'f' }, target: { project: 'api-roles', path: 'g' } };
    assert.equal(
      (await api.app.inject({ method: 'POST', url: '/api/v1/copy', headers: ana, payload: copy })).statusCode,
      403,
    );
    await grant('write');
    assert.equal((await put()).statusCode, 201);
    assert.equal(
      (await api.app.inject({ method: 'POST', url: '/api/v1/copy', headers: ana, payload: copy })).statusCode,
      201,
    );
    assert.equal(
      (await api.app.inject({ method: 'DELETE', url: '/api/v1/projects/api-roles', headers: ana }))
        .statusCode,
      403,
    );
    assert.equal(
      (
        await api.app.inject({
          method: 'POST',
          url: '/api/v1/admin/users',
          headers: ana,
          payload: { name: 'eve' },
        })
      ).statusCode,
      403,
    );
    await grant(null);
    assert.equal((await api.app.inject({ method: 'GET', url, headers: ana })).statusCode, 403);
  });
});

describe('documents', () => {
  test('the OpenAPI document and its reference page are served without a token', async () => {
    const doc = await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(doc.statusCode, 200);
    const d = api.json(doc);
    assert.equal(d.openapi, '3.1.0');
    for (const path of [
      '/api/v1/auth/token',
      '/api/v1/projects',
      '/api/v1/projects/{project}/files/{path}',
      '/api/v1/files/{id}',
      '/api/v1/copy',
      '/api/v1/jobs/{id}',
      '/api/v1/projects/{project}/snapshots',
      '/api/v1/projects/{project}/usage',
      '/api/v1/projects/{project}/dirs/{path}',
      '/api/v1/move',
      '/api/v1/entries/{id}',
    ]) {
      assert.ok(d.paths[path], path);
    }
    const page = await api.app.inject({ method: 'GET', url: '/api/v1/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /\/api\/v1\/copy/);
  });
});

describe('server-side failures', () => {
  test('a corrupt block is a 500 DataCorrupted that names no internal part; an unexpected error is a 500 InternalError', async () => {
    const own = await openTestApi({ blockSize: 4096 });
    try {
      await own.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: own.auth(),
        payload: { name: 'broken' },
      });
      const put = await own.app.inject({
        method: 'PUT',
        url: '/api/v1/projects/broken/files/f',
        headers: { ...own.auth(), 'content-type': 'application/octet-stream' },
        payload: bytes(8192, 1),
      });
      const id = (await own.core.deps.meta.tx((tx) =>
        tx.get<{ block_id: string }>('SELECT block_id FROM extents ORDER BY file_offset LIMIT 1'),
      ))!.block_id;
      await overwriteBlock(own.core, id, bytes(4096, 2));
      const r = await own.app.inject({
        method: 'GET',
        url: '/api/v1/projects/broken/files/f',
        headers: own.auth(),
      });
      assert.equal(r.statusCode, 500);
      const e = errorOf(r);
      assert.equal(e.code, 'DataCorrupted');
      assert.ok(!e.message.includes(id), e.message);
      assert.equal(e.requestId, r.headers['x-request-id']);
      assert.equal(api.json(put).size, 8192);
      // The metadata store goes away under the server: the error is generic, with the request id to find it in the log.
      await own.core.deps.meta.close();
      const down = await own.app.inject({ method: 'GET', url: '/api/v1/projects', headers: own.auth() });
      assert.equal(down.statusCode, 500);
      assert.deepEqual(errorOf(down), {
        code: 'InternalError',
        message: 'An internal error occurred.',
        requestId: down.headers['x-request-id'],
      });
    } finally {
      await own.close().catch(() => {});
    }
  });
});
