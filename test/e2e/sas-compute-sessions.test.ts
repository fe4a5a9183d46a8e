// SAS Compute contexts and sessions over HTTPS: sessions made by @sasjs/adapter's createSession (its Node entry) and
// with the body VS Code sends; their state, their deletion, and that only their owner sees them; the SAS error shape
// for a missing or bad token and for unknown ids; sessions served by any node of several over one PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openSas, type SasEnv } from '../helpers/sas.ts';
import { adapterFor, assertSasError, filesOf, JOB_CONTEXT, json, tokenOf } from '../helpers/sas-compute.ts';
import { freshPgDatabase, PG_SKIP } from '../helpers/stores.ts';

const STUDIO = 'SAS Studio compute context';

describe('SAS Compute sessions', () => {
  let env: SasEnv;
  let ana: string;
  let bob: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.user('bob', 'bob password 1');
    await env.native('POST', '/api/v1/projects', { name: 'ana-data' });
    await env.native('PUT', '/api/v1/projects/ana-data/members/ana', { role: 'write' });
    ana = await tokenOf(env, 'ana', 'ana password 1');
    bob = await tokenOf(env, 'bob', 'bob password 1');
  });
  after(async () => {
    const log = env.server.stdout() + env.server.stderr();
    await env.close();
    assert.doesNotMatch(log, /"level":50/, 'no request was a server error');
  });

  test('the contexts: a collection the adapter pages with limit=10000, filtered by name, each by its id', async () => {
    const all = await env.call('GET', '/compute/contexts?limit=10000', { headers: as(ana) });
    assert.equal(all.status, 200, all.text);
    assert.match(String(all.headers['content-type']), /^application\/vnd\.sas\.collection\+json/);
    const body = json(all);
    assert.equal(body.count, 2);
    assert.equal(body.limit, 10000);
    assert.deepEqual(body.items.map((c: { name: string }) => c.name).sort(), [JOB_CONTEXT, STUDIO]);

    const filter = encodeURIComponent(`eq(name,'${STUDIO}')`);
    const one = json(await env.call('GET', `/compute/contexts?filter=${filter}`, { headers: as(ana) }));
    assert.equal(one.count, 1);
    const studio = one.items[0];
    assert.equal(studio.name, STUDIO);
    assert.match(studio.id, /^[0-9a-f-]{36}$/);

    const byId = await env.call('GET', `/compute/contexts/${studio.id}`, { headers: as(ana) });
    assert.equal(byId.status, 200, byId.text);
    assert.equal(json(byId).name, STUDIO);
    assertSasError(await env.call('GET', '/compute/contexts/no-such-context', { headers: as(ana) }), 404);
    assertSasError(
      await env.call('POST', '/compute/contexts/no-such-context/sessions', {
        headers: { ...as(ana), 'content-type': 'application/json' },
        body: '{}',
      }),
      404,
    );
  });

  test('@sasjs/adapter createSession makes an idle session with a state link; it reads, and deletes', async () => {
    const session = await adapterFor(env).createSession(JOB_CONTEXT, ana);
    assert.match(session.id, /^[A-Za-z0-9-]+$/);
    const self = await env.call('GET', `/compute/sessions/${session.id}`, { headers: as(ana) });
    assert.equal(self.status, 200, self.text);
    const s = json(self);
    assert.equal(s.id, session.id);
    assert.equal(s.state, 'idle');
    assert.equal(s.owner, 'ana');
    assert.equal(s.attributes.homeDirectory, '/');
    const stateHref = s.links.find((l: { rel: string }) => l.rel === 'state').href;
    const state = await env.call('GET', `${stateHref}?wait=30`, {
      headers: { ...as(ana), accept: 'text/plain' },
    });
    assert.equal(state.status, 200);
    assert.match(String(state.headers['content-type']), /^text\/plain/);
    assert.equal(state.text, 'idle');
    // Its file system's root lists the projects ana may see.
    assert.deepEqual(await filesOf(env, ana, session.id).names('/'), ['ana-data']);

    const gone = await env.call('DELETE', `/compute/sessions/${session.id}`, { headers: as(ana) });
    assert.equal(gone.status, 204, gone.text);
    assertSasError(await env.call('GET', `/compute/sessions/${session.id}`, { headers: as(ana) }), 404);
    assertSasError(await filesOf(env, ana, session.id).get('/'), 404);
    assertSasError(await env.call('DELETE', `/compute/sessions/${session.id}`, { headers: as(ana) }), 404);
  });

  test('the body VS Code sends names the session; the Studio context makes sessions too', async () => {
    const contexts = json(await env.call('GET', '/compute/contexts?limit=100', { headers: as(ana) }));
    const studio = contexts.items.find((c: { name: string }) => c.name === STUDIO);
    const r = await env.call('POST', `/compute/contexts/${studio.id}/sessions`, {
      headers: {
        ...as(ana),
        'content-type': 'application/vnd.sas.compute.session.request+json',
        accept: '*/*',
      },
      body: JSON.stringify({
        name: 'mimeo-vscode',
        attributes: { sessionInactiveTimeout: 900 },
        environment: { options: ['memsize=0', 'fullstimer'] },
      }),
    });
    assert.equal(r.status, 201, r.text);
    const s = json(r);
    assert.equal(s.name, 'mimeo-vscode');
    assert.equal(s.attributes.contextId, studio.id);
    assert.equal(r.headers.location, `/compute/sessions/${s.id}`);
    assert.ok(r.headers.etag);
  });

  test("another user's session is 404 to them, and deleting it as them leaves it", async () => {
    const session = await adapterFor(env).createSession(JOB_CONTEXT, ana);
    for (const path of [`/compute/sessions/${session.id}`, `/compute/sessions/${session.id}/state`]) {
      assertSasError(await env.call('GET', path, { headers: as(bob) }), 404);
    }
    assertSasError(await filesOf(env, bob, session.id).get('/ana-data'), 404);
    assertSasError(await filesOf(env, bob, session.id).members('/'), 404);
    assertSasError(await env.call('DELETE', `/compute/sessions/${session.id}`, { headers: as(bob) }), 404);
    const still = await env.call('GET', `/compute/sessions/${session.id}`, { headers: as(ana) });
    assert.equal(still.status, 200, still.text);
    // Bob's own session sees Bob's tree: no project of Ana's.
    const his = await adapterFor(env).createSession(JOB_CONTEXT, bob);
    assert.deepEqual(await filesOf(env, bob, his.id).names('/'), []);
  });

  test('no token, a token of another form, a bad token, an unknown session: 401 and 404 in the SAS shape', async () => {
    const none = await env.call('GET', '/compute/contexts');
    assertSasError(none, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assertSasError(
      await env.call('GET', '/compute/contexts', { headers: { authorization: 'Basic YTpi' } }),
      401,
    );
    assertSasError(await env.call('GET', '/compute/contexts', { headers: as('not-a-token') }), 401);
    for (const id of ['no-such-session', 'a'.repeat(300), 'bad%20id', '..']) {
      assertSasError(await env.call('GET', `/compute/sessions/${id}`, { headers: as(ana) }), 404);
    }
    assertSasError(await env.call('GET', '/compute/no-such-route', { headers: as(ana) }), 404);
  });
});

