// The Qumulo dialect's data end to end: a chunked upload by PATCH at offsets, PUT replacing a file, ETags that
// follow every write, If-Match, and downloads of ranges (offset and length, past EOF, clamped at EOF).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertQumuloError,
  createDir,
  createFile,
  etagOf,
  openQumulo,
  type QClient,
  type QumuloEnv,
  readData,
  ref,
} from '../helpers/qumulo.ts';

describe('Qumulo data', () => {
  let env: QumuloEnv;
  let q: QClient;

  before(async () => {
    env = await openQumulo();
    await env.user('dan', 'dan password');
    await env.project('dat', { dan: 'write' });
    q = await env.login('dan', 'dan password');
  });
  after(async () => env.close());

  test('a chunked upload by PATCH at offsets, out of order; every write answers attributes and a new ETag', async () => {
    const f = await createFile(q, '/dat/', 'up.bin');
    const data = bytes(300_000, 3);
    const chunks = [200_000, 0, 100_000];
    const etags = new Set([await etagOf(q, '/dat/up.bin')]);
    let size = 0;
    for (const offset of chunks) {
      const r = await q.call('PATCH', `/v1/files/${f.id}/data?offset=${offset}`, {
        data: data.subarray(offset, offset + 100_000),
      });
      assert.equal(r.status, 200, r.body.toString());
      size = Math.max(size, offset + 100_000);
      const attrs = r.json();
      assert.equal(attrs.id, f.id);
      assert.equal(attrs.size, String(size));
      assert.match(r.etag ?? '', /^".+"$/);
      assert.ok(!etags.has(r.etag!), 'the ETag did not change with a write');
      etags.add(r.etag!);
      assert.equal(await etagOf(q, '/dat/up.bin'), r.etag);
    }
    assert.deepEqual(await readData(q, '/dat/up.bin'), data);

    // PATCH inside the file does not truncate; PATCH past EOF zero-fills the gap.
    const patch = Buffer.from('hello');
    await q.call('PATCH', `/v1/files/${f.id}/data?offset=10`, { data: patch });
    const gap = await q.call('PATCH', `/v1/files/${f.id}/data?offset=300100`, { data: patch });
    assert.equal(gap.json().size, '300105');
    const expected = Buffer.concat([data, Buffer.alloc(100), patch]);
    patch.copy(expected, 10);
    assert.deepEqual(await readData(q, '/dat/up.bin'), expected);
    // No offset means 0.
    await q.call('PATCH', `/v1/files/${f.id}/data`, { data: Buffer.from('Z') });
    expected[0] = 'Z'.charCodeAt(0);
    assert.deepEqual(await readData(q, `/dat/up.bin`), expected);
  });

  test('chunks PATCHed in parallel, as a client uploading with several connections sends them, all land', async () => {
    const f = await createFile(q, '/dat/', 'parallel.bin');
    const chunk = 64 * 1024;
    const data = bytes(24 * chunk, 7);
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        q.call('PATCH', `/v1/files/${f.id}/data?offset=${i * chunk}`, {
          data: data.subarray(i * chunk, (i + 1) * chunk),
        }),
      ),
    );
    for (const [i, r] of answers.entries()) assert.equal(r.status, 200, `chunk ${i}: ${r.body.toString()}`);
    assert.deepEqual(await readData(q, '/dat/parallel.bin'), data);
  });

  test('PUT data replaces the whole content, truncating; the file must exist', async () => {
    await createFile(q, '/dat/', 'put.txt');
    const long = await q.call('PUT', `/v1/files/${ref('/dat/put.txt')}/data`, { data: bytes(50_000, 4) });
    assert.equal(long.status, 200, long.body.toString());
    assert.equal(long.json().size, '50000');
    const short = await q.call('PUT', `/v1/files/${ref('/dat/put.txt')}/data`, {
      data: Buffer.from('short'),
    });
    assert.equal(short.json().size, '5');
    assert.notEqual(short.etag, long.etag);
    assert.equal((await readData(q, '/dat/put.txt')).toString(), 'short');
    const empty = await q.call('PUT', `/v1/files/${ref('/dat/put.txt')}/data`, { data: Buffer.alloc(0) });
    assert.equal(empty.json().size, '0');
    assert.equal((await readData(q, '/dat/put.txt')).length, 0);

    const missing = await q.call('PUT', `/v1/files/${ref('/dat/none.txt')}/data`, { data: Buffer.from('x') });
    assertQumuloError(missing, 404, 'fs_no_such_entry_error');
    await createDir(q, '/dat/', 'folder');
    const dir = await q.call('PUT', `/v1/files/${ref('/dat/folder/')}/data`, { data: Buffer.from('x') });
    assertQumuloError(dir, 400, 'fs_is_directory_error');
  });

  test('If-Match: the current ETag writes; a stale one is 412 and changes nothing', async () => {
    await createFile(q, '/dat/', 'cond.txt');
    const first = await q.call('PUT', `/v1/files/${ref('/dat/cond.txt')}/data`, { data: Buffer.from('one') });
    const stale = first.etag!;
    const second = await q.call('PUT', `/v1/files/${ref('/dat/cond.txt')}/data`, {
      data: Buffer.from('two'),
      headers: { 'if-match': stale },
    });
    assert.equal(second.status, 200, second.body.toString());
    // Compared without quotes: the bare value matches too.
    const third = await q.call('PATCH', `/v1/files/${ref('/dat/cond.txt')}/data?offset=3`, {
      data: Buffer.from('!'),
      headers: { 'if-match': second.etag!.replace(/"/g, '') },
    });
    assert.equal(third.status, 200, third.body.toString());
    const current = third.etag!;

    for (const [method, path] of [
      ['PUT', `/v1/files/${ref('/dat/cond.txt')}/data`],
      ['PATCH', `/v1/files/${ref('/dat/cond.txt')}/data?offset=0`],
    ] as const) {
      const r = await q.call(method, path, { data: Buffer.from('lost'), headers: { 'if-match': stale } });
      assertQumuloError(r, 412, 'rest_precondition_failed_error', method);
      assert.equal((await readData(q, '/dat/cond.txt')).toString(), 'two!');
      assert.equal(await etagOf(q, '/dat/cond.txt'), current);
    }
  });

  test('GET data reads ranges: offset and length, past EOF empty, length clamped; the ETag is the whole file’s', async () => {
    const data = bytes(100_000, 5);
    const f = await createFile(q, '/dat/', 'ranges.bin');
    const put = await q.call('PUT', `/v1/files/${f.id}/data`, { data });
    const cases: [string, Buffer][] = [
      ['offset=1000&length=5000', data.subarray(1000, 6000)],
      ['offset=99990', data.subarray(99_990)],
      ['length=10', data.subarray(0, 10)],
      ['offset=99000&length=5000', data.subarray(99_000)],
      ['offset=100000', Buffer.alloc(0)],
      ['offset=250000&length=10', Buffer.alloc(0)],
      ['', data],
    ];
    for (const [query, want] of cases) {
      const r = await q.get(`/v1/files/${ref('/dat/ranges.bin')}/data?${query}`);
      assert.equal(r.status, 200, `${query}: ${r.body.toString()}`);
      assert.equal(r.headers['content-type'], 'application/octet-stream', query);
      assert.equal(r.headers['content-length'], String(want.length), query);
      assert.deepEqual(r.body, want, query);
      assert.equal(r.etag, put.etag, query);
    }
  });
});
