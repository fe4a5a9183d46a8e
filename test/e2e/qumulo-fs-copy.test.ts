// `qq fs_copy` as it runs without --no-attributes, request by request as the qumulo-api client sends them: the
// source's attributes, ACL and streams read, the target made and filled by copy-chunk, then its attributes PATCHed
// with the source's owner, group, times and SMB attributes, and the source's ACL PUT back, each with the ETag the
// answer before it gave. And a file's times set on their own: a new version with the same bytes.
import assert from 'node:assert/strict';
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
} from '../helpers/qumulo.ts';

const MiB = 1024 * 1024;

describe('qq fs_copy with attributes', () => {
  let env: QumuloEnv;
  let q: QClient;

  before(async () => {
    env = await openQumulo(['--max-copy-bytes', String(MiB)]);
    await env.user('fay', 'fay password');
    await env.project('fsc', { fay: 'write' });
    q = await env.login('fay', 'fay password');
  });
  after(async () => env.close());

  const attrsOf = async (path: string) => {
    const r = await q.get(`/v1/files/${ref(path)}/info/attributes`);
    assert.equal(r.status, 200, r.body.toString());
    return r.json();
  };

  test("a file's modification and creation times are set, the bytes and ETag kept; a write later is now again", async () => {
    const f = await createFile(q, '/fsc/', 'times.txt');
    const data = Buffer.from('the bytes stay');
    const put = await q.call('PUT', `/v1/files/${f.id}/data`, { data });
    const r = await q.call('PATCH', `/v1/files/${f.id}/info/attributes`, {
      json: {
        modification_time: '2021-03-04T05:06:07.123456789Z',
        creation_time: '2020-01-02T03:04:05Z',
        access_time: '2021-03-04T05:06:07.123Z',
      },
      headers: { 'if-match': put.etag! },
    });
    assert.equal(r.status, 200, r.body.toString());
    const a = r.json();
    assert.equal(a.modification_time, '2021-03-04T05:06:07.123Z');
    assert.equal(a.access_time, a.modification_time);
    assert.equal(a.change_time, a.modification_time);
    assert.equal(a.creation_time, '2020-01-02T03:04:05.000Z');
    assert.notEqual(r.etag, put.etag, 'a new version, with an ETag of its own');
    assert.deepEqual(await attrsOf('/fsc/times.txt'), a);
    assert.deepEqual(await readData(q, '/fsc/times.txt'), data);

    // A stale If-Match changes nothing, whatever the PATCH sets, on a file or a directory.
    for (const json of [
      { modification_time: '2022-01-01T00:00:00Z' },
      { mode: '0600' },
      { creation_time: '2022-01-01T00:00:00Z' },
    ]) {
      const stale = await q.call('PATCH', `/v1/files/${f.id}/info/attributes`, {
        json,
        headers: { 'if-match': put.etag! },
      });
      assertQumuloError(
        stale,
        412,
        'rest_precondition_failed_error',
        `a stale If-Match: ${JSON.stringify(json)}`,
      );
    }
    assert.deepEqual(await attrsOf('/fsc/times.txt'), a);
    const dir = await attrsOf('/fsc/');
    const staleDir = await q.call('PATCH', `/v1/files/${dir.id}/info/attributes`, {
      json: { mode: '0700' },
      headers: { 'if-match': '"d0.0.0"' },
    });
    assertQumuloError(staleDir, 412, 'rest_precondition_failed_error', 'a stale If-Match on a directory');
    assert.equal((await attrsOf('/fsc/')).mode, dir.mode);
    // The same time again is no new version: the ETag stays.
    const again = await q.call('PATCH', `/v1/files/${f.id}/info/attributes`, {
      json: { modification_time: a.modification_time, access_time: a.access_time },
      headers: { 'if-match': r.etag! },
    });
    assert.equal(again.status, 200, again.body.toString());
    assert.equal(again.etag, r.etag);
    // A new size is a write at its own time: an access time to go with it needs the modification time too.
    const sized = await q.call('PATCH', `/v1/files/${f.id}/info/attributes`, {
      json: { size: '3', access_time: a.access_time },
    });
    assertQumuloError(sized, 400, 'rest_invalid_request_error', 'an access time with a size alone');
    assert.deepEqual(await attrsOf('/fsc/times.txt'), a);

    const before = Date.now();
    await q.call('PATCH', `/v1/files/${f.id}/data?offset=0`, { data: Buffer.from('T') });
    const written = await attrsOf('/fsc/times.txt');
    assert.ok(Date.parse(written.modification_time) >= before - 1000, written.modification_time);
    assert.equal(written.creation_time, '2020-01-02T03:04:05.000Z');
  });

  test('a leap second is kept as the last millisecond before it; a second 60 anywhere but a UTC month end is 400', async () => {
    const f = await createFile(q, '/fsc/', 'leap.txt');
    const patch = (json: Record<string, string>) =>
      q.call('PATCH', `/v1/files/${f.id}/info/attributes`, { json });
    for (const [sent, kept] of [
      ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
      ['2015-06-30T23:59:60.5Z', '2015-06-30T23:59:59.999Z'],
      // RFC 3339 section 5.8's example: the leap second of 1990 in Pacific Standard Time.
      ['1990-12-31T15:59:60-08:00', '1990-12-31T23:59:59.999Z'],
    ] as const) {
      const r = await patch({
        modification_time: sent,
        creation_time: sent,
        access_time: sent,
        change_time: sent,
      });
      assert.equal(r.status, 200, `${sent}: ${r.body.toString()}`);
      const a = r.json();
      for (const k of ['modification_time', 'creation_time', 'access_time', 'change_time'])
        assert.equal(a[k], kept, `${k} of ${sent}`);
      assert.deepEqual(await attrsOf('/fsc/leap.txt'), a);
    }
    const kept = await attrsOf('/fsc/leap.txt');
    for (const sent of [
      '2016-12-30T23:59:60Z',
      '2016-12-31T23:58:60Z',
      '2016-12-31T12:59:60Z',
      '2016-12-31T23:59:60+01:00',
      '2016-12-31T23:59:61Z',
    ]) {
      const r = await patch({ modification_time: sent });
      assertQumuloError(r, 400, 'rest_invalid_request_error', sent);
    }
    assert.deepEqual(await attrsOf('/fsc/leap.txt'), kept);
  });

  test('the whole copy: bytes, a named stream, times, mode and ACL as the source has them', async () => {
    // The source: 3 MiB and a named stream, mode 0640, times of its own.
    const src = await createFile(q, '/fsc/', 'src.bin');
    const body = bytes(3 * MiB + 17, 61);
    assert.equal((await q.call('PUT', `/v1/files/${src.id}/data`, { data: body })).status, 200);
    const meta = bytes(5000, 62);
    const made = await q.call('POST', `/v1/files/${src.id}/streams/`, { json: { stream_name: 'meta' } });
    assert.equal(made.status, 200, made.body.toString());
    const streamId = made.json().id;
    await q.call('PUT', `/v1/files/${src.id}/streams/${streamId}/data`, { data: meta });
    const set = await q.call('PATCH', `/v1/files/${src.id}/info/attributes`, {
      json: {
        mode: '0640',
        modification_time: '2019-05-06T07:08:09.010Z',
        creation_time: '2018-01-01T00:00:00Z',
      },
    });
    assert.equal(set.status, 200, set.body.toString());

    // 1-4: the source's attributes, ACL and streams; the target is not there yet.
    const sourceAttrs = await q.get(`/v1/files/${ref('/fsc/src.bin')}/info/attributes`);
    const source = sourceAttrs.json();
    const sourceAcl = await q.get(`/v2/files/${source.id}/info/acl`);
    assert.equal(sourceAcl.status, 200, sourceAcl.body.toString());
    const streams = await q.get(`/v1/files/${source.id}/streams/`);
    assert.equal(streams.status, 200, streams.body.toString());
    const named = streams.json();
    assert.equal(named.length, 1);
    const probe = await q.get(`/v1/files/${ref('/fsc/dst.bin')}/info/attributes`);
    assertQumuloError(probe, 404, 'fs_no_such_entry_error', 'the target before the copy');

    // 5-6: the target made and filled, each copy-chunk answer sent back with the ETag it gave, until one is empty.
    const created = await q.call('POST', `/v1/files/${ref('/fsc/')}/entries/`, {
      json: { name: 'dst.bin', action: 'CREATE_FILE' },
    });
    assert.equal(created.status, 200, created.body.toString());
    const targetId = created.json().id;
    let etag = created.etag!;
    const copyAll = async (url: string, first: Record<string, unknown>) => {
      let req = first;
      for (let calls = 0; ; calls++) {
        assert.ok(calls < 20, 'the copy does not end');
        const r = await q.call('POST', url, { json: req, headers: { 'if-match': etag } });
        assert.equal(r.status, 200, r.body.toString());
        etag = r.etag!;
        if (r.body.length === 0) return;
        req = r.json();
      }
    };
    await copyAll(`/v1/files/${targetId}/copy-chunk`, {
      source_id: source.id,
      source_stream_id: '0',
      source_etag: sourceAttrs.etag,
    });
    for (const s of named) {
      const stream = await q.call('POST', `/v1/files/${targetId}/streams/`, {
        json: { stream_name: s.name },
      });
      assert.equal(stream.status, 200, stream.body.toString());
      etag = stream.etag ?? etag;
      await copyAll(`/v1/files/${targetId}/streams/${stream.json().id}/copy-chunk`, {
        source_id: source.id,
        source_stream_id: s.id,
      });
    }

    // 7: the attributes, as `fs.set_file_attr` sends them.
    const patch = await q.call('PATCH', `/v1/files/${targetId}/info/attributes`, {
      json: {
        owner: String(source.owner),
        group: String(source.group),
        creation_time: source.creation_time,
        access_time: source.access_time,
        modification_time: source.modification_time,
        change_time: source.change_time,
        extended_attributes: source.extended_attributes,
      },
      headers: { 'if-match': etag },
    });
    assert.equal(patch.status, 200, patch.body.toString());
    assert.ok(patch.etag);

    // 8: the ACL, with the ETag the PATCH answered with.
    const acl = await q.call('PUT', `/v2/files/${targetId}/info/acl`, {
      json: sourceAcl.json(),
      headers: { 'if-match': patch.etag! },
    });
    assert.equal(acl.status, 200, acl.body.toString());

    const target = await attrsOf('/fsc/dst.bin');
    for (const k of [
      'mode',
      'size',
      'modification_time',
      'access_time',
      'change_time',
      'creation_time',
      'owner',
    ])
      assert.equal(target[k], source[k], k);
    assert.notEqual(target.id, source.id);
    assert.deepEqual(await readData(q, '/fsc/dst.bin'), body);
    assert.deepEqual(await readData(q, '/fsc/dst.bin', 'meta'), meta);
    assert.deepEqual((await q.get(`/v2/files/${targetId}/info/acl`)).json(), sourceAcl.json());
  });
});