describe('SAS Compute sessions with short-lived tokens', () => {
  let env: SasEnv;
  before(async () => {
    env = await openSas(['--token-ttl', '1']);
    await env.user('ana', 'ana password 1');
  });
  after(async () => env.close());

  test('an expired token is 401 in the SAS shape, and the session lives on for a fresh one', async () => {
    const first = await tokenOf(env, 'ana', 'ana password 1');
    const session = await adapterFor(env).createSession(JOB_CONTEXT, first);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await env.call('GET', `/compute/sessions/${session.id}`, {
      headers: { authorization: `Bearer ${first}` },
    });
    assertSasError(r, 401);
    const fresh = await tokenOf(env, 'ana', 'ana password 1');
    const again = await env.call('GET', `/compute/sessions/${session.id}`, {
      headers: { authorization: `Bearer ${fresh}` },
    });
    assert.equal(again.status, 200, again.text);
  });
});

describe('SAS Compute sessions across nodes', { skip: PG_SKIP }, () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: SasEnv;
  let b: SasEnv;
  before(async () => {
    db = await freshPgDatabase();
    const args = ['--meta', db.url, '--master-key', randomBytes(32).toString('hex')];
    a = await openSas(args);
    b = await openSas(args);
    await a.user('ana', 'ana password 1');
    await a.native('POST', '/api/v1/projects', { name: 'ana-data' });
    await a.native('PUT', '/api/v1/projects/ana-data/members/ana', { role: 'write' });
  });
  after(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  test('a session made on one node is served by another, and ends for both', async () => {
    const token = await tokenOf(a, 'ana', 'ana password 1');
    const session = await adapterFor(a).createSession(JOB_CONTEXT, token);
    const onB = await b.call('GET', `/compute/sessions/${session.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(onB.status, 200, onB.text);
    assert.equal(json(onB).id, session.id);
    const made = await filesOf(b, token, session.id).touch('/ana-data', {
      name: 'from-b',
      isDirectory: true,
    });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(await filesOf(a, token, session.id).names('/ana-data'), ['from-b']);
    const gone = await a.call('DELETE', `/compute/sessions/${session.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(gone.status, 204);
    assertSasError(await filesOf(b, token, session.id).get('/ana-data'), 404);
  });
});
