// Qumulo ETags name versions, and a write lands only on the file its ref resolved: two writes of the same bytes
// have different ETags, a file moved or replaced while a write streams in is not written, stream names that every
// object has are refused, and an attributes PATCH that cannot be done changes nothing.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
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

describe('Qumulo versions and the file a write resolved', () => {
  let env: QumuloEnv;
  let q: QClient;

  before(async () => {
    env = await openQumulo();
    await env.user('vic', 'vic password');
    await env.project('ver', { vic: 'write' });
    q = await env.login('vic', 'vic password');
  });
  after(async () => env.close());

  const put = (file: string, data: string, headers: Record<string, string> = {}) =>
    q.call('PUT', `/v1/files/${ref(file)}/data`, { data: Buffer.from(data), headers });

  test('the same bytes written twice are two ETags; an ETag of an earlier state is stale after A, B, A', async () => {
    await createFile(q, '/ver/', 'aba.txt');
    await createFile(q, '/ver/', 'other.txt');
    const first = await put('/ver/aba.txt', 'same bytes');
    const again = await put('/ver/aba.txt', 'same bytes');
    assert.equal(first.status, 200);
    assert.notEqual(first.etag, again.etag);
    await put('/ver/other.txt', 'same bytes');
    assert.notEqual(await etagOf(q, '/ver/other.txt'), await etagOf(q, '/ver/aba.txt'));

    const a = await etagOf(q, '/ver/aba.txt');
    await put('/ver/aba.txt', 'B');
    await put('/ver/aba.txt', 'same bytes');
    const stale = await put('/ver/aba.txt', 'C', { 'if-match': a });
    assertQumuloError(stale, 412, 'rest_precondition_failed_error', 'an ETag from before A, B, A');
    // Another file's ETag does not match either, nor does a weak one.
    const foreign = await put('/ver/aba.txt', 'C', { 'if-match': await etagOf(q, '/ver/other.txt') });
    assertQumuloError(foreign, 412, 'rest_precondition_failed_error', 'another file’s ETag');
    const current = await etagOf(q, '/ver/aba.txt');
    const weak = await put('/ver/aba.txt', 'C', { 'if-match': `W/${current}` });
    assertQumuloError(weak, 412, 'rest_precondition_failed_error', 'a weak ETag');
    assert.equal((await readData(q, '/ver/aba.txt')).toString(), 'same bytes');
    const ok = await put('/ver/aba.txt', 'C', { 'if-match': current });
    assert.equal(ok.status, 200);
  });

  test('a file moved and replaced while a PUT by id streams in is not written; the new file is untouched', async () => {
    await createDir(q, '/ver/', 'race');
    const made = await q.call('POST', `/v1/files/${ref('/ver/race/')}/entries/`, {
      json: { name: 'r.txt', action: 'CREATE_FILE' },
    });
    const id = made.json().id as string;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${env.server.url}/v1/files/${id}/data`,
        {
          method: 'PUT',
          ca: env.ca,
          headers: {
            authorization: `Bearer ${q.token}`,
            'content-type': 'application/octet-stream',
            'content-length': '10',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.write('OLD-');
      setTimeout(async () => {
        const moved = await q.call('POST', `/v1/files/${ref('/ver/race/')}/entries/`, {
          json: { name: 'moved.txt', action: 'RENAME', old_path: '/ver/race/r.txt' },
        });
        assert.equal(moved.status, 200, moved.body.toString());
        await createFile(q, '/ver/race/', 'r.txt');
        await put('/ver/race/r.txt', 'NEWDATA123');
        req.end('DATA12');
      }, 300);
    });
    const r = await answer;
    assert.equal(r.status, 404, r.body);
    assert.equal(JSON.parse(r.body).error_class, 'fs_no_such_entry_error');
    assert.equal((await readData(q, '/ver/race/r.txt')).toString(), 'NEWDATA123');
    assert.equal((await readData(q, '/ver/race/moved.txt')).length, 0);
  });

  test('stream names that every object has are refused, and copy-chunk checks stream names too', async () => {
    await createFile(q, '/ver/', 's.bin');
    await put('/ver/s.bin', 'data');
    for (const name of ['toString', 'constructor', '__proto__', 'valueOf']) {
      const r = await q.call('POST', `/v1/files/${ref('/ver/s.bin')}/streams/`, {
        json: { stream_name: name },
      });
      assertQumuloError(r, 400, 'rest_invalid_request_error', name);
      const read = await q.get(`/v1/files/${ref('/ver/s.bin')}/streams/${name}/data`);
      assert.ok(read.status === 400 || read.status === 404, `${name}: ${read.status}`);
    }
    const bad = await q.call('POST', `/v1/files/${ref('/ver/s.bin')}/streams/a%00b/copy-chunk`, {
      json: { source_path: '/ver/s.bin' },
    });
    assertQumuloError(bad, 400, 'rest_invalid_request_error', 'a NUL in a stream name');
    const listed = await q.get(`/v1/files/${ref('/ver/s.bin')}/streams/`);
    assert.deepEqual(listed.json(), []);
  });

  test('an attributes PATCH that cannot be done changes nothing, not even the part it could do', async () => {
    await createFile(q, '/ver/', 'p.txt');
    await put('/ver/p.txt', 'twelve bytes');
    const etag = await etagOf(q, '/ver/p.txt');
    // Each with a part it could do (a size, a time, a mode) and one it cannot (an owner, an access time apart from
    // the modification time, an SMB attribute, a mode that is not octal).
    for (const [what, json] of [
      ['another owner', { size: '2', owner: 'someone-else' }],
      [
        'an access time of its own',
        { modification_time: '2020-01-01T00:00:00Z', access_time: '2021-01-01T00:00:00Z' },
      ],
      ['an SMB attribute', { mode: '0600', extended_attributes: { hidden: true } }],
      ['a time that is not RFC 3339', { size: '2', modification_time: 'Sun, 06 Dec 2026 22:04:15 GMT' }],
      ['a day that does not exist', { size: '2', modification_time: '2024-02-30T00:00:00Z' }],
      ['an hour that does not exist', { size: '2', creation_time: '2024-02-01T24:00:00Z' }],
      ['a mode that is not octal', { size: '2', mode: '0999' }],
    ] as const) {
      const r = await q.call('PATCH', `/v1/files/${ref('/ver/p.txt')}/info/attributes`, { json });
      assertQumuloError(r, 400, 'rest_invalid_request_error', what);
      assert.equal((await readData(q, '/ver/p.txt')).toString(), 'twelve bytes', what);
      assert.equal(await etagOf(q, '/ver/p.txt'), etag, what);
      assert.equal((await q.get(`/v1/files/${ref('/ver/p.txt')}/info/attributes`)).json().mode, '0644', what);
    }
  });
});
