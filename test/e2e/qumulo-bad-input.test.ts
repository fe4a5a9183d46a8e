// Bad input to the Qumulo dialect end to end: every refusal in Qumulo's error shape with its status, and nothing
// changed by it (the target's bytes and ETag): source fields, numbers, unknown ids, `..`, directories, tokens
// missing or expired, a user who may only read, malformed JSON and a JSON array.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bytes } from '../helpers/data.ts';
import {
  assertQumuloError,
  createDir,
  createFile,
  etagOf,
  openQumulo,
  type QClient,
  type QRequest,
  type QumuloEnv,
  readData,
  ref,
} from '../helpers/qumulo.ts';

describe('Qumulo bad input', () => {
  let env: QumuloEnv;
  let q: QClient;
  let etag: string;
  const init = bytes(2000, 51);
  const T = '/bad/t.bin';
  const CC = `/v1/files/${ref(T)}/copy-chunk`;

  before(async () => {
    env = await openQumulo();
    await env.user('bob', 'bob password');
    await env.user('rita', 'rita password');
    await env.project('bad', { bob: 'write', rita: 'read' });
    q = await env.login('bob', 'bob password');
    await createFile(q, '/bad/', 's.bin');
    await q.call('PUT', `/v1/files/${ref('/bad/s.bin')}/data`, { data: bytes(5000, 52) });
    await createFile(q, '/bad/', 't.bin');
    etag = (await q.call('PUT', `/v1/files/${ref(T)}/data`, { data: init })).etag!;
    await createDir(q, '/bad/', 'dir');
  });
  after(async () => env.close());

  /** Sends `req`, asserts the error, and that the target is as it was. */
  async function refused(
    method: string,
    path: string,
    req: QRequest,
    expected: [number, string],
    who: QClient = q,
  ) {
    const what = `${method} ${path} ${JSON.stringify(req.json ?? req.raw ?? '')}`;
    const r = await who.call(method, path, req);
    assertQumuloError(r, expected[0], expected[1], what);
    assert.deepEqual(await readData(q, T), init, `${what}: the target's bytes changed`);
    assert.equal(await etagOf(q, T), etag, `${what}: the target's ETag changed`);
  }
  const INVALID: [number, string] = [400, 'rest_invalid_request_error'];

  test('both or neither of source_id and source_path', async () => {
    const id = (await q.get(`/v1/files/${ref('/bad/s.bin')}/info/attributes`)).json().id;
    await refused('POST', CC, { json: { source_id: id, source_path: '/bad/s.bin' } }, INVALID);
    await refused('POST', CC, { json: {} }, INVALID);
    await refused('POST', CC, { json: { source_offset: '0', length: '10' } }, INVALID);
  });

  test('offsets and lengths that are not uint64 decimal strings', async () => {
    for (const field of ['source_offset', 'target_offset', 'length']) {
      for (const value of ['abc', '18446744073709551616', '-1', '1e3', '1.5', '', ' 1', -1, 1.5]) {
        await refused('POST', CC, { json: { source_path: '/bad/s.bin', [field]: value } }, INVALID);
      }
    }
    for (const query of ['offset=abc', 'offset=-1', 'offset=1e3', 'offset=18446744073709551616']) {
      await refused('PATCH', `/v1/files/${ref(T)}/data?${query}`, { data: Buffer.from('x') }, INVALID);
      const r = await q.get(`/v1/files/${ref(T)}/data?${query}`);
      assertQumuloError(r, 400, 'rest_invalid_request_error', `GET data?${query}`);
    }
    assertQumuloError(await q.get(`/v1/files/${ref(T)}/data?length=-5`), 400, 'rest_invalid_request_error');
  });

  test('unknown ids, paths with .., directories where a file is needed', async () => {
    const missing: [number, string] = [404, 'fs_no_such_entry_error'];
    await refused('POST', CC, { json: { source_id: '999999999' } }, missing);
    await refused('POST', CC, { json: { source_path: '/bad/none.bin' } }, missing);
    await refused('POST', '/v1/files/999999999/copy-chunk', { json: { source_path: '/bad/s.bin' } }, missing);
    assertQumuloError(await q.get('/v1/files/999999999/info/attributes'), 404, 'fs_no_such_entry_error');

    const badName: [number, string] = [400, 'fs_invalid_name_error'];
    await refused('POST', CC, { json: { source_path: '/bad/../bad/s.bin' } }, badName);
    // A source_path is absolute: neither a relative path nor an id (digits) is taken for one.
    const sourceId = (await q.get(`/v1/files/${ref('/bad/s.bin')}/info/attributes`)).json().id;
    for (const source_path of ['bad/s.bin', sourceId])
      await refused('POST', CC, { json: { source_path } }, badName);
    await refused(
      'POST',
      `/v1/files/${ref('/bad/../bad/t.bin')}/copy-chunk`,
      { json: { source_path: '/bad/s.bin' } },
      badName,
    );
    await refused('PUT', `/v1/files/${ref('/bad/dir/../t.bin')}/data`, { data: Buffer.from('x') }, badName);
    assertQumuloError(
      await q.get(`/v1/files/${ref('/bad/../bad/t.bin')}/info/attributes`),
      400,
      'fs_invalid_name_error',
    );
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      { json: { name: '..', action: 'CREATE_FILE' } },
      badName,
    );

    const isDir: [number, string] = [400, 'fs_is_directory_error'];
    await refused(
      'POST',
      `/v1/files/${ref('/bad/dir/')}/copy-chunk`,
      { json: { source_path: '/bad/s.bin' } },
      isDir,
    );
    await refused('POST', CC, { json: { source_path: '/bad/dir/' } }, isDir);
    await refused('POST', CC, { json: { source_path: '/bad/dir' } }, isDir);
    assertQumuloError(await q.get(`/v1/files/${ref('/bad/dir/')}/data`), 400, 'fs_is_directory_error');
  });

  test('an all-digit id too large to name anything is 404 fs_no_such_entry_error on every route that takes an id', async () => {
    const missing: [number, string] = [404, 'fs_no_such_entry_error'];
    const ids = ['12345678901234567', '18446744073709551616', '123456789012345678901234', '9'.repeat(40)];
    for (const id of ids) {
      const cases: [string, string, QRequest][] = [
        ['GET', `/v1/files/${id}/info/attributes`, {}],
        ['PATCH', `/v1/files/${id}/info/attributes`, { json: { mode: '0644' } }],
        ['GET', `/v1/files/${id}/data`, {}],
        ['PUT', `/v1/files/${id}/data`, { data: Buffer.from('x') }],
        ['PATCH', `/v1/files/${id}/data?offset=0`, { data: Buffer.from('x') }],
        ['GET', `/v1/files/${id}/entries/`, {}],
        ['POST', `/v1/files/${id}/entries/`, { json: { name: 'made.bin', action: 'CREATE_FILE' } }],
        ['GET', `/v1/files/${id}/streams/`, {}],
        ['GET', `/v2/files/${id}/info/acl`, {}],
        ['DELETE', `/v1/files/${id}`, {}],
        ['POST', `/v1/files/${id}/copy-chunk`, { json: { source_path: '/bad/s.bin' } }],
        ['POST', CC, { json: { source_id: id } }],
        ['POST', '/v1/tree-delete/', { json: { id } }],
        ['POST', '/v3/snapshots/', { json: { source_file_id: id } }],
      ];
      for (const [method, path, req] of cases) await refused(method, path, req, missing);
    }
    // A non-numeric id stays bad input.
    await refused('POST', CC, { json: { source_id: '12a' } }, INVALID);
    assertQumuloError(await q.get('/v1/files/12a/info/attributes'), ...INVALID);
    // An id is decimal whatever its length: zeros before a file's id name that file, 24 digits too.
    const id: string = (await q.get(`/v1/files/${ref('/bad/s.bin')}/info/attributes`)).json().id;
    for (const padded of [`0${id}`, id.padStart(24, '0'), id.padStart(30, '0')]) {
      const r = await q.get(`/v1/files/${padded}/info/attributes`);
      assert.equal(r.status, 200, `${padded}: ${r.body.toString()}`);
      assert.deepEqual([r.json().id, r.json().path], [id, '/bad/s.bin'], padded);
    }
  });

  test('past the largest file (5 TiB): PATCH data, copy-chunk and a size set are all 413, and nothing is written', async () => {
    const tooLarge: [number, string] = [413, 'rest_request_too_large_error'];
    const MAX = 5 * 1024 ** 4;
    // At the largest file's end with bytes to write, straddling it, past it, past 2^53, at 2^64 - 1.
    const places: [number | string, Buffer][] = [
      [MAX, Buffer.from('x')],
      [MAX - 1, Buffer.from('xy')],
      [MAX + 1, Buffer.from('x')],
      ['9007199254740993', Buffer.from('x')],
      ['18446744073709551615', Buffer.from('x')],
    ];
    for (const [offset, data] of places) {
      await refused('PATCH', `/v1/files/${ref(T)}/data?offset=${offset}`, { data }, tooLarge);
      // The source has 5000 bytes to copy.
      await refused(
        'POST',
        CC,
        { json: { source_path: '/bad/s.bin', target_offset: String(offset) } },
        tooLarge,
      );
    }
    for (const size of [String(MAX + 1), '18446744073709551615'])
      await refused('PATCH', `/v1/files/${ref(T)}/info/attributes`, { json: { size } }, tooLarge);
  });

  test("copy-chunk's refusals name the request's fields as a Qumulo client sends them", async () => {
    const MAX = 5 * 1024 ** 4;
    const internal = /\b(source|target)\.(offset|length|stream)\b/;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ source_path: '/bad/s.bin', target_offset: String(MAX + 1) }, /\btarget_offset\b/],
      [{ source_path: '/bad/s.bin', target_offset: '9007199254740993' }, /\btarget_offset\b/],
      [{ source_path: '/bad/s.bin', target_offset: String(MAX) }, /./],
      [{ source_path: '/bad/s.bin', target_offset: String(MAX - 10), length: '20' }, /./],
      [{ source_path: '/bad/s.bin', target_offset: '-1' }, /\btarget_offset\b/],
      [{ source_path: '/bad/s.bin', source_offset: 'x' }, /\bsource_offset\b/],
      [{ source_path: '/bad/s.bin', length: '1.5' }, /\blength\b/],
      [{ source_id: 'x' }, /\bsource_id\b/],
    ];
    for (const [json, names] of cases) {
      const r = await q.call('POST', CC, { json });
      const what = JSON.stringify(json);
      assert.ok(r.status >= 400, `${what}: ${r.status}`);
      const { description } = JSON.parse(r.body.toString());
      assert.doesNotMatch(description, internal, what);
      assert.match(description, names, what);
    }
    // A length past the largest file is not refused: it asks for everything there is, as one past 2^53 does.
    await createFile(q, '/bad/', 'len.bin');
    for (const length of [String(MAX + 1), '9007199254740993']) {
      const r = await q.call('POST', `/v1/files/${ref('/bad/len.bin')}/copy-chunk`, {
        json: { source_path: '/bad/s.bin', length },
      });
      assert.equal(r.status, 200, `length ${length}: ${r.body.toString()}`);
      assert.deepEqual(await readData(q, '/bad/len.bin'), bytes(5000, 52), `length ${length}`);
    }
  });

  test('an empty or invalid source_stream_id is 400 rest_invalid_request_error, and nothing is copied', async () => {
    for (const source_stream_id of ['', 'a/b'])
      await refused('POST', CC, { json: { source_path: '/bad/s.bin', source_stream_id } }, INVALID);
  });

  test('an empty segment in a ref, a source_path or an old_path: 400 fs_invalid_name_error naming the path', async () => {
    const badName: [number, string] = [400, 'fs_invalid_name_error'];
    /** Asserts the refusal names the path it was given. */
    const names = (r: { body: Buffer }, path: string) =>
      assert.ok(JSON.parse(r.body.toString()).description.includes(`'${path}'`), r.body.toString());
    for (const path of [
      '//',
      '//bad/',
      '/bad//',
      '/bad///',
      '/bad//t.bin',
      '/bad/dir//',
      '/bad/dir//x.bin',
    ]) {
      const r = await q.get(`/v1/files/${ref(path)}/info/attributes`);
      assertQumuloError(r, ...badName, `attributes of ${path}`);
      names(r, path);
      assertQumuloError(await q.get(`/v1/files/${ref(path)}/entries/`), ...badName, `entries of ${path}`);
    }
    await refused('PUT', `/v1/files/${ref('/bad//t.bin')}/data`, { data: Buffer.from('x') }, badName);
    await refused(
      'POST',
      `/v1/files/${ref('/bad//t.bin')}/copy-chunk`,
      { json: { source_path: '/bad/s.bin' } },
      badName,
    );
    for (const source_path of ['/bad//s.bin', '//bad/s.bin']) {
      await refused('POST', CC, { json: { source_path } }, badName);
      const r = await q.call('POST', CC, { json: { source_path } });
      names(r, source_path);
    }
    for (const dir of ['/bad//', '//']) {
      const r = await q.call('POST', `/v1/files/${ref(dir)}/entries/`, {
        json: { name: 'made.bin', action: 'CREATE_FILE' },
      });
      assertQumuloError(r, ...badName, `CREATE_FILE in ${dir}`);
    }
    const rename = await q.call('POST', `/v1/files/${ref('/bad/')}/entries/`, {
      json: { name: 'moved.bin', action: 'RENAME', old_path: '/bad//t.bin' },
    });
    assertQumuloError(rename, ...badName, 'RENAME from /bad//t.bin');
    names(rename, '/bad//t.bin');
    const listed = (await q.get(`/v1/files/${ref('/bad/')}/entries/`)).json();
    const all = listed.files.map((f: { name: string }) => f.name);
    assert.ok(all.includes('t.bin') && !all.includes('moved.bin') && !all.includes('made.bin'), all.join());
    assert.deepEqual(await readData(q, T), init);
  });

  test('malformed JSON, a JSON array, an unknown action, a wrong data type, an unknown route', async () => {
    for (const raw of ['{"source_path": ', '[{"source_path": "/bad/s.bin"}]', '"/bad/s.bin"', 'null'])
      await refused('POST', CC, { raw, type: 'application/json' }, INVALID);
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      { raw: '{"name": ', type: 'application/json' },
      INVALID,
    );
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      { json: [{ name: 'x', action: 'CREATE_FILE' }] },
      INVALID,
    );
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      { json: { name: 'x', action: 'EXPLODE' } },
      INVALID,
    );
    // Bytes that are not UTF-8 in a name: refused, not made into another name (U+FFFD).
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      {
        raw: Buffer.concat([
          Buffer.from('{"name": "raw'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('", "action": "CREATE_FILE"}'),
        ]),
        type: 'application/json',
      },
      INVALID,
    );
    await refused('PUT', `/v1/files/${ref(T)}/data`, { raw: 'text', type: 'text/plain' }, INVALID);
    assertQumuloError(await q.get(`/v1/files/${ref('/bad/')}/entries/x`), 404, 'http_not_found_error');
    assertQumuloError(await q.get('/v1/no-such-route'), 404, 'http_not_found_error');
  });

  test('no token, or one this server did not make: 401', async () => {
    const unauth: [number, string] = [401, 'auth_not_authorized_error'];
    await refused('POST', CC, { json: { source_path: '/bad/s.bin' } }, unauth, env.client());
    await refused('PUT', `/v1/files/${ref(T)}/data`, { data: Buffer.from('x') }, unauth, env.client());
    await refused('POST', CC, { json: { source_path: '/bad/s.bin' } }, unauth, env.client('1:forged'));
    await refused(
      'POST',
      CC,
      {
        json: { source_path: '/bad/s.bin' },
        headers: { authorization: `Basic ${btoa('bob:bob password')}` },
      },
      unauth,
      env.client(),
    );
  });

  test('a user who may only read the project: 403 for every write, and reads still work', async () => {
    const rita = await env.login('rita', 'rita password');
    assert.deepEqual(await readData(rita, T), init);
    const denied: [number, string] = [403, 'fs_access_denied_error'];
    await refused('POST', CC, { json: { source_path: '/bad/s.bin' } }, denied, rita);
    await refused('PUT', `/v1/files/${ref(T)}/data`, { data: Buffer.from('x') }, denied, rita);
    await refused('PATCH', `/v1/files/${ref(T)}/data?offset=0`, { data: Buffer.from('x') }, denied, rita);
    await refused('DELETE', `/v1/files/${ref(T)}`, {}, denied, rita);
    await refused('POST', `/v1/files/${ref(T)}/streams/`, { json: { stream_name: 's' } }, denied, rita);
    await refused(
      'POST',
      `/v1/files/${ref('/bad/')}/entries/`,
      { json: { name: 'rita.txt', action: 'CREATE_FILE' } },
      denied,
      rita,
    );
    assertQumuloError(
      await q.get(`/v1/files/${ref('/bad/rita.txt')}/info/attributes`),
      404,
      'fs_no_such_entry_error',
    );
  });

  test('a copy-chunk taken in pieces (--max-copy-bytes) whose whole would pass the largest file is 413 before its first piece', async () => {
    const small = await openQumulo(['--max-object-size', '3000', '--max-copy-bytes', '1000']);
    try {
      await small.user('sam', 'sam password');
      await small.project('cap', { sam: 'write' });
      const sam = await small.login('sam', 'sam password');
      await createFile(sam, '/cap/', 's.bin');
      await sam.call('PUT', `/v1/files/${ref('/cap/s.bin')}/data`, { data: bytes(2500, 53) });
      await createFile(sam, '/cap/', 't.bin');
      const cc = `/v1/files/${ref('/cap/t.bin')}/copy-chunk`;
      // 2,500 bytes from 1,000 would end at 3,500: refused whole, though its first piece of 1,000 would fit.
      const r = await sam.call('POST', cc, { json: { source_path: '/cap/s.bin', target_offset: '1000' } });
      assertQumuloError(r, 413, 'rest_request_too_large_error', 'copy-chunk past the end in pieces');
      assert.equal((await readData(sam, '/cap/t.bin')).length, 0, 'a piece of the refused copy was written');
      // The same copy from 500 ends at 3,000: taken in pieces, each answer naming the rest.
      let json: Record<string, unknown> = { source_path: '/cap/s.bin', target_offset: '500' };
      for (let pieces = 1; ; pieces++) {
        const ok = await sam.call('POST', cc, { json });
        assert.equal(ok.status, 200, ok.body.toString());
        // An empty answer ends the loop, as it ends Qumulo's own client's.
        if (ok.body.length === 0) {
          assert.equal(pieces, 3);
          break;
        }
        json = ok.json() as Record<string, unknown>;
      }
      const got = await readData(sam, '/cap/t.bin');
      assert.deepEqual(got, Buffer.concat([Buffer.alloc(500), bytes(2500, 53)]));
    } finally {
      await small.close();
    }
  });

  test('an expired token is 401 (a server with --token-ttl 1)', { timeout: 60_000 }, async () => {
    const short = await openQumulo(['--token-ttl', '1']);
    try {
      await short.user('tim', 'tim password');
      await short.project('ttl', { tim: 'write' });
      const tim = await short.login('tim', 'tim password');
      await createFile(tim, '/ttl/', 'f');
      assert.equal((await tim.get('/v1/session/who-am-i')).status, 200);
      await sleep(2000);
      assertQumuloError(await tim.get('/v1/session/who-am-i'), 401, 'auth_not_authorized_error', 'who-am-i');
      const put = await tim.call('PUT', `/v1/files/${ref('/ttl/f')}/data`, { data: Buffer.from('late') });
      assertQumuloError(put, 401, 'auth_not_authorized_error', 'PUT data');
      const again = await short.login('tim', 'tim password');
      assert.equal((await readData(again, '/ttl/f')).length, 0, 'an expired token wrote');
    } finally {
      await short.close();
    }
  });
});
