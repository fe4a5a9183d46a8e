// The Qumulo dialect's entries end to end: creating files and directories, attributes by path and by id, renames,
// deletes, and a listing of 2,600 entries followed page by page through paging.next.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertQumuloError,
  createDir,
  createFile,
  openQumulo,
  type QClient,
  type QumuloEnv,
  ref,
} from '../helpers/qumulo.ts';

describe('Qumulo entries', () => {
  let env: QumuloEnv;
  let q: QClient;
  let projectId: string;

  before(async () => {
    env = await openQumulo();
    await env.user('eve', 'eve password');
    projectId = await env.project('ent', { eve: 'write' });
    q = await env.login('eve', 'eve password');
  });
  after(async () => env.close());

  test('CREATE_DIRECTORY and CREATE_FILE answer the new entry’s attributes and ETag', async () => {
    const dir = await q.call('POST', `/v1/files/${ref('/ent/')}/entries/`, {
      json: { name: 'docs', action: 'CREATE_DIRECTORY' },
    });
    assert.equal(dir.status, 200, dir.body.toString());
    const d = dir.json();
    assert.equal(d.path, '/ent/docs/');
    assert.equal(d.name, 'docs');
    assert.equal(d.type, 'FS_FILE_TYPE_DIRECTORY');
    assert.match(d.id, /^[0-9]+$/);
    assert.equal(d.file_number, d.id);

    // The parent by id this time.
    const file = await q.call('POST', `/v1/files/${d.id}/entries/`, {
      json: { name: 'a.txt', action: 'CREATE_FILE' },
    });
    assert.equal(file.status, 200, file.body.toString());
    const f = file.json();
    assert.equal(f.path, '/ent/docs/a.txt');
    assert.equal(f.name, 'a.txt');
    assert.equal(f.type, 'FS_FILE_TYPE_FILE');
    assert.equal(f.size, '0');
    assert.match(f.id, /^[0-9]+$/);
    assert.notEqual(f.id, d.id);
    assert.match(f.mode, /^0[0-7]{3}$/);
    assert.ok(!Number.isNaN(Date.parse(f.modification_time)), f.modification_time);
    assert.match(file.etag ?? '', /^".+"$/);

    for (const r of [`/v1/files/${ref('/ent/docs/a.txt')}`, `/v1/files/${f.id}`]) {
      const a = await q.get(`${r}/info/attributes`);
      assert.equal(a.status, 200);
      assert.equal(a.json().id, f.id);
      assert.equal(a.json().path, '/ent/docs/a.txt');
      assert.equal(a.etag, file.etag);
    }
    const p = await q.get(`/v1/files/${ref('/ent/')}/info/attributes`);
    assert.equal(p.json().id, projectId);
    assert.equal(p.json().path, '/ent/');

    const dup = await q.call('POST', `/v1/files/${d.id}/entries/`, {
      json: { name: 'a.txt', action: 'CREATE_DIRECTORY' },
    });
    assertQumuloError(dup, 409, 'fs_entry_exists_error', 'a directory over a file');
    const orphan = await q.call('POST', `/v1/files/${ref('/ent/none/')}/entries/`, {
      json: { name: 'x', action: 'CREATE_FILE' },
    });
    assertQumuloError(orphan, 404, 'fs_no_such_entry_error', 'a missing parent');
    const atRoot = await q.call('POST', `/v1/files/${ref('/')}/entries/`, {
      json: { name: 'new-project', action: 'CREATE_DIRECTORY' },
    });
    assertQumuloError(atRoot, 403, 'fs_access_denied_error', 'a project through the dialect');
    const slash = await q.call('POST', `/v1/files/${d.id}/entries/`, {
      json: { name: 'x/y', action: 'CREATE_FILE' },
    });
    assertQumuloError(slash, 400, 'fs_invalid_name_error', 'a name with a slash');
  });

  test('data_revision grows with each write of the bytes and only then; user_metadata_revision stays', async () => {
    const made = await createFile(q, '/ent/', 'rev.txt');
    const at = `/v1/files/${ref('/ent/rev.txt')}`;
    const revisions = async () => {
      const a = (await q.get(`${at}/info/attributes`)).json();
      return [a.data_revision, a.user_metadata_revision];
    };
    const [first, meta] = await revisions();
    assert.match(first, /^[0-9]+$/);
    assert.equal(made.data_revision, first, 'the create answers the revision it made');
    assert.equal(meta, '0');

    const put = await q.call('PUT', `${at}/data`, { data: Buffer.from('one') });
    assert.equal(put.status, 200, put.body.toString());
    const [second] = await revisions();
    assert.ok(BigInt(second) > BigInt(first), `${second} after ${first}`);
    assert.equal(put.json().data_revision, second, 'the write answers the new revision');
    const patched = await q.call('PATCH', `${at}/data?offset=3`, { data: Buffer.from('two') });
    assert.equal(patched.status, 200, patched.body.toString());
    const [third] = await revisions();
    assert.ok(BigInt(third) > BigInt(second), `${third} after ${second}`);

    const mode = await q.call('PATCH', `${at}/info/attributes`, { json: { mode: '0600' } });
    assert.equal(mode.status, 200, mode.body.toString());
    assert.deepEqual(await revisions(), [third, '0'], 'a change of attributes is no change of the data');
    assert.equal((await q.get(`${at}/data`)).body.toString(), 'onetwo');
  });

  test('PATCH info/attributes sets a mode; RENAME moves a file and refuses an existing name without clobber', async () => {
    const dir = await createDir(q, '/ent/', 'ren');
    const a = await createFile(q, '/ent/ren/', 'a');
    await createFile(q, '/ent/ren/', 'b');
    const mode = await q.call('PATCH', `/v1/files/${a.id}/info/attributes`, { json: { mode: '0600' } });
    assert.equal(mode.status, 200, mode.body.toString());
    assert.equal(mode.json().mode, '0600');
    assert.equal((await q.get(`/v1/files/${a.id}/info/attributes`)).json().mode, '0600');
    // The root's and a project's attributes are fixed, by id or by path.
    for (const fixed of ['2', projectId, ref('/'), ref('/ent/')])
      assertQumuloError(
        await q.call('PATCH', `/v1/files/${fixed}/info/attributes`, { json: { mode: '0777' } }),
        400,
        'rest_invalid_request_error',
        `a mode on ${fixed}`,
      );

    const clash = await q.call('POST', `/v1/files/${dir.id}/entries/`, {
      json: { name: 'b', action: 'RENAME', old_path: '/ent/ren/a' },
    });
    assertQumuloError(clash, 409, 'fs_entry_exists_error', 'rename onto b');
    const moved = await q.call('POST', `/v1/files/${dir.id}/entries/`, {
      json: { name: 'c', action: 'RENAME', old_path: '/ent/ren/a' },
    });
    assert.equal(moved.status, 200, moved.body.toString());
    assert.equal(moved.json().id, a.id, 'a rename keeps the id');
    assert.equal(moved.json().path, '/ent/ren/c');
    assertQumuloError(
      await q.get(`/v1/files/${ref('/ent/ren/a')}/info/attributes`),
      404,
      'fs_no_such_entry_error',
    );
    const clobber = await q.call('POST', `/v1/files/${dir.id}/entries/`, {
      json: { name: 'b', action: 'RENAME', old_path: '/ent/ren/c', clobber: true },
    });
    assert.equal(clobber.status, 200, clobber.body.toString());
    assert.equal(clobber.json().id, a.id);
    const names = (await q.get(`/v1/files/${dir.id}/entries/`))
      .json()
      .files.map((f: { name: string }) => f.name);
    assert.deepEqual(names, ['b']);
  });

  test('DELETE removes a file (200, empty); a non-empty directory is 409, a project 403', async () => {
    await createDir(q, '/ent/', 'del');
    const f = await createFile(q, '/ent/del/', 'gone.txt');
    assertQumuloError(await q.call('DELETE', `/v1/files/${ref('/ent/del/')}`), 409, 'fs_not_empty_error');
    const r = await q.call('DELETE', `/v1/files/${f.id}`);
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers['content-length'], '0');
    assertQumuloError(await q.get(`/v1/files/${f.id}/info/attributes`), 404, 'fs_no_such_entry_error');
    const dir = await q.call('DELETE', `/v1/files/${ref('/ent/del/')}`);
    assert.equal(dir.status, 200, dir.body.toString());
    assertQumuloError(await q.get(`/v1/files/${ref('/ent/del/')}/entries/`), 404, 'fs_no_such_entry_error');
    assertQumuloError(await q.call('DELETE', `/v1/files/${projectId}`), 403, 'fs_access_denied_error');
    assertQumuloError(await q.call('DELETE', '/v1/files/2'), 403, 'fs_access_denied_error');
    assert.equal((await q.get(`/v1/files/${projectId}/info/attributes`)).status, 200);
  });

  test('a listing of 2,600 entries pages through paging.next until "", every name once and in order', async () => {
    const dir = await createDir(q, '/ent/', 'many');
    // Names of different lengths and cases, made in a shuffled order, so that creation order is not name order.
    const names = Array.from({ length: 2600 }, (_, i) =>
      i % 7 === 0 ? `F${i * 7919}` : `f-${i.toString(36)}`,
    );
    const order = names.map((_, i) => (i * 1031) % names.length);
    assert.equal(new Set(order).size, names.length);
    let next = 0;
    const worker = async () => {
      while (next < order.length) {
        const name = names[order[next++]!]!;
        if (name.endsWith('0')) await createDir(q, '/ent/many/', name);
        else await createFile(q, '/ent/many/', name);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const expected = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    for (const first of [
      `/v1/files/${ref('/ent/many/')}/entries/?limit=700`,
      `/v1/files/${dir.id}/entries/`,
    ]) {
      const seen: string[] = [];
      let pages = 0;
      let url = first;
      while (url !== '') {
        const r = await q.get(url);
        assert.equal(r.status, 200, `${url}: ${r.body.toString()}`);
        const page = r.json();
        pages++;
        assert.equal(page.path, '/ent/many/');
        assert.equal(page.id, dir.id);
        assert.equal(page.child_count, names.length);
        assert.equal(page.paging.prev, '');
        assert.ok(
          page.files.length <= (first.includes('limit=700') ? 700 : 1000),
          `page of ${page.files.length}`,
        );
        for (const f of page.files) {
          seen.push(f.name);
          assert.equal(f.type, f.name.endsWith('0') ? 'FS_FILE_TYPE_DIRECTORY' : 'FS_FILE_TYPE_FILE', f.name);
          assert.equal(f.path, f.name.endsWith('0') ? `/ent/many/${f.name}/` : `/ent/many/${f.name}`);
        }
        assert.equal(typeof page.paging.next, 'string');
        assert.ok(pages < 100, 'paging does not end');
        url = page.paging.next;
      }
      assert.ok(pages >= 3, `${first}: ${pages} pages`);
      assert.equal(seen.length, expected.length, first);
      assert.deepEqual(seen, expected, first);
    }
  });

  test('listing a file is 400 fs_not_a_directory_error', async () => {
    await createFile(q, '/ent/', 'plain');
    const r = await q.get(`/v1/files/${ref('/ent/plain')}/entries/`);
    assertQumuloError(r, 400, 'fs_not_a_directory_error');
    // So is a file's path written as a directory's ('/' at its end); nothing there is 404.
    const attrs = await q.get(`/v1/files/${ref('/ent/plain/')}/info/attributes`);
    assertQumuloError(attrs, 400, 'fs_not_a_directory_error', 'a file path ending in /');
    assertQumuloError(
      await q.get(`/v1/files/${ref('/ent/none/')}/info/attributes`),
      404,
      'fs_no_such_entry_error',
    );
  });
});
