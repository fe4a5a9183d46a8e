// The SAS Files service as a SAS web app reaches it: @sasjs/adapter, unmodified (its Node entry), over HTTPS trusting
// the development certificate, with a token from SAS Logon's password grant. The adapter makes folders and a file,
// lists, reads and updates it (its ETag round trip); the copy, which the adapter has no call for, goes through the
// adapter's own request client with the same token, as does the Compute copy of a directory in a session the adapter
// made; the adapter's listing and reads then see the copies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openSas, type SasEnv } from '../helpers/sas.ts';
import {
  type Adapter,
  type FileResource,
  type Member,
  type RequestClient,
  requestClient,
  sasjs,
} from '../helpers/sas-adapter.ts';
import { adapterFor, enc, JOB_CONTEXT, REQUEST } from '../helpers/sas-compute.ts';

describe('SAS Files through @sasjs/adapter', () => {
  let env: SasEnv;
  let sas: Adapter;
  let client: RequestClient;
  let token: string;

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.native('POST', '/api/v1/projects', { name: 'ana-apps' });
    await env.native('POST', '/api/v1/projects', { name: 'ana-share' });
    for (const p of ['ana-apps', 'ana-share'])
      await env.native('PUT', `/api/v1/projects/${p}/members/ana`, { role: 'write' });
    const t = await env.token(
      { grant_type: 'password', username: 'ana', password: 'ana password 1' },
      { id: 'sas.cli', secret: '' },
    );
    assert.equal(t.status, 200, t.text);
    token = t.json().access_token;
    sas = sasjs(env.server.url, env.ca, '/ana-apps/app');
    client = requestClient(env.server.url, env.ca);
  });
  after(async () => env.close());

  test('createFolder, createFile, listFolder, getFileContent, updateFileContent, getFolder', async () => {
    await sas.createFolder('app', '/ana-apps', undefined, token);
    await sas.createFolder('inbox', '/ana-share', undefined, token);
    const program = Buffer.from('data work.a; x = 1; run;\n');
    await sas.createFile('first.sas', program, '/ana-apps/app', undefined, token);
    await sas.createFile('notes.txt', Buffer.from('line one\n'), '/ana-apps/app', undefined, token);
    assert.deepEqual((await sas.listFolder('/ana-apps/app', token, 1000)).sort(), ['first.sas', 'notes.txt']);
    assert.equal(await sas.getFileContent('/ana-apps/app', 'first.sas', token), program.toString());

    const members = (await sas.listFolder('/ana-apps/app', token, 1000, true)) as Member[];
    const notes = members.find((m) => m.name === 'notes.txt')!;
    const before = await client.get<FileResource>(notes.uri, token);
    const updated = await sas.updateFileContent('/ana-apps/app', 'notes.txt', 'line one\nline two\n', token);
    assert.equal(updated.size, 18);
    assert.equal(updated.id, before.result.id);
    const after = await client.get<FileResource>(notes.uri, token);
    assert.notEqual(after.etag, before.etag);
    assert.equal(await sas.getFileContent('/ana-apps/app', 'notes.txt', token), 'line one\nline two\n');
    const folder = await sas.getFolder('/ana-apps/app', token);
    assert.equal(folder.name, 'app');
    assert.equal(folder.memberCount, 2);
  });

  test("the Files copy through the adapter's request client: into another project, renamed, read back", async () => {
    const source = ((await sas.listFolder('/ana-apps/app', token, 1000, true)) as Member[]).find(
      (m) => m.name === 'first.sas',
    )!;
    const inbox = await sas.getFolder('/ana-share/inbox', token);
    const copied = await client.post<FileResource>(
      `${source.uri}/copy?parentFolderUri=/folders/folders/${inbox.id}`,
      undefined,
      token,
      'application/json',
      { 'Content-Disposition': 'attachment; filename="first-copy.sas"' },
    );
    assert.equal(copied.result.name, 'first-copy.sas');
    assert.equal(copied.result.parentUri, `/folders/folders/${inbox.id}`);
    assert.notEqual(copied.result.id, source.id);
    assert.ok(copied.etag);
    assert.deepEqual(await sas.listFolder('/ana-share/inbox', token, 1000), ['first-copy.sas']);
    assert.equal(
      await sas.getFileContent('/ana-share/inbox', 'first-copy.sas', token),
      await sas.getFileContent('/ana-apps/app', 'first.sas', token),
    );
    // A second copy under the same name is the seed's 409: the adapter passes its message through.
    await assert.rejects(
      client.post(
        `${source.uri}/copy?parentFolderUri=/folders/folders/${inbox.id}`,
        undefined,
        token,
        'application/json',
        {
          'Content-Disposition': 'attachment; filename="first-copy.sas"',
        },
      ),
      (err: unknown) => {
        const r = (
          err as { response?: { status?: number; data?: { httpStatusCode?: number; message?: string } } }
        ).response;
        assert.equal(r?.status, 409);
        assert.equal(r?.data?.httpStatusCode, 409);
        assert.match(r?.data?.message ?? '', /already exists/);
        return true;
      },
    );
    assert.deepEqual(await sas.listFolder('/ana-share/inbox', token, 1000), ['first-copy.sas']);
  });
  test("the Compute copy of a directory through the adapter's session and request client, seen by its listing", async () => {
    await sas.createFolder('results', '/ana-apps/app', undefined, token);
    for (const n of ['a.csv', 'b.csv', 'c with space.csv'])
      await sas.createFile(n, Buffer.from(`${n}\n1,2,3\n`), '/ana-apps/app/results', undefined, token);
    const session = await adapterFor(env).createSession(JOB_CONTEXT, token);
    const copied = await client.post<{ name: string; path: string; isDirectory: boolean }>(
      `/compute/sessions/${session.id}/files/${enc('/ana-share/inbox/results-copy')}`,
      { name: 'results', path: '/ana-apps/app' },
      token,
      REQUEST,
      { Accept: 'application/vnd.sas.compute.file.properties+json' },
    );
    assert.equal(copied.result.name, 'results-copy');
    assert.equal(copied.result.isDirectory, true);
    assert.deepEqual((await sas.listFolder('/ana-share/inbox/results-copy', token, 1000)).sort(), [
      'a.csv',
      'b.csv',
      'c with space.csv',
    ]);
    for (const n of ['a.csv', 'b.csv', 'c with space.csv'])
      assert.equal(await sas.getFileContent('/ana-share/inbox/results-copy', n, token), `${n}\n1,2,3\n`);
    assert.deepEqual((await sas.listFolder('/ana-share/inbox', token, 1000)).sort(), [
      'first-copy.sas',
      'results-copy',
    ]);
  });
});
