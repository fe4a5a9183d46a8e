// Qumulo copy-chunk's preconditions end to end: the target's If-Match and the source_etag (412, nothing written),
// a source_snapshot that does not hold the source (404), and read on the source with write on the target.
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

describe('Qumulo copy-chunk preconditions', () => {
  let env: QumuloEnv;
  let q: QClient;
  let projectId: string;
  const src = bytes(20_000, 21);
  const init = bytes(500, 22);

  before(async () => {
    env = await openQumulo();
    await env.user('pam', 'pam password');
    projectId = await env.project('pre', { pam: 'write' });
    await env.project('other', { pam: 'write' });
    await env.project('ro-src', { pam: 'read' });
    q = await env.login('pam', 'pam password');
    await createFile(q, '/pre/', 'src.bin');
    await q.call('PUT', `/v1/files/${ref('/pre/src.bin')}/data`, { data: src });
  });
  after(async () => env.close());

  let n = 0;
  async function target(): Promise<{ path: string; etag: string }> {
    const path = `/pre/t${n++}`;
    await createFile(q, '/pre/', path.slice(5));
    const r = await q.call('PUT', `/v1/files/${ref(path)}/data`, { data: init });
    return { path, etag: r.etag! };
  }
  const copy = (to: string, body: object, headers: Record<string, string> = {}) =>
    q.call('POST', `/v1/files/${ref(to)}/copy-chunk`, { json: body, headers });
  async function assertUnchanged(t: { path: string; etag: string }, what: string) {
    assert.deepEqual(await readData(q, t.path), init, `${what}: the target's bytes changed`);
    assert.equal(await etagOf(q, t.path), t.etag, `${what}: the target's ETag changed`);
  }

  test('a stale If-Match on the target is 412 and writes nothing; the current one copies', async () => {
    const t = await target();
    const stale = t.etag;
    const moved = await q.call('PATCH', `/v1/files/${ref(t.path)}/data?offset=0`, {
      data: init.subarray(0, 1),
    });
    t.etag = moved.etag!;
    assert.notEqual(t.etag, stale);
    for (const ifMatch of [stale, stale.replace(/"/g, ''), '"no-such-etag"']) {
      const r = await copy(t.path, { source_path: '/pre/src.bin' }, { 'if-match': ifMatch });
      assertQumuloError(r, 412, 'rest_precondition_failed_error', ifMatch);
      await assertUnchanged(t, ifMatch);
    }
    const ok = await copy(t.path, { source_path: '/pre/src.bin' }, { 'if-match': t.etag });
    assert.equal(ok.status, 200, ok.body.toString());
    assert.deepEqual(await readData(q, t.path), src);
  });

  test('a stale source_etag is 412 and writes nothing; the current one, quoted or bare, copies', async () => {
    await createFile(q, '/pre/', 'moving.bin');
    const first = await q.call('PUT', `/v1/files/${ref('/pre/moving.bin')}/data`, { data: bytes(1000, 23) });
    const second = await q.call('PUT', `/v1/files/${ref('/pre/moving.bin')}/data`, { data: bytes(1000, 24) });
    assert.notEqual(first.etag, second.etag);
    const t = await target();
    const r = await copy(t.path, { source_path: '/pre/moving.bin', source_etag: first.etag });
    assertQumuloError(r, 412, 'rest_precondition_failed_error', 'stale source_etag');
    // The refusal names the field the request sent, not the target's If-Match.
    assert.equal(r.json().description, 'The source_etag precondition did not hold.');
    await assertUnchanged(t, 'stale source_etag');
    for (const etag of [second.etag!, second.etag!.replace(/"/g, '')]) {
      const ok = await copy(t.path, { source_path: '/pre/moving.bin', source_etag: etag, length: '10' });
      assert.equal(ok.status, 200, ok.body.toString());
    }
    const want = Buffer.from(init);
    bytes(1000, 24).copy(want, 0, 0, 10);
    assert.deepEqual(await readData(q, t.path), want);
  });

  test('a source_snapshot that does not hold the source is 404: a file made after it, or outside its directory', async () => {
    await createFile(q, '/other/', 'outside.bin');
    await q.call('PUT', `/v1/files/${ref('/other/outside.bin')}/data`, { data: bytes(100, 25) });
    const snap = await q.call('POST', '/v3/snapshots/', { json: { source_file_id: projectId } });
    assert.equal(snap.status, 200, snap.body.toString());
    const id = snap.json().id;
    assert.equal(typeof id, 'number');
    await createFile(q, '/pre/', 'later.bin');
    await q.call('PUT', `/v1/files/${ref('/pre/later.bin')}/data`, { data: bytes(100, 26) });

    const t = await target();
    for (const source of ['/pre/later.bin', '/other/outside.bin']) {
      const r = await copy(t.path, { source_path: source, source_snapshot: id });
      assertQumuloError(r, 404, 'fs_no_such_entry_error', source);
      await assertUnchanged(t, source);
    }
    const unknown = await copy(t.path, { source_path: '/pre/src.bin', source_snapshot: id + 1000 });
    assertQumuloError(unknown, 404, 'rest_not_found_error', 'an unknown snapshot');
    await assertUnchanged(t, 'an unknown snapshot');
    // The snapshot does hold the source made before it.
    const ok = await copy(t.path, { source_path: '/pre/src.bin', source_snapshot: id, length: '100' });
    assert.equal(ok.status, 200, ok.body.toString());
    assert.equal(ok.body.length, 0, 'done in one call: an empty answer');
    assert.deepEqual((await readData(q, t.path)).subarray(0, 100), src.subarray(0, 100));
  });

  test('read on the source’s project is enough; the copy lands in a project the user writes', async () => {
    const root = await env.root();
    await createFile(root, '/ro-src/', 'given.bin');
    await root.call('PUT', `/v1/files/${ref('/ro-src/given.bin')}/data`, { data: bytes(3000, 27) });
    const t = await target();
    const r = await copy(t.path, { source_path: '/ro-src/given.bin' });
    assert.equal(r.status, 200, r.body.toString());
    assert.deepEqual(await readData(q, t.path), bytes(3000, 27));
    // Not the other way round: the read-only project is no target.
    const back = await q.call('POST', `/v1/files/${ref('/ro-src/given.bin')}/copy-chunk`, {
      json: { source_path: t.path },
    });
    assertQumuloError(back, 403, 'fs_access_denied_error', 'into a read-only project');
    assert.deepEqual(await readData(q, '/ro-src/given.bin'), bytes(3000, 27));
  });
});
