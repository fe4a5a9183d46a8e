// Qumulo named streams end to end: create, list, write, read and delete a stream of a file, and copy-chunk from
// a stream (source_stream_id) and into one (streams/{id}/copy-chunk), byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertQumuloError,
  createFile,
  etagOf,
  openQumulo,
  type QClient,
  type QumuloEnv,
  readData,
  ref,
} from '../helpers/qumulo.ts';

describe('Qumulo named streams', () => {
  let env: QumuloEnv;
  let q: QClient;
  const main = bytes(40_000, 31);

  before(async () => {
    env = await openQumulo();
    await env.user('sue', 'sue password');
    await env.project('strm', { sue: 'write' });
    q = await env.login('sue', 'sue password');
    await createFile(q, '/strm/', 'f.bin');
    await q.call('PUT', `/v1/files/${ref('/strm/f.bin')}/data`, { data: main });
  });
  after(async () => env.close());

  const streams = (file: string) => `/v1/files/${ref(file)}/streams/`;

  test('create, list, write, read and delete named streams; the default stream stays, the ETag follows every write', async () => {
    const etag = await etagOf(q, '/strm/f.bin');
    for (const name of ['meta', 'thumb']) {
      const r = await q.call('POST', streams('/strm/f.bin'), { json: { stream_name: name } });
      assert.equal(r.status, 200, r.body.toString());
      assert.deepEqual(r.json(), { id: name, name, size: '0' });
    }
    const dup = await q.call('POST', streams('/strm/f.bin'), { json: { stream_name: 'meta' } });
    assertQumuloError(dup, 409, 'fs_entry_exists_error', 'a stream twice');

    const meta = bytes(5000, 32);
    const put = await q.call('PUT', `${streams('/strm/f.bin')}meta/data`, { data: meta.subarray(0, 3000) });
    assert.equal(put.status, 200, put.body.toString());
    const patch = await q.call('PATCH', `${streams('/strm/f.bin')}meta/data?offset=3000`, {
      data: meta.subarray(3000),
    });
    assert.equal(patch.status, 200, patch.body.toString());
    assert.deepEqual(await readData(q, '/strm/f.bin', 'meta'), meta);
    const range = await q.get(`${streams('/strm/f.bin')}meta/data?offset=4000&length=2000`);
    assert.equal(range.status, 200);
    assert.deepEqual(range.body, meta.subarray(4000));

    const list = await q.get(streams('/strm/f.bin'));
    assert.equal(list.status, 200);
    const listed = list.json();
    assert.ok(Array.isArray(listed), 'the stream list is an array');
    assert.deepEqual(
      [...listed].sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)),
      [
        { id: 'meta', name: 'meta', size: '5000' },
        { id: 'thumb', name: 'thumb', size: '0' },
      ],
    );

    assert.deepEqual(await readData(q, '/strm/f.bin'), main);
    // The ETag names the file's state, its streams included: a stream write gives a new one.
    assert.notEqual(await etagOf(q, '/strm/f.bin'), etag, 'a named stream write kept the file’s ETag');

    const del = await q.call('DELETE', `${streams('/strm/f.bin')}thumb`);
    assert.equal(del.status, 200, del.body.toString());
    assert.equal(del.headers['content-length'], '0');
    const ids = (await q.get(streams('/strm/f.bin'))).json().map((s: { id: string }) => s.id);
    assert.deepEqual(ids, ['meta']);
    assertQumuloError(
      await q.get(`${streams('/strm/f.bin')}thumb/data`),
      404,
      'fs_no_such_entry_error',
      'a deleted stream',
    );
    assertQumuloError(
      await q.call('DELETE', `${streams('/strm/f.bin')}thumb`),
      404,
      'fs_no_such_entry_error',
      'a deleted stream again',
    );
  });

  test('copy-chunk from a named stream (source_stream_id) into a file', async () => {
    await createFile(q, '/strm/', 'src.bin');
    const side = bytes(8000, 33);
    await q.call('POST', streams('/strm/src.bin'), { json: { stream_name: 'side' } });
    await q.call('PUT', `${streams('/strm/src.bin')}side/data`, { data: side });
    await createFile(q, '/strm/', 'out.bin');
    const init = bytes(1000, 34);
    await q.call('PUT', `/v1/files/${ref('/strm/out.bin')}/data`, { data: init });

    const req = {
      source_path: '/strm/src.bin',
      source_stream_id: 'side',
      source_offset: '2000',
      target_offset: '500',
      length: '3000',
    };
    const r = await q.call('POST', `/v1/files/${ref('/strm/out.bin')}/copy-chunk`, { json: req });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.length, 0, 'a copy done in one call answers empty');
    assert.equal(r.headers['x-mimeo-copied-bytes'], '3000');
    assert.equal(r.etag, await etagOf(q, '/strm/out.bin'));
    const want = Buffer.alloc(3500);
    init.copy(want);
    side.copy(want, 500, 2000, 5000);
    assert.deepEqual(await readData(q, '/strm/out.bin'), want);
    // The source file's default stream is empty: the bytes came from the named one.
    assert.equal((await readData(q, '/strm/src.bin')).length, 0);

    const unknown = await q.call('POST', `/v1/files/${ref('/strm/out.bin')}/copy-chunk`, {
      json: { ...req, source_stream_id: 'no-such-stream' },
    });
    assertQumuloError(unknown, 404, 'fs_no_such_entry_error', 'an unknown source stream');
    assert.deepEqual(await readData(q, '/strm/out.bin'), want);
  });

  test('copy-chunk into a named stream, from a file’s default stream and from another stream', async () => {
    await createFile(q, '/strm/', 'into.bin');
    const own = bytes(700, 35);
    await q.call('PUT', `/v1/files/${ref('/strm/into.bin')}/data`, { data: own });
    const etag = await etagOf(q, '/strm/into.bin');
    await q.call('POST', streams('/strm/into.bin'), { json: { stream_name: 'copy' } });
    await q.call('PUT', `${streams('/strm/into.bin')}copy/data`, { data: Buffer.from('0123456789') });

    const path = `${streams('/strm/into.bin')}copy/copy-chunk`;
    // Past the stream's end: the gap from 10 to 20 reads as zeros.
    const r = await q.call('POST', path, {
      json: { source_path: '/strm/f.bin', source_offset: '39000', target_offset: '20' },
    });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.length, 0, r.body.toString());
    assert.equal(r.headers['x-mimeo-copied-bytes'], '1000');
    let want = Buffer.concat([Buffer.from('0123456789'), Buffer.alloc(10), main.subarray(39_000)]);
    assert.deepEqual(await readData(q, '/strm/into.bin', 'copy'), want);

    // From the `meta` stream of f.bin over the start of this one.
    const fromStream = await q.call('POST', path, {
      json: { source_path: '/strm/f.bin', source_stream_id: 'meta', length: '4' },
    });
    assert.equal(fromStream.status, 200, fromStream.body.toString());
    want = Buffer.from(want);
    bytes(5000, 32).copy(want, 0, 0, 4);
    assert.deepEqual(await readData(q, '/strm/into.bin', 'copy'), want);

    assert.deepEqual(await readData(q, '/strm/into.bin'), own, 'the default stream changed');
    assert.notEqual(await etagOf(q, '/strm/into.bin'), etag, 'copies into a stream kept the file’s ETag');
  });

  test('stream id "0" is the default stream: read, written and copied from and into as the file\'s own bytes', async () => {
    await createFile(q, '/strm/', 'zero.bin');
    const own = bytes(3000, 36);
    const put = await q.call('PUT', `${streams('/strm/zero.bin')}0/data`, { data: own });
    assert.equal(put.status, 200, put.body.toString());
    assert.deepEqual(await readData(q, '/strm/zero.bin'), own);
    const read = await q.get(`${streams('/strm/zero.bin')}0/data?offset=1000&length=10`);
    assert.deepEqual(read.body, own.subarray(1000, 1010));
    // As `qq fs_copy` sends it: the source by id, its default stream as "0".
    const id = (await q.get(`/v1/files/${ref('/strm/zero.bin')}/info/attributes`)).json().id;
    await createFile(q, '/strm/', 'zero-copy.bin');
    const r = await q.call('POST', `/v1/files/${ref('/strm/zero-copy.bin')}/copy-chunk`, {
      json: { source_id: id, source_stream_id: '0' },
    });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.length, 0, r.body.toString());
    assert.deepEqual(await readData(q, '/strm/zero-copy.bin'), own);
    const into = await q.call('POST', `${streams('/strm/zero-copy.bin')}0/copy-chunk`, {
      json: { source_id: id, source_offset: '2000', target_offset: '3000' },
    });
    assert.equal(into.status, 200, into.body.toString());
    assert.deepEqual(await readData(q, '/strm/zero-copy.bin'), Buffer.concat([own, own.subarray(2000)]));
    // "0" names no stream of its own.
    const made = await q.call('POST', streams('/strm/zero.bin'), { json: { stream_name: '0' } });
    assertQumuloError(made, 400, 'rest_invalid_request_error', 'a stream named "0"');
    assert.deepEqual((await q.get(streams('/strm/zero.bin'))).json(), []);
    const removed = await q.call('DELETE', `${streams('/strm/zero.bin')}0`);
    assertQumuloError(removed, 400, 'rest_invalid_request_error', 'a delete of stream "0"');
    assert.deepEqual(await readData(q, '/strm/zero.bin'), own);
  });

  test('a stream named "", "." or ".." is 400 fs_invalid_name_error: its URL would reach the file itself', async () => {
    await createFile(q, '/strm/', 'dots.bin');
    const own = bytes(300, 36);
    await q.call('PUT', `/v1/files/${ref('/strm/dots.bin')}/data`, { data: own });
    const etag = await etagOf(q, '/strm/dots.bin');
    for (const name of ['', '.', '..']) {
      const r = await q.call('POST', streams('/strm/dots.bin'), { json: { stream_name: name } });
      assertQumuloError(r, 400, 'fs_invalid_name_error', `a stream named ${JSON.stringify(name)}`);
      if (name !== '')
        assert.ok(JSON.parse(r.body.toString()).description.includes(`'${name}'`), r.body.toString());
    }
    assert.deepEqual((await q.get(streams('/strm/dots.bin'))).json(), []);
    assert.equal(await etagOf(q, '/strm/dots.bin'), etag);
    assert.deepEqual(await readData(q, '/strm/dots.bin'), own);
    // Names that merely hold dots are names.
    for (const name of ['...', '.meta', 'a..b']) {
      const r = await q.call('POST', streams('/strm/dots.bin'), { json: { stream_name: name } });
      assert.equal(r.status, 200, `${name}: ${r.body.toString()}`);
    }
  });

  test('a stream that was never made is 404 for a write or a copy into it, and is not made by them', async () => {
    await createFile(q, '/strm/', 'bare.bin');
    const base = `${streams('/strm/bare.bin')}none`;
    for (const [method, path, req] of [
      ['POST', `${base}/copy-chunk`, { json: { source_path: '/strm/f.bin' } }],
      ['PUT', `${base}/data`, { data: Buffer.from('x') }],
      ['PATCH', `${base}/data?offset=0`, { data: Buffer.from('x') }],
    ] as const) {
      assertQumuloError(await q.call(method, path, req), 404, 'fs_no_such_entry_error', `${method} ${path}`);
      assert.deepEqual((await q.get(streams('/strm/bare.bin'))).json(), [], `${method} made the stream`);
    }
  });
});
