// The SAS Folders and Types services end to end over HTTPS, with bearer tokens from SAS Logon as SAS clients send
// them: top-level folders (projects) and folders made, found by path and by id with their validators, members paged,
// filtered and sorted, a member added (moved) and deleted, folders deleted (recursively too); and every bad request
// answered in the SAS error shape, changing nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openSas, type SasAnswer, type SasEnv } from '../helpers/sas.ts';

const SAS_CLI = { id: 'sas.cli', secret: '' };
const UUID = /^6d696d65-6f00-8000-8[0-9a-f]{3}-[0-9a-f]{12}$/;
const FOLDER_JSON = 'application/vnd.sas.content.folder+json;version=1';

/** A SAS error answer: its status, the SAS error media type, and the body's fields. */
function assertSasError(r: SasAnswer, status: number, errorCode?: number): Record<string, unknown> {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers['content-type'], 'application/vnd.sas.error+json', r.text);
  const body = JSON.parse(r.text);
  assert.equal(body.version, 2);
  assert.equal(body.httpStatusCode, status);
  if (errorCode !== undefined) assert.equal(body.errorCode, errorCode, r.text);
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.details) && String(body.details[0]).startsWith('path: '), r.text);
  return body;
}

describe('SAS Folders and Types services', () => {
  let env: SasEnv;
  let ana: string;
  let bo: string;
  /** A request as a SAS client sends it: the bearer token, JSON in and out. */
  const sas = (
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    env.call(method, path, {
      headers: {
        accept: 'application/json',
        ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
  const tokenOf = async (username: string, password: string) =>
    (await env.token({ grant_type: 'password', username, password }, SAS_CLI)).json().access_token as string;
  /** Makes a folder in `parentId` as ana; its representation. */
  const mkdir = async (parentId: string, name: string) => {
    const r = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${parentId}`, {
      token: ana,
      body: { name, type: 'folder' },
    });
    assert.equal(r.status, 201, r.text);
    return r.json();
  };
  /** Writes a file through the native API as ana. */
  const put = async (project: string, path: string, text: string) => {
    const r = await env.call('PUT', `/api/v1/projects/${project}/files/${path}`, {
      headers: { authorization: `Bearer ${ana}`, 'content-type': 'text/plain' },
      body: text,
    });
    assert.equal(r.status, 201, r.text);
  };
  const byPath = async (path: string, token = ana) =>
    sas('GET', `/folders/folders/@item?path=${encodeURIComponent(path)}`, { token });
  const members = async (id: string, query = '', token = ana) =>
    sas('GET', `/folders/folders/${id}/members${query}`, { token });

  let proj: { id: string } & Record<string, unknown>;

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.user('bo', 'bo password 22');
    ana = await tokenOf('ana', 'ana password 1');
    bo = await tokenOf('bo', 'bo password 22');
    const r = await sas('POST', '/folders/folders', {
      token: ana,
      body: { name: 'ana-proj', type: 'folder' },
    });
    assert.equal(r.status, 201, r.text);
    proj = r.json();
    await env.native('PUT', '/api/v1/projects/ana-proj/members/bo', { role: 'read' });
  });
  after(async () => env.close());

  test('a folder made without parentFolderUri is a top-level folder: a project, with no parent', async () => {
    assert.match(proj.id, UUID);
    assert.equal(proj['name'], 'ana-proj');
    assert.equal(proj['type'], 'folder');
    assert.equal(proj['memberCount'], 0);
    assert.equal(proj['parentFolderUri'], undefined);
    assert.equal(proj['createdBy'], 'ana');
    assert.match(String(proj['creationTimeStamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const projects = (await env.native('GET', '/api/v1/projects')) as { projects: { name: string }[] };
    assert.ok(projects.projects.some((p) => p.name === 'ana-proj'));
    // Its name is a project's: S3 bucket rules.
    const bad = await sas('POST', '/folders/folders', {
      token: ana,
      body: { name: 'Ana Proj', type: 'folder' },
    });
    assertSasError(bad, 400, 11560);
    const again = await sas('POST', '/folders/folders', {
      token: ana,
      body: { name: 'ana-proj', type: 'folder' },
    });
    assertSasError(again, 409);
  });

  test('a folder is made from a body typed application/vnd.sas.content.folder, without +json, too', async () => {
    const r = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
      token: ana,
      body: { name: 'bare-typed', type: 'folder' },
      headers: { 'content-type': 'application/vnd.sas.content.folder' },
    });
    assert.equal(r.status, 201, r.text);
    const made = JSON.parse(r.text);
    assert.equal(made.name, 'bare-typed');
    // Gone again, so that the project's members are as the tests below count them.
    assert.equal((await sas('DELETE', `/folders/folders/${made.id}`, { token: ana })).status, 204);
    const refused = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
      token: ana,
      body: { name: 'text-typed', type: 'folder' },
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(refused.status, 415, refused.text);
    assert.equal((await byPath('/ana-proj/text-typed')).status, 404);
  });

  test('create a folder in a folder: 201 with Location, ETag and Last-Modified; found by path and by id', async () => {
    const r = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
      token: ana,
      body: { name: 'app', type: 'folder', description: 'the app' },
      headers: {
        accept: 'application/vnd.sas.content.folder+json',
        'content-type': 'application/vnd.sas.content.folder+json',
      },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers['content-type'], FOLDER_JSON);
    const app = JSON.parse(r.text);
    assert.match(app.id, UUID);
    assert.equal(r.headers.location, `/folders/folders/${app.id}`);
    assert.match(String(r.headers.etag), /^".+"$/);
    assert.equal(r.headers['last-modified'], new Date(app.modifiedTimeStamp).toUTCString());
    assert.equal(app.name, 'app');
    assert.equal(app.type, 'folder');
    assert.equal(app.parentFolderUri, `/folders/folders/${proj.id}`);
    assert.equal(app.memberCount, 0);
    assert.equal(app.createdBy, 'ana');
    assert.equal(app.modifiedBy, 'ana');
    const rels = (app.links as { method: string; rel: string; href: string; uri: string }[]).map(
      (l) => `${l.method} ${l.rel} ${l.href}`,
    );
    const self = `/folders/folders/${app.id}`;
    assert.deepEqual(rels, [
      `GET self ${self}`,
      `PATCH patch ${self}`,
      `DELETE delete ${self}`,
      `GET members ${self}/members`,
      `POST addMember ${self}/members`,
      `POST createChild /folders/folders?parentFolderUri=${self}`,
      `GET up /folders/folders/${proj.id}`,
    ]);

    const found = await byPath('/ana-proj/app');
    assert.equal(found.status, 200, found.text);
    assert.equal(found.headers['content-type'], 'application/json');
    assert.deepEqual(found.json(), app);
    assert.equal(found.headers.etag, r.headers.etag);
    const trailing = await byPath('/ana-proj/app/');
    assert.equal(trailing.json().id, app.id);

    const byId = await sas('GET', `/folders/folders/${app.id}`, { token: ana, headers: { accept: '*/*' } });
    assert.equal(byId.status, 200);
    assert.equal(byId.headers['content-type'], FOLDER_JSON);
    assert.equal(byId.headers.etag, r.headers.etag);
    assert.equal(byId.headers['last-modified'], r.headers['last-modified']);
    // Upper-case hex names the same folder.
    const upper = await sas('GET', `/folders/folders/${String(app.id).toUpperCase()}`, { token: ana });
    assert.equal(upper.json().id, app.id);

    const top = await byPath('/ana-proj');
    assert.equal(top.json().id, proj.id);
    assert.equal(top.json().memberCount, 1);
    // A reader sees it too.
    assert.equal((await byPath('/ana-proj/app', bo)).json().id, app.id);

    const dup = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
      token: ana,
      body: { name: 'app', type: 'folder' },
    });
    const err = assertSasError(dup, 409, 11543);
    assert.match(String(err['message']), /already exists/);
  });

  test('members: paged with count and links, filtered, sorted; files and folders with their URIs', async () => {
    const box = await mkdir(proj.id, 'box');
    for (let i = 0; i < 7; i++) await mkdir(box.id, `dir-${i}`);
    for (let i = 0; i < 5; i++) await put('ana-proj', `box/file-${i}.sas`, `data ${i}`);

    const first = await members(box.id, '?limit=5');
    assert.equal(first.status, 200, first.text);
    const page = first.json();
    assert.equal(page.count, 12);
    assert.equal(page.start, 0);
    assert.equal(page.limit, 5);
    assert.equal(page.name, 'items');
    assert.equal(page.accept, 'application/vnd.sas.content.folder.member');
    assert.deepEqual(
      page.items.map((m: { name: string }) => m.name),
      ['dir-0', 'dir-1', 'dir-2', 'dir-3', 'dir-4'],
    );
    const next = page.links.find((l: { rel: string }) => l.rel === 'next');
    assert.equal(next.href, `/folders/folders/${box.id}/members?start=5&limit=5`);
    const last = await sas('GET', page.links.find((l: { rel: string }) => l.rel === 'last').href, {
      token: ana,
    });
    assert.deepEqual(
      last.json().items.map((m: { name: string }) => m.name),
      ['file-3.sas', 'file-4.sas'],
    );
    assert.equal(
      last.json().links.find((l: { rel: string }) => l.rel === 'next'),
      undefined,
    );

    // As @sasjs/adapter asks, and as it reads the answer: a file by name, then its uri.
    const all = (await members(box.id, '?limit=1000')).json();
    assert.equal(all.items.length, 12);
    const file = all.items.find((m: { name: string }) => m.name === 'file-2.sas');
    assert.equal(file.type, 'child');
    assert.equal(file.contentType, 'file');
    assert.match(file.uri, /^\/files\/files\/6d696d65-/);
    assert.equal(file.id, file.uri.slice('/files/files/'.length));
    assert.equal(file.parentFolderUri, `/folders/folders/${box.id}`);
    assert.equal(file.createdBy, 'ana');
    const dir = all.items.find((m: { name: string }) => m.name === 'dir-3');
    assert.equal(dir.contentType, 'folder');
    assert.match(dir.uri, /^\/folders\/folders\/6d696d65-/);
    assert.equal((await sas('GET', dir.uri, { token: ana })).json().name, 'dir-3');

    const one = await members(box.id, `?filter=${encodeURIComponent("eq(name,'file-2.sas')")}`);
    assert.equal(one.json().count, 1);
    assert.equal(one.json().items[0].uri, file.uri);
    const files = await members(
      box.id,
      `?filter=${encodeURIComponent("eq(contentType,'file')")}&sortBy=name:descending&limit=2&start=1`,
    );
    assert.equal(files.json().count, 5);
    assert.deepEqual(
      files.json().items.map((m: { name: string }) => m.name),
      ['file-3.sas', 'file-2.sas'],
    );
    const prev = files.json().links.find((l: { rel: string }) => l.rel === 'prev');
    assert.equal(
      prev.href,
      `/folders/folders/${box.id}/members?${new URLSearchParams({ filter: "eq(contentType,'file')", sortBy: 'name:descending', start: '0', limit: '2' })}`,
    );
    assert.equal((await members(box.id, '?limit=0')).json().count, 12);
    assert.equal((await sas('GET', `/folders/folders/${box.id}`, { token: ana })).json().memberCount, 12);

    // A member by its id, with its validators.
    const m = await sas('GET', `/folders/folders/${box.id}/members/${file.id}`, {
      token: ana,
      headers: { accept: 'application/vnd.sas.content.folder.member+json' },
    });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.headers['content-type'], 'application/vnd.sas.content.folder.member+json;version=1');
    assert.match(String(m.headers.etag), /^".+"$/);
    assert.deepEqual(JSON.parse(m.text), file);
    assertSasError(await sas('GET', `/folders/folders/${proj.id}/members/${file.id}`, { token: ana }), 404);

    assertSasError(await members(box.id, '?filter=eq(name'), 400);
    assertSasError(await members(box.id, '?sortBy=name:sideways'), 400);
    assertSasError(await members(box.id, '?limit=-1'), 400);
  });

  test('a member added from another folder moves there, keeping its id; added again it is as it was', async () => {
    const src = await mkdir(proj.id, 'src');
    const dst = await mkdir(proj.id, 'dst');
    await put('ana-proj', 'src/a.txt', 'hello');
    const file = (await members(src.id)).json().items[0];
    const add = { uri: file.uri, type: 'CHILD', name: 'a.txt', contentType: 'file' };
    const r = await sas('POST', `/folders/folders/${dst.id}/members`, { token: ana, body: add });
    assert.equal(r.status, 201, r.text);
    const m = r.json();
    assert.equal(m.id, file.id);
    assert.equal(m.uri, file.uri);
    assert.equal(m.parentFolderUri, `/folders/folders/${dst.id}`);
    assert.equal(r.headers.location, `/folders/folders/${dst.id}/members/${file.id}`);
    assert.equal((await members(src.id)).json().count, 0);
    assert.deepEqual(
      (await members(dst.id)).json().items.map((i: { id: string }) => i.id),
      [file.id],
    );
    const same = await sas('POST', `/folders/folders/${dst.id}/members`, { token: ana, body: add });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.json().id, file.id);
    // Another name renames it; a folder moves with what it holds.
    const renamed = await sas('POST', `/folders/folders/${dst.id}/members`, {
      token: ana,
      body: { ...add, name: 'b.txt' },
    });
    assert.equal(renamed.status, 201);
    assert.equal(renamed.json().name, 'b.txt');
    const moved = await sas('POST', `/folders/folders/${src.id}/members`, {
      token: ana,
      body: { uri: `/folders/folders/${dst.id}`, type: 'child', contentType: 'folder' },
    });
    assert.equal(moved.status, 201, moved.text);
    assert.equal((await byPath('/ana-proj/src/dst')).json().id, dst.id);
    assert.equal((await members(dst.id)).json().items[0].name, 'b.txt');

    // Bad members change nothing.
    const before = (await members(src.id)).text;
    const cases: [unknown, number][] = [
      [{ ...add, type: 'reference' }, 400],
      [{ uri: '/files/files/not-a-uuid', type: 'CHILD' }, 400],
      [{ uri: '/jobs/jobs/x', type: 'CHILD' }, 400],
      [{ uri: '/files/files/6d696d65-6f00-8000-8fff-ffffffffffff', type: 'CHILD' }, 404],
      [{ uri: `/files/files/${dst.id}`, type: 'CHILD' }, 404],
      [{ uri: `/folders/folders/${proj.id}`, type: 'CHILD' }, 400],
      [{ uri: `/folders/folders/${src.id}`, type: 'CHILD' }, 400],
      [{ uri: `/folders/folders/${dst.id}`, type: 'CHILD', contentType: 'file' }, 400],
      [{ ...add, uri: m.uri, name: 'x/y' }, 400],
    ];
    for (const [body, status] of cases)
      assertSasError(await sas('POST', `/folders/folders/${src.id}/members`, { token: ana, body }), status);
    assert.equal((await members(src.id)).text, before);
  });

  test('delete: a member file, an empty folder, a full one only with recursive=true, then it is gone', async () => {
    const tree = await mkdir(proj.id, 'tree');
    const sub = await mkdir(tree.id, 'sub');
    await put('ana-proj', 'tree/sub/deep/x.txt', 'x');
    await put('ana-proj', 'tree/y.txt', 'y');
    const y = (await members(tree.id, `?filter=${encodeURIComponent("eq(name,'y.txt')")}`)).json().items[0];
    const gone = await sas('DELETE', `/folders/folders/${tree.id}/members/${y.id}`, { token: ana });
    assert.equal(gone.status, 204, gone.text);
    assert.equal(gone.text, '');
    assert.equal((await members(tree.id)).json().count, 1);
    assertSasError(await sas('DELETE', `/folders/folders/${tree.id}/members/${y.id}`, { token: ana }), 404);

    const full = await sas('DELETE', `/folders/folders/${tree.id}`, { token: ana });
    assertSasError(full, 409, 11544);
    assert.equal((await byPath('/ana-proj/tree/sub/deep')).status, 200);
    assertSasError(await sas('DELETE', `/folders/folders/${tree.id}?recursive=yes`, { token: ana }), 400);

    const all = await sas('DELETE', `/folders/folders/${tree.id}?recursive=true`, { token: ana });
    assert.equal(all.status, 204, all.text);
    assertSasError(await sas('GET', `/folders/folders/${tree.id}`, { token: ana }), 404);
    assertSasError(await sas('GET', `/folders/folders/${sub.id}`, { token: ana }), 404);
    assertSasError(await byPath('/ana-proj/tree'), 404);

    const empty = await mkdir(proj.id, 'empty');
    assert.equal((await sas('DELETE', `/folders/folders/${empty.id}`, { token: ana })).status, 204);
    assertSasError(await sas('DELETE', `/folders/folders/${empty.id}`, { token: ana }), 404);
  });

  test('a top-level folder is deleted as its project: empty, or holding only folders with recursive=true', async () => {
    const p = (await sas('POST', '/folders/folders', { token: ana, body: { name: 'ana-scratch' } })).json();
    await mkdir(p.id, 'inner');
    assertSasError(await sas('DELETE', `/folders/folders/${p.id}`, { token: ana }), 409, 11542);
    await put('ana-scratch', 'inner/f.txt', 'f');
    assertSasError(
      await sas('DELETE', `/folders/folders/${p.id}?recursive=true`, { token: ana }),
      409,
      11542,
    );
    await env.native('DELETE', '/api/v1/projects/ana-scratch/files/inner/f.txt');
    const r = await sas('DELETE', `/folders/folders/${p.id}?recursive=true`, { token: ana });
    assert.equal(r.status, 204, r.text);
    assertSasError(await byPath('/ana-scratch'), 404);
  });

  test('PATCH renames a folder or moves it into another, keeping its id; If-Match, when sent, must hold', async () => {
    const from = await mkdir(proj.id, 'from');
    const into = await mkdir(proj.id, 'into');
    await put('ana-proj', 'from/f.txt', 'f');
    const read = await sas('GET', `/folders/folders/${from.id}`, { token: ana });
    const stale = await sas('PATCH', `/folders/folders/${from.id}`, {
      token: ana,
      body: { name: 'x' },
      headers: { 'if-match': '"not-the-tag"' },
    });
    assertSasError(stale, 412);
    const renamed = await sas('PATCH', `/folders/folders/${from.id}`, {
      token: ana,
      body: { name: 'renamed' },
      headers: { 'if-match': String(read.headers.etag) },
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json().id, from.id);
    assert.equal(renamed.json().name, 'renamed');
    assert.notEqual(renamed.headers.etag, read.headers.etag);
    assertSasError(await byPath('/ana-proj/from'), 404);
    // As @sasjs/adapter's moveFolder sends it: the id, the name, the new parent, no If-Match.
    const moved = await sas('PATCH', `/folders/folders/${from.id}`, {
      token: ana,
      body: { id: from.id, name: 'renamed', parentFolderUri: `/folders/folders/${into.id}` },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json().parentFolderUri, `/folders/folders/${into.id}`);
    const again = await byPath('/ana-proj/into/renamed');
    assert.equal(again.json().id, from.id);
    assert.equal(again.json().memberCount, 1);
    assert.equal((await members(from.id)).json().items[0].name, 'f.txt');

    const bad: [unknown, number][] = [
      [{ id: into.id }, 400],
      [{ name: '' }, 400],
      [{ name: 'a/b' }, 400],
      [{ parentFolderUri: `/folders/folders/${from.id}` }, 400],
      [{ parentFolderUri: '/folders/folders/6d696d65-6f00-8000-8fff-ffffffffffff' }, 404],
      [{ name: 'into', parentFolderUri: `/folders/folders/${proj.id}` }, 409],
    ];
    for (const [body, status] of bad)
      assertSasError(await sas('PATCH', `/folders/folders/${from.id}`, { token: ana, body }), status);
    assertSasError(
      await sas('PATCH', `/folders/folders/${proj.id}`, { token: ana, body: { name: 'other-name' } }),
      400,
    );
    assertSasError(
      await sas('PATCH', `/folders/folders/${from.id}`, { token: bo, body: { name: 'by-bo' } }),
      403,
    );
    assert.equal((await byPath('/ana-proj/into/renamed')).json().id, from.id);
  });

  test('the top-level folders listed are the projects the caller holds a role on', async () => {
    await env.native('POST', '/api/v1/projects', { name: 'root-only' });
    const r = await sas('GET', '/folders/folders?limit=100', { token: bo });
    assert.equal(r.status, 200, r.text);
    const list = r.json();
    assert.equal(list.count, 1);
    assert.equal(list.accept, 'application/vnd.sas.content.folder');
    assert.equal(list.items[0].id, proj.id);
    assert.equal(list.items[0].memberCount, (await byPath('/ana-proj')).json().memberCount);
    const named = await sas('GET', `/folders/rootFolders?filter=${encodeURIComponent("eq(name,'nope')")}`, {
      token: ana,
    });
    assert.equal(named.json().count, 0);
  });

  test('the Types service is an empty registry: a collection with no items, and no type by name', async () => {
    const r = await sas('GET', '/types/types?limit=999999', { token: ana });
    assert.equal(r.status, 200, r.text);
    const t = r.json();
    assert.deepEqual(t.items, []);
    assert.equal(t.count, 0);
    assert.equal(t.version, 2);
    const sasType = await sas('GET', '/types/types', {
      token: ana,
      headers: { accept: 'application/vnd.sas.collection+json' },
    });
    assert.equal(sasType.headers['content-type'], 'application/vnd.sas.collection+json;version=2');
    assertSasError(await sas('GET', '/types/types/file', { token: ana }), 404, 11511);
    assertSasError(await sas('GET', '/types/types', {}), 401);
  });

  test('@item: no path is 400, a malformed one 400, the root and unknown paths 404, a file is no folder', async () => {
    await put('ana-proj', 'doc.txt', 'doc');
    assertSasError(await sas('GET', '/folders/folders/@item', { token: ana }), 400);
    assertSasError(await byPath('ana-proj'), 400, 11561);
    assertSasError(await byPath('/ana-proj//app'), 400);
    assertSasError(await byPath('//'), 400);
    assertSasError(await byPath('/ana-proj/../ana-proj'), 400);
    assertSasError(await byPath('/'), 404);
    assertSasError(await byPath('/Public/app'), 404);
    assertSasError(await byPath('/ana-proj/nothing'), 404);
    assertSasError(await byPath('/ana-proj/doc.txt'), 404);
    assertSasError(await byPath('/root-only'), 403);
  });

  test('an Accept of another folder or member version is 415 before a create, patch or member add changes anything', async () => {
    const folder = { accept: 'application/vnd.sas.content.folder+json;version=9' };
    const member = { accept: 'application/vnd.sas.content.folder.member+json;version=9' };
    const from = await mkdir(proj.id, 'accept-from');
    const into = await mkdir(proj.id, 'accept-into');
    const state = async () => (await members(proj.id, '?limit=1000')).text;
    const before = await state();
    const roots = (await sas('GET', '/folders/folders?limit=1000', { token: ana })).text;
    assertSasError(
      await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
        token: ana,
        body: { name: 'accept-new', type: 'folder' },
        headers: folder,
      }),
      415,
    );
    assertSasError(
      await sas('POST', '/folders/folders', { token: ana, body: { name: 'accept-proj' }, headers: folder }),
      415,
    );
    assertSasError(
      await sas('PATCH', `/folders/folders/${from.id}`, {
        token: ana,
        body: { name: 'accept-renamed' },
        headers: folder,
      }),
      415,
    );
    assertSasError(
      await sas('POST', `/folders/folders/${into.id}/members`, {
        token: ana,
        body: { uri: `/folders/folders/${from.id}`, type: 'CHILD' },
        headers: member,
      }),
      415,
    );
    assert.equal(await state(), before);
    assert.equal((await sas('GET', '/folders/folders?limit=1000', { token: ana })).text, roots);
    assert.equal((await members(into.id)).json().count, 0);
  });

  test('a body typed as another folder or member version is 415 and changes nothing; version 1 is read', async () => {
    const from = await mkdir(proj.id, 'body-from');
    const into = await mkdir(proj.id, 'body-into');
    const state = async () => (await members(proj.id, '?limit=1000')).text;
    const before = await state();
    const typed = (type: string) => ({ 'content-type': type });
    assertSasError(
      await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
        token: ana,
        body: { name: 'body-new', type: 'folder' },
        headers: typed('application/vnd.sas.content.folder+json;version=2'),
      }),
      415,
      41501,
    );
    assertSasError(
      await sas('PATCH', `/folders/folders/${from.id}`, {
        token: ana,
        body: { name: 'body-renamed' },
        headers: typed('application/vnd.sas.content.folder;version=7'),
      }),
      415,
      41501,
    );
    assertSasError(
      await sas('POST', `/folders/folders/${into.id}/members`, {
        token: ana,
        body: { uri: `/folders/folders/${from.id}`, type: 'CHILD' },
        headers: typed('application/vnd.sas.content.folder.member+json;version=2'),
      }),
      415,
      41501,
    );
    assert.equal(await state(), before);
    assert.equal((await members(into.id)).json().count, 0);
    const made = await sas('POST', `/folders/folders?parentFolderUri=/folders/folders/${proj.id}`, {
      token: ana,
      body: { name: 'body-v1', type: 'folder' },
      headers: typed(FOLDER_JSON),
    });
    assert.equal(made.status, 201, made.text);
  });

  test('bad requests get the SAS error shape and change nothing', async () => {
    const state = async () => (await members(proj.id, '?limit=1000')).text;
    const before = await state();
    const doc = (await members(proj.id, `?filter=${encodeURIComponent("eq(name,'doc.txt')")}`)).json()
      .items[0];
    const create = (query: string, body: unknown, token: string | null = ana) =>
      sas('POST', `/folders/folders${query}`, { token: token ?? undefined, body });
    const under = `?parentFolderUri=/folders/folders/${proj.id}`;

    assertSasError(await sas('GET', '/folders/folders/not-a-uuid', { token: ana }), 400, 11563);
    assertSasError(
      await sas('GET', '/folders/folders/6d696d65-6f00-8000-8fff-ffffffffffff', { token: ana }),
      404,
    );
    assertSasError(
      await sas('GET', '/folders/folders/123e4567-e89b-12d3-a456-426614174000', { token: ana }),
      404,
    );
    assertSasError(await sas('GET', `/folders/folders/${doc.id}`, { token: ana }), 404);
    assertSasError(await sas('GET', `/folders/folders/${doc.id}/members`, { token: ana }), 404);
    assertSasError(await create('?parentFolderUri=/files/files/x', { name: 'n' }), 400, 11563);
    assertSasError(await create(`?parentFolderUri=${doc.uri}`, { name: 'n' }), 400);
    assertSasError(await create(`?parentFolderUri=/folders/folders/${doc.id}`, { name: 'n' }), 400, 11565);
    assertSasError(
      await create('?parentFolderUri=/folders/folders/6d696d65-6f00-8000-8fff-ffffffffffff', { name: 'n' }),
      404,
    );
    assertSasError(await create(under, { name: '' }), 400);
    assertSasError(await create(under, { name: 'a/b' }), 400);
    assertSasError(await create(under, { name: 'n', type: 'file' }), 400);
    assertSasError(await create(under, ['n']), 400);
    const text = await env.call('POST', `/folders/folders${under}`, {
      headers: { authorization: `Bearer ${ana}`, 'content-type': 'text/plain' },
      body: '{"name":"n"}',
    });
    assertSasError(text, 415, 41501);
    assertSasError(
      await sas('GET', `/folders/folders/${proj.id}`, {
        token: ana,
        headers: { accept: 'application/vnd.sas.content.folder+json;version=9' },
      }),
      415,
    );

    const anon = await create(under, { name: 'n' }, null);
    assertSasError(anon, 401);
    assert.match(String(anon.headers['www-authenticate']), /^Bearer /);
    assertSasError(await create(under, { name: 'n' }, 'not-a-token'), 401);
    assertSasError(await sas('GET', `/folders/folders/${proj.id}`, {}), 401);

    // bo reads ana-proj but may not write to it.
    assertSasError(await create(under, { name: 'n' }, bo), 403);
    assertSasError(
      await sas('DELETE', `/folders/folders/${doc.parentFolderUri.split('/').pop()}/members/${doc.id}`, {
        token: bo,
      }),
      403,
    );
    const app = (await byPath('/ana-proj/app')).json();
    assertSasError(await sas('DELETE', `/folders/folders/${app.id}`, { token: bo }), 403);
    assertSasError(await sas('DELETE', `/folders/folders/${proj.id}`, { token: bo }), 403);
    assertSasError(
      await sas('POST', `/folders/folders/${app.id}/members`, {
        token: bo,
        body: { uri: doc.uri, type: 'CHILD' },
      }),
      403,
    );
    assert.equal(await state(), before);
  });
});
