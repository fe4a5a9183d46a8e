// The Seven Bridges dialect's common ground end to end over HTTPS: personal tokens in X-SBG-Auth-Token or as a
// bearer and 401 without one, the request id and rate-limit headers on every answer, the user, projects and their
// members with permissions from the core's roles, the client's GET-with-null and DELETE-with-{} bodies, and 204s.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bytes } from '../helpers/data.ts';
import {
  assertFileShape,
  assertSbgError,
  assertSbgHeaders,
  ok,
  openSbg,
  rootFolder,
  SBG_ID,
  SBG_TIME,
  type SbgClient,
  type SbgEnv,
  type SbgRequest,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges basics', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  let bo: SbgClient;
  let anaToken: string;
  let cyToken: string;

  before(async () => {
    env = await openSbg();
    anaToken = await env.user('ana');
    const boToken = await env.user('bo');
    cyToken = await env.user('cy');
    await env.project('ana', 'ana-one', { members: { bo: 'read' } });
    await env.project('ana', 'ana-locked', { dataClass: 'controlled' });
    await env.project('bo', 'bo-own');
    ana = env.client(anaToken);
    bo = env.client(boToken);
  });
  after(async () => env.close());

  test('GET /v2/user names the token holder, by X-SBG-Auth-Token or by bearer', async () => {
    const me = ok(await ana.get('/v2/user'), 'GET /v2/user');
    assert.equal(me.username, 'ana');
    assert.ok(me.href.startsWith(`${env.base}/`), me.href);
    const viaBearer = ok(await env.bearer(anaToken).get('/v2/user'), 'bearer');
    assert.equal(viaBearer.username, 'ana');
    assert.equal(ok(await env.bearer(env.rootSession).get('/v2/user'), 'a root session').username, 'root');
    assert.equal(ok(await bo.get('/v2/user'), 'bo').username, 'bo');
  });

  test('a token in X-SBG-Session-Id, as the clients send a session, is served; an unknown one is 401 2001', async () => {
    const anon = env.client();
    const me = ok(await anon.get('/v2/user', { 'x-sbg-session-id': anaToken }), 'session id');
    assert.equal(me.username, 'ana');
    assertSbgError(
      await anon.get('/v2/user', { 'x-sbg-session-id': 'mimeo_pat_notatokenthisservermade' }),
      401,
      2001,
      'unknown session id',
    );
  });

  test('no token, an unknown token, and an expired one are 401 with code 2001', async () => {
    assertSbgError(await env.client().get('/v2/user'), 401, 2001, 'no token');
    assertSbgError(
      await env.client('mimeo_pat_notatokenthisservermade').get('/v2/user'),
      401,
      2001,
      'unknown',
    );
    assertSbgError(
      await env.client('3259c50e1ac5426ea8f1273259740f74').get('/v2/projects'),
      401,
      2001,
      'vendor',
    );
    assertSbgError(await env.bearer('not-a-token').get('/v2/projects'), 401, 2001, 'bearer');
    const short = (await env.native('POST', '/api/v1/admin/users/ana/tokens', { expiresInSeconds: 1 })) as {
      token: string;
    };
    assert.equal(ok(await env.client(short.token).get('/v2/user'), 'fresh').username, 'ana');
    await sleep(2100);
    assertSbgError(await env.client(short.token).get('/v2/user'), 401, 2001, 'expired');
  });

  test('every answer carries X-Request-Id and the rate-limit headers, each request its own id', async () => {
    const sent: [string, string, SbgClient, SbgRequest?][] = [
      ['GET', '/v2/user', ana],
      ['GET', '/v2/projects', ana],
      ['GET', '/v2/projects', env.client()],
      ['GET', '/v2/files/0123456789abcdef01234567', ana],
      ['POST', '/v2/files', ana, { raw: '{"name":', type: 'application/json' }],
      ['GET', '/v2/no-such-route', ana],
    ];
    const ids = new Set<string>();
    for (const [method, path, c, req] of sent) {
      const r = await c.call(method, path, req);
      assertSbgHeaders(r, `${method} ${path} -> ${r.status}`);
      ids.add(String(r.headers['x-request-id']));
      if (path === '/v2/no-such-route') assertSbgError(r, 404, 9404, 'unknown route');
    }
    assert.equal(ids.size, sent.length, 'request ids repeat');
  });

  test('GET /v2/projects lists the projects a user holds a role on, in the contract shape', async () => {
    const r = await ana.get('/v2/projects');
    const page = ok(r, 'projects');
    assert.equal(r.headers['x-total-matching-query'], '2');
    assert.ok(page.href.startsWith(`${env.base}/projects`), page.href);
    assert.deepEqual(page.links, []);
    const byId = new Map(page.items.map((p: { id: string }) => [p.id, p]));
    assert.deepEqual([...byId.keys()].sort(), ['ana/ana-locked', 'ana/ana-one']);
    const one = ok(await ana.get('/v2/projects/ana/ana-one'), 'project');
    assert.deepEqual(Object.keys(one).sort(), [
      'billing_group',
      'category',
      'created_by',
      'created_on',
      'description',
      'href',
      'id',
      'modified_on',
      'name',
      'permissions',
      'root_folder',
      'settings',
      'tags',
      'type',
    ]);
    assert.equal(one.href, `${env.base}/projects/ana/ana-one`);
    assert.equal(one.name, 'ana-one');
    assert.equal(one.billing_group, null);
    assert.equal(one.description, '');
    assert.equal(one.type, 'v2');
    assert.deepEqual(one.tags, []);
    assert.equal(one.settings.controlled, false);
    assert.match(one.root_folder, SBG_ID);
    assert.equal(one.created_by, 'ana');
    assert.match(one.created_on, SBG_TIME);
    assert.match(one.modified_on, SBG_TIME);
    assert.equal(one.category, 'PRIVATE');
    assert.deepEqual(one.permissions, { read: true, write: true, copy: true, execute: true, admin: true });
    const locked = ok(await ana.get('/v2/projects/ana/ana-locked'), 'controlled project');
    assert.equal(locked.settings.controlled, true);
    assert.notEqual(locked.root_folder, one.root_folder);
    // The root folder is a folder of the project with no parent: a client walking up the tree stops there.
    const root = ok(await ana.get(`/v2/files/${one.root_folder}`), 'root folder');
    assert.deepEqual(
      [root.id, root.type, root.project, root.parent],
      [one.root_folder, 'folder', 'ana/ana-one', null],
    );

    const bos = ok(await bo.get('/v2/projects'), 'bo projects');
    assert.deepEqual(bos.items.map((p: { id: string }) => p.id).sort(), ['ana/ana-one', 'bo/bo-own']);
  });

  test('owner/name is matched case-insensitively and answered lower-case', async () => {
    for (const id of ['ANA/ana-one', 'Ana/Ana-One', 'ana/ANA-ONE']) {
      const p = ok(await ana.get(`/v2/projects/${id}`), id);
      assert.equal(p.id, 'ana/ana-one');
      assert.equal(p.href, `${env.base}/projects/ana/ana-one`);
    }
    assertSbgError(await ana.get('/v2/projects/ana/no-such'), 404, 3002, 'unknown project');
    assertSbgError(await ana.get('/v2/projects/bo/ana-one'), 404, 3002, 'another owner');
  });

  test('members: permissions follow the core role; POST members grants by permissions', async () => {
    const asBo = ok(await bo.get('/v2/projects/ana/ana-one'), 'bo sees ana-one');
    assert.deepEqual(asBo.permissions, {
      read: true,
      write: false,
      copy: false,
      execute: false,
      admin: false,
    });
    const members = ok(await ana.get('/v2/projects/ana/ana-one/members'), 'members');
    const boRow = members.items.find((m: { username: string }) => m.username === 'bo');
    assert.ok(boRow, JSON.stringify(members.items));
    assert.deepEqual(boRow.permissions, {
      read: true,
      write: false,
      copy: false,
      execute: false,
      admin: false,
    });

    const cy = env.client(cyToken);
    assertSbgError(await cy.get('/v2/projects/ana/ana-one'), 404, 3002, 'cy before');
    const added = await ana.call('POST', '/v2/projects/ana/ana-one/members', {
      json: {
        username: 'cy',
        permissions: { read: true, copy: true, write: false, execute: false, admin: false },
      },
    });
    assert.ok(added.status === 200 || added.status === 201, `POST members: ${added.status} ${added.body}`);
    const asCy = ok(await cy.get('/v2/projects/ana/ana-one'), 'cy after');
    assert.deepEqual(asCy.permissions, {
      read: true,
      write: false,
      copy: true,
      execute: false,
      admin: false,
    });

    await env.native('PUT', '/api/v1/projects/ana-one/members/cy', { role: 'write' });
    const asWriter = ok(await cy.get('/v2/projects/ana/ana-one'), 'cy writer');
    assert.deepEqual(asWriter.permissions, {
      read: true,
      write: true,
      copy: true,
      execute: true,
      admin: false,
    });
    assertSbgError(
      await bo.call('POST', '/v2/projects/ana/ana-one/members', {
        json: {
          username: 'cy',
          permissions: { read: true, write: true, copy: true, execute: true, admin: true },
        },
      }),
      403,
      3001,
      'a reader adds a member',
    );
  });

  test('the client sends GET with a null JSON body and DELETE with {}; delete answers 204 with no body', async () => {
    const p = 'ana/ana-one';
    const { file } = await upload(env, ana, { project: p, name: 'gone.bin' }, bytes(1000, 3));
    assertFileShape(env, file);
    assert.equal(file.parent, await rootFolder(ana, p));
    const got = await ana.call('GET', `/v2/files/${file.id}`, { json: null });
    assert.equal(ok(got, 'GET with null').id, file.id);
    const del = await ana.call('DELETE', `/v2/files/${file.id}`, { json: {} });
    assert.equal(del.status, 204, del.body.toString());
    assert.equal(del.body.length, 0);
    assert.equal(del.headers['content-length'] ?? '0', '0');
    assertSbgHeaders(del, 'DELETE');
    assertSbgError(await ana.get(`/v2/files/${file.id}`), 404, 5002, 'deleted');
    assertSbgError(await ana.call('DELETE', `/v2/files/${file.id}`), 404, 5002, 'deleted twice');
  });

  test('a folder: made with POST /v2/files, not deleted while it holds a file (409 5003), then 204', async () => {
    const made = await ana.call('POST', '/v2/files', {
      json: { name: 'box', type: 'folder', project: 'ana/ana-one' },
    });
    const box = ok(made, 'mkdir', 201);
    assert.equal(box.name, 'box');
    assert.equal(box.project, 'ana/ana-one');
    const { file } = await upload(env, ana, { parent: box.id, name: 'inner.txt' }, Buffer.from('inside'));
    assert.equal(file.parent, box.id);
    assertSbgError(await ana.call('DELETE', `/v2/files/${box.id}`), 409, 5003, 'non-empty folder');
    assert.equal(ok(await ana.get(`/v2/files/${box.id}`), 'still there').type, 'folder');
    assert.equal((await ana.call('DELETE', `/v2/files/${file.id}`)).status, 204);
    const del = await ana.call('DELETE', `/v2/files/${box.id}`);
    assert.equal(del.status, 204, del.body.toString());
    assert.equal(del.body.length, 0);
    assertFileShape(env, box, 'folder');
  });
});
