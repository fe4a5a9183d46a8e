// The SAS Folders service driven by @sasjs/adapter, unmodified (its Node entry), over HTTPS trusting the development
// certificate (the adapter's httpsAgentOptions): createFolder (with the parents it makes on the way), getFolder,
// listFolder with and without details (and the members by which getFileContent finds a file), moveFolder, and the
// errors it turns our answers into.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openSas, type SasEnv } from '../helpers/sas.ts';
import { type Adapter, type Member, sasjs } from '../helpers/sas-adapter.ts';

describe('SAS Folders through @sasjs/adapter', () => {
  let env: SasEnv;
  let sas: Adapter;
  let token: string;

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    const t = await env.token(
      { grant_type: 'password', username: 'ana', password: 'ana password 1' },
      { id: 'sas.cli', secret: '' },
    );
    token = t.json().access_token;
    const top = await env.call('POST', '/folders/folders', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'proj', type: 'folder' }),
    });
    assert.equal(top.status, 201, top.text);
    sas = sasjs(env.server.url, env.ca, '/proj/app');
  });
  after(async () => env.close());

  test('createFolder makes a folder in a top-level folder; getFolder finds it by path', async () => {
    const made = await sas.createFolder('app', '/proj', undefined, token);
    assert.equal(made.name, 'app');
    assert.equal(made.type, 'folder');
    assert.equal(made.memberCount, 0);
    const top = await sas.getFolder('/proj', token);
    assert.equal(made.parentFolderUri, `/folders/folders/${top.id}`);
    assert.equal(top.memberCount, 1);
    const found = await sas.getFolder('/proj/app', token);
    assert.equal(found.id, made.id);
  });

  test('createFolder under a missing parent makes the parent first, as the adapter does', async () => {
    const made = await sas.createFolder('leaf', '/proj/mid', undefined, token);
    const mid = await sas.getFolder('/proj/mid', token);
    assert.equal(made.parentFolderUri, `/folders/folders/${mid.id}`);
    assert.equal((await sas.getFolder('/proj/mid/leaf', token)).id, made.id);
  });

  test('listFolder gives the member names, or with details the members a file is found by', async () => {
    await sas.createFolder('list', '/proj', undefined, token);
    await sas.createFolder('b', '/proj/list', undefined, token);
    await sas.createFolder('a', '/proj/list', undefined, token);
    const put = await env.call('PUT', '/api/v1/projects/proj/files/list/c.sas', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'data _null_; run;',
    });
    assert.equal(put.status, 201, put.text);
    assert.deepEqual(await sas.listFolder('/proj/list', token), ['a', 'b', 'c.sas']);
    const details = (await sas.listFolder('/proj/list', token, 1000, true)) as Member[];
    const file = details.find((m) => m.name === 'c.sas')!;
    assert.equal(file.type, 'child');
    assert.equal(file.contentType, 'file');
    assert.match(file.uri, /^\/files\/files\/6d696d65-6f00-8000-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    const a = details.find((m) => m.name === 'a')!;
    assert.equal(a.uri, `/folders/folders/${(await sas.getFolder('/proj/list/a', token)).id}`);
  });

  test('a file createFile files in a folder is found by getFileContent through the members and their uri', async () => {
    await sas.createFolder('files', '/proj', undefined, token);
    await sas.createFile('hello.sas', Buffer.from('%put hello;'), '/proj/files', undefined, token);
    const members = (await sas.listFolder('/proj/files', token, 1000, true)) as Member[];
    assert.deepEqual(
      members.map((m) => [m.name, m.contentType]),
      [['hello.sas', 'file']],
    );
    assert.equal(await sas.getFileContent('/proj/files', 'hello.sas', token), '%put hello;');
    assert.equal((await sas.getFolder('/proj/files', token)).memberCount, 1);
  });

  test('moveFolder moves a folder into another, or renames it, keeping its id', async () => {
    const made = await sas.createFolder('mover', '/proj', undefined, token);
    await sas.createFolder('target', '/proj', undefined, token);
    const moved = await sas.moveFolder('/proj/mover', '/proj/target', '', token);
    assert.equal(moved.id, made.id);
    assert.equal(
      moved.parentFolderUri,
      `/folders/folders/${(await sas.getFolder('/proj/target', token)).id}`,
    );
    assert.equal((await sas.getFolder('/proj/target/mover', token)).id, made.id);
    // A target that does not exist names the new name in its parent.
    const renamed = await sas.moveFolder('/proj/target/mover', '/proj/target/moved', 'moved', token);
    assert.equal(renamed.name, 'moved');
    assert.deepEqual(await sas.listFolder('/proj/target', token), ['moved']);
  });

  test('a folder that exists is the 409 the adapter explains; an unknown path its NotFoundError', async () => {
    await assert.rejects(sas.createFolder('app', '/proj', undefined, token), (err: unknown) => {
      assert.match(String(err), /already exists/);
      assert.match(String(err), /isForced/);
      return true;
    });
    await assert.rejects(sas.getFolder('/proj/nothing', token), (err: Error) => {
      assert.equal(err.name, 'NotFoundError', String(err));
      return true;
    });
    // No top-level folder of that name: the adapter gives up (its RootFolderNotFoundError would list the token's
    // scopes, which it reads from a JWT; an opaque SAS Logon token makes it throw while building that error).
    await assert.rejects(sas.createFolder('x', '/nope', undefined, token));
    const r = await env.call('GET', '/folders/folders/@item?path=/nope', {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(r.status, 404);
  });
});
