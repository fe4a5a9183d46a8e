// The Qumulo dialect's sessions end to end over HTTPS: the version probe without a session, login by name and
// password, who-am-i, and the tree's root as each user sees it (only the projects they hold a role on).
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { assertQumuloError, openQumulo, type QumuloEnv, ref } from '../helpers/qumulo.ts';

describe('Qumulo sessions', () => {
  let env: QumuloEnv;
  const ids: Record<string, string> = {};

  before(async () => {
    env = await openQumulo();
    await env.user('ana', 'ana password 1');
    await env.user('bo', 'bo password 22');
    ids['ana-proj'] = await env.project('ana-proj', { ana: 'write' });
    ids['ana-shared'] = await env.project('ana-shared', { ana: 'read', bo: 'write' });
    ids['bo-proj'] = await env.project('bo-proj', { bo: 'admin' });
  });
  after(async () => env.close());

  test('GET /v1/version answers without a session, twice, as the SDK probes a new connection', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await env.client().get('/v1/version');
      assert.equal(r.status, 200);
      const v = r.json();
      assert.equal(v.revision_id, 'Qumulo Core 7.2.0');
      assert.equal(v.flavor, 'release');
      assert.equal(typeof v.build_id, 'string');
      assert.ok(!Number.isNaN(Date.parse(v.build_date)), v.build_date);
    }
  });

  test('a client that speaks at most TLS 1.2 is served, as one that speaks 1.3', async () => {
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const { status, protocol, body } = await new Promise<{
        status: number;
        protocol: string;
        body: string;
      }>((resolve, reject) => {
        const req = httpsRequest(
          `${env.server.url}/v1/version`,
          { ca: env.ca, maxVersion, agent: false },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                protocol: String((res.socket as TLSSocket).getProtocol()),
                body: text,
              }),
            );
          },
        );
        req.on('socket', (s) => s.once('secureConnect', () => undefined));
        req.on('error', reject).end();
      });
      assert.equal(status, 200, maxVersion);
      assert.equal(JSON.parse(body).revision_id, 'Qumulo Core 7.2.0');
      assert.equal(protocol, maxVersion);
    }
  });

  test('login with a name and password gives a bearer token; who-am-i names its user', async () => {
    const ana = await env.login('ana', 'ana password 1');
    assert.ok(ana.token && ana.token.length >= 16, 'a token too short to be secret');
    const me = await ana.get('/v1/session/who-am-i');
    assert.equal(me.status, 200);
    const body = me.json();
    assert.equal(body.name, 'ana');
    assert.equal(typeof body.id, 'string');
    assert.equal(body.primary_group, '513');
    assert.equal(typeof body.sid, 'string');
    assert.equal(typeof body.uid, 'string');
    assert.equal(body.home_directory, null);
    assert.equal(body.can_change_password, true);
    assert.ok(Array.isArray(body.privileges));

    const bo = await env.login('bo', 'bo password 22');
    assert.notEqual(bo.token, ana.token);
    assert.equal((await bo.get('/v1/session/who-am-i')).json().name, 'bo');
    assert.notEqual((await bo.get('/v1/session/who-am-i')).json().id, body.id);

    const root = await env.root();
    assert.equal((await root.get('/v1/session/who-am-i')).status, 200);
  });

  test('a wrong password, an unknown user and a missing or unknown token are 401 auth_not_authorized_error', async () => {
    for (const [username, password] of [
      ['ana', 'not her password'],
      ['nobody', 'ana password 1'],
    ]) {
      const r = await env.client().call('POST', '/v1/session/login', { json: { username, password } });
      assertQumuloError(r, 401, 'auth_not_authorized_error', `login ${username}`);
    }
    const none = await env.client().get('/v1/session/who-am-i');
    assertQumuloError(none, 401, 'auth_not_authorized_error', 'no token');
    const unknown = await env.client('1:not-a-token-this-server-made').get('/v1/session/who-am-i');
    assertQumuloError(unknown, 401, 'auth_not_authorized_error', 'unknown token');
    const noneFiles = await env.client().get(`/v1/files/${ref('/ana-proj/')}/entries/`);
    assertQumuloError(noneFiles, 401, 'auth_not_authorized_error', 'no token on a listing');
  });

  test('the root lists only the projects a user holds a role on, by path and by id 2', async () => {
    const expected = {
      ana: ['ana-proj', 'ana-shared'],
      bo: ['ana-shared', 'bo-proj'],
    };
    const passwords = { ana: 'ana password 1', bo: 'bo password 22' };
    for (const user of ['ana', 'bo'] as const) {
      const q = await env.login(user, passwords[user]);
      for (const path of [`/v1/files/${ref('/')}/entries/`, '/v1/files/2/entries/']) {
        const r = await q.get(path);
        assert.equal(r.status, 200, `${user} ${path}: ${r.body.toString()}`);
        const page = r.json();
        assert.equal(page.path, '/');
        assert.equal(page.id, '2');
        assert.equal(page.paging.next, '');
        const names = page.files.map((f: { name: string }) => f.name);
        assert.deepEqual(names, expected[user], `${user} ${path}`);
        for (const f of page.files) {
          assert.equal(f.type, 'FS_FILE_TYPE_DIRECTORY');
          assert.equal(f.path, `/${f.name}/`);
          assert.equal(f.id, ids[f.name]);
        }
      }
      const attrs = await q.get('/v1/files/2/info/attributes');
      assert.equal(attrs.status, 200);
      assert.equal(attrs.json().path, '/');
      assert.equal(attrs.json().type, 'FS_FILE_TYPE_DIRECTORY');
    }
  });
});
