// Qumulo snapshots end to end: create, get, list and delete (v3, and v2 with a name), reading old bytes, attributes
// and listings at a snapshot after overwriting, and a `qq fs_copy --source-snapshot` loop over a 100 MiB file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertQumuloError,
  createFile,
  openQumulo,
  type QClient,
  type QumuloEnv,
  readData,
  ref,
  uploadChunked,
} from '../helpers/qumulo.ts';

const MiB = 1024 * 1024;
/** The per-call bound of copy-chunk on this server: a 100 MiB copy takes 13 calls. */
const BOUND = 8 * MiB;

describe('Qumulo snapshots', () => {
  let env: QumuloEnv;
  let q: QClient;
  let projectId: string;

  before(async () => {
    env = await openQumulo(['--max-copy-bytes', String(BOUND)]);
    await env.user('sam', 'sam password');
    projectId = await env.project('snap', { sam: 'write' });
    q = await env.login('sam', 'sam password');
  });
  after(async () => env.close());

  const snapshot = async (body: object, prefix = '/v3') => {
    const r = await q.call('POST', `${prefix}/snapshots/`, { json: body });
    assert.equal(r.status, 200, r.body.toString());
    return r.json();
  };

  test('create, get, list and delete a snapshot (202); v2 takes a full name', async () => {
    const s = await snapshot({ name_suffix: 'nightly', expiration: null, source_file_id: projectId });
    assert.equal(typeof s.id, 'number');
    assert.equal(s.name, `${s.id}_nightly`);
    assert.equal(s.source_file_id, projectId);
    assert.ok(!Number.isNaN(Date.parse(s.timestamp)), s.timestamp);
    assert.equal(s.policy_id, null);
    assert.equal(s.expiration, null);
    assert.equal(s.in_delete, false);
    assert.equal(s.created_by_policy, false);
    assert.equal(s.lock_key, null);
    const plain = await snapshot({ source_file_id: projectId });
    assert.equal(plain.name, `${plain.id}_OnDemand`);
    assert.ok(plain.id > s.id);

    const got = await q.get(`/v3/snapshots/${s.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json(), s);
    const list = await q.get('/v3/snapshots/');
    assert.equal(list.status, 200);
    const ids = list.json().entries.map((e: { id: number }) => e.id);
    assert.ok(ids.includes(s.id) && ids.includes(plain.id), JSON.stringify(ids));

    const legacy = await snapshot({ name: 'legacy-name', source_file_id: projectId }, '/v2');
    assert.equal(legacy.name, 'legacy-name');
    assert.deepEqual((await q.get(`/v2/snapshots/${legacy.id}`)).json(), legacy);

    for (const id of [s.id, legacy.id]) {
      const del = await q.call('DELETE', `/v3/snapshots/${id}`);
      assert.equal(del.status, 202, del.body.toString());
      assert.equal(del.headers['content-length'], '0');
      assertQumuloError(await q.get(`/v3/snapshots/${id}`), 404, 'rest_not_found_error', `snapshot ${id}`);
    }
    const left = (await q.get('/v3/snapshots/')).json().entries.map((e: { id: number }) => e.id);
    assert.ok(left.includes(plain.id) && !left.includes(s.id), JSON.stringify(left));
  });

  test('DELETE with If-Match: the ETag its GET sent deletes it; another ETag is 412 and the snapshot stays', async () => {
    const s = await snapshot({ name_suffix: 'guarded', source_file_id: projectId });
    const got = await q.get(`/v3/snapshots/${s.id}`);
    const etag = got.headers['etag'];
    assert.match(String(etag), /^"[^"]+"$/);
    const other = await snapshot({ name_suffix: 'other', source_file_id: projectId });
    assert.notEqual((await q.get(`/v3/snapshots/${other.id}`)).headers['etag'], etag);

    const stale = await q.call('DELETE', `/v3/snapshots/${s.id}`, {
      headers: { 'if-match': '"not-its-tag"' },
    });
    assertQumuloError(stale, 412, 'rest_precondition_failed_error', 'a stale If-Match');
    assert.deepEqual((await q.get(`/v3/snapshots/${s.id}`)).json(), s, 'still there');
    const wrongOne = await q.call('DELETE', `/v3/snapshots/${other.id}`, {
      headers: { 'if-match': String(etag) },
    });
    assertQumuloError(wrongOne, 412, 'rest_precondition_failed_error', "another snapshot's ETag");

    const del = await q.call('DELETE', `/v3/snapshots/${s.id}`, { headers: { 'if-match': String(etag) } });
    assert.equal(del.status, 202, del.body.toString());
    assertQumuloError(await q.get(`/v3/snapshots/${s.id}`), 404, 'rest_not_found_error', 'deleted');
    const any = await q.call('DELETE', `/v3/snapshots/${other.id}`, { headers: { 'if-match': '*' } });
    assert.equal(any.status, 202, any.body.toString());
  });

  test('an id past any given out, up to 2^64 - 1, is a snapshot that does not exist; past that, bad input', async () => {
    await createFile(q, '/snap/', 'ids.txt');
    for (const id of ['12345678901234567', '18446744073709551615']) {
      assertQumuloError(await q.get(`/v3/snapshots/${id}`), 404, 'rest_not_found_error', `snapshot ${id}`);
      const read = await q.get(`/v1/files/${ref('/snap/ids.txt')}/data?snapshot=${id}`);
      assertQumuloError(read, 404, 'rest_not_found_error', `data at snapshot ${id}`);
    }
    for (const id of ['18446744073709551616', '0', '-1', '1e3'])
      assert.equal((await q.get(`/v3/snapshots/${id}`)).status, 400, id);
    // A snapshot named with those digits is still not the one the id names.
    await snapshot({ name: '12345678901234567', source_file_id: projectId }, '/v2');
    const named = await q.get(`/v1/files/${ref('/snap/ids.txt')}/data?snapshot=12345678901234567`);
    assertQumuloError(named, 404, 'rest_not_found_error', 'a snapshot named by the digits');
  });

  test('expiration-time-to-live in the query, as the SDK sends it, sets the expiration; a bad one is 400', async () => {
    for (const [ttl, ms] of [
      ['5days', 5 * 86_400_000],
      ['1hours', 3_600_000],
      ['2weeks', 14 * 86_400_000],
      ['30minutes', 1_800_000],
    ] as const) {
      const before = Date.now();
      const r = await q.call('POST', `/v2/snapshots/?expiration-time-to-live=${ttl}`, {
        json: { source_file_id: projectId },
      });
      assert.equal(r.status, 200, r.body.toString());
      const at = Date.parse(r.json().expiration);
      assert.ok(at >= before + ms - 1000 && at <= Date.now() + ms + 1000, `${ttl}: ${r.json().expiration}`);
    }
    const never = await q.call('POST', '/v3/snapshots/?expiration-time-to-live=never', {
      json: { source_file_id: projectId },
    });
    assert.equal(never.json().expiration, null);
    const count = (await q.get('/v3/snapshots/')).json().entries.length;
    for (const query of [
      'expiration-time-to-live=5',
      'expiration-time-to-live=1000days',
      'expiration-time-to-live=1years',
    ]) {
      const r = await q.call('POST', `/v3/snapshots/?${query}`, { json: { source_file_id: projectId } });
      assertQumuloError(r, 400, 'rest_invalid_request_error', query);
    }
    const both = await q.call('POST', '/v3/snapshots/?expiration-time-to-live=1days', {
      json: { source_file_id: projectId, expiration: '2030-01-01T00:00:00Z' },
    });
    assertQumuloError(both, 400, 'rest_invalid_request_error', 'expiration and a time to live');
    assert.equal(
      (await q.get('/v3/snapshots/')).json().entries.length,
      count,
      'a refused snapshot was taken',
    );
  });

  test('a snapshot of the whole tree (the default source) is for administrators only', async () => {
    const r = await q.call('POST', '/v3/snapshots/', { json: {} });
    assertQumuloError(r, 403, 'fs_access_denied_error', 'a user’s snapshot of /');
    const root = await env.root();
    const all = await root.call('POST', '/v3/snapshots/', { json: {} });
    assert.equal(all.status, 200, all.body.toString());
    assert.equal(all.json().source_file_id, '2');
  });

  test('data, attributes and listings at a snapshot show the old state after an overwrite', async () => {
    await q.call('POST', `/v1/files/${ref('/snap/')}/entries/`, {
      json: { name: 'at', action: 'CREATE_DIRECTORY' },
    });
    await createFile(q, '/snap/at/', 'f.txt');
    await createFile(q, '/snap/at/', 'gone.txt');
    await q.call('PUT', `/v1/files/${ref('/snap/at/f.txt')}/data`, { data: Buffer.from('old contents') });
    await q.call('PUT', `/v1/files/${ref('/snap/at/gone.txt')}/data`, { data: Buffer.from('kept') });
    const s = await snapshot({ source_file_id: projectId });

    await q.call('PUT', `/v1/files/${ref('/snap/at/f.txt')}/data`, { data: Buffer.from('new') });
    assert.equal((await q.call('DELETE', `/v1/files/${ref('/snap/at/gone.txt')}`)).status, 200);
    await createFile(q, '/snap/at/', 'later.txt');

    const data = await q.get(`/v1/files/${ref('/snap/at/f.txt')}/data?snapshot=${s.id}`);
    assert.equal(data.status, 200, data.body.toString());
    assert.equal(data.body.toString(), 'old contents');
    const part = await q.get(`/v1/files/${ref('/snap/at/f.txt')}/data?snapshot=${s.id}&offset=4&length=3`);
    assert.equal(part.body.toString(), 'con');
    assert.equal((await readData(q, '/snap/at/f.txt')).toString(), 'new');
    const attrs = await q.get(`/v1/files/${ref('/snap/at/f.txt')}/info/attributes?snapshot=${s.id}`);
    assert.equal(attrs.status, 200);
    assert.equal(attrs.json().size, '12');
    assert.notEqual(attrs.etag, (await q.get(`/v1/files/${ref('/snap/at/f.txt')}/info/attributes`)).etag);
    const kept = await q.get(`/v1/files/${ref('/snap/at/gone.txt')}/data?snapshot=${s.id}`);
    assert.equal(kept.body.toString(), 'kept');
    // Its attributes at the snapshot as well, by path: the data and the attributes agree on what the snapshot holds.
    const keptAttrs = await q.get(`/v1/files/${ref('/snap/at/gone.txt')}/info/attributes?snapshot=${s.id}`);
    assert.equal(keptAttrs.status, 200, keptAttrs.body.toString());
    assert.equal(keptAttrs.json().size, '4');
    assert.equal(keptAttrs.json().name, 'gone.txt');
    assertQumuloError(
      await q.get(`/v1/files/${ref('/snap/at/gone.txt')}/info/attributes`),
      404,
      'fs_no_such_entry_error',
      'the deleted file at the head',
    );
    assertQumuloError(
      await q.get(`/v1/files/${ref('/snap/at/later.txt')}/info/attributes?snapshot=${s.id}`),
      404,
      'fs_no_such_entry_error',
      'attributes of a file made after the snapshot',
    );
    const dirData = await q.get(`/v1/files/${ref('/snap/at')}/data?snapshot=${s.id}`);
    assertQumuloError(dirData, 400, 'fs_is_directory_error', 'data of a directory at a snapshot');

    const listed = await q.get(`/v1/files/${ref('/snap/at/')}/entries/?snapshot=${s.id}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json().files.map((f: { name: string; size: string }) => [f.name, f.size]),
      [
        ['f.txt', '12'],
        ['gone.txt', '4'],
      ],
    );
    const later = await q.get(`/v1/files/${ref('/snap/at/later.txt')}/data?snapshot=${s.id}`);
    assertQumuloError(later, 404, 'fs_no_such_entry_error', 'a file made after the snapshot');

    assert.equal((await q.call('DELETE', `/v3/snapshots/${s.id}`)).status, 202);
    const deleted = await q.get(`/v1/files/${ref('/snap/at/f.txt')}/data?snapshot=${s.id}`);
    assertQumuloError(deleted, 404, 'rest_not_found_error', 'a deleted snapshot');
  });

  test('qq fs_copy --source-snapshot: a 100 MiB file copied in bounded calls, each answer re-sent with If-Match', {
    timeout: 300_000,
  }, async () => {
    const size = 100 * MiB;
    const original = bytes(size, 41);
    const want = createHash('sha256').update(original).digest('hex');
    await q.call('POST', `/v1/files/${ref('/snap/')}/entries/`, {
      json: { name: 'big', action: 'CREATE_DIRECTORY' },
    });
    await createFile(q, '/snap/big/', 'a.bin');
    await uploadChunked(q, '/snap/big/a.bin', original, 4 * MiB);
    const s = await snapshot({ source_file_id: projectId });
    // The head moves on: the snapshot, not the head, is what gets copied.
    const later = bytes(MiB, 42);
    await q.call('PATCH', `/v1/files/${ref('/snap/big/a.bin')}/data?offset=${50 * MiB}`, { data: later });
    const attrs = await q.get(`/v1/files/${ref('/snap/big/a.bin')}/info/attributes?snapshot=${s.id}`);
    assert.equal(attrs.status, 200);
    assert.ok(attrs.etag);

    // As `qq fs_copy` does it: create the target, then send copy-chunk by the source's id and its default stream's
    // id ("0"), each answer back as the next request, until an answer is empty.
    const created = await q.call('POST', `/v1/files/${ref('/snap/big/')}/entries/`, {
      json: { name: 'b.bin', action: 'CREATE_FILE' },
    });
    let etag = created.etag!;
    const sourceId = attrs.json().id;
    let req: Record<string, unknown> = {
      source_id: sourceId,
      source_stream_id: '0',
      source_etag: attrs.etag,
      source_snapshot: s.id,
    };
    let calls = 0;
    let copied = 0;
    for (;;) {
      const r = await q.call('POST', `/v1/files/${ref('/snap/big/b.bin')}/copy-chunk`, {
        json: req,
        headers: { 'if-match': etag },
      });
      assert.equal(r.status, 200, `call ${calls}: ${r.body.toString()}`);
      calls++;
      const n = Number(r.headers['x-mimeo-copied-bytes']);
      assert.ok(n > 0 && n <= BOUND, `call ${calls} copied ${n}`);
      copied += n;
      assert.ok(r.etag, 'a copy-chunk answer without an ETag');
      etag = r.etag;
      if (r.body.length === 0) break;
      req = r.json();
      assert.equal(req['source_id'], sourceId);
      assert.equal(req['source_stream_id'], '0');
      assert.equal(req['source_snapshot'], s.id);
      assert.equal(req['source_etag'], attrs.etag);
      assert.equal(req['source_offset'], String(copied));
      assert.equal(req['length'], String(size - copied));
      assert.ok(calls < 100, 'the copy does not end');
    }
    assert.equal(calls, Math.ceil(size / BOUND));
    assert.equal(copied, size);

    const hash = createHash('sha256');
    for (let o = 0; o < size; o += 16 * MiB) {
      const r = await q.get(`/v1/files/${ref('/snap/big/b.bin')}/data?offset=${o}&length=${16 * MiB}`);
      assert.equal(r.status, 200);
      hash.update(r.body);
    }
    assert.equal(hash.digest('hex'), want);
    const head = await q.get(`/v1/files/${ref('/snap/big/a.bin')}/data?offset=${50 * MiB}&length=16`);
    assert.deepEqual(head.body, later.subarray(0, 16), 'the head was not overwritten');
  });
});
