// The native admin API: users, keys and members, their validation and error bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { openTestApi, type TestApi } from './helpers/api.ts';

describe('admin API', () => {
  let api: TestApi;
  before(async () => {
    api = await openTestApi();
  });
  after(async () => {
    await api.close();
  });
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    payload?: object,
    token?: string,
  ) => api.app.inject({ method, url, headers: api.auth(token), ...(payload ? { payload } : {}) });
  const errorOf = (r: LightMyRequestResponse) => [r.statusCode, api.json(r).error.code];

  test('users are created, listed, shown, changed and deleted', async () => {
    const created = await call('POST', '/api/v1/admin/users', {
      name: 'cy',
      displayName: 'Cy D',
      admin: false,
    });
    assert.equal(created.statusCode, 201);
    const cy = api.json(created);
    assert.equal(typeof cy.secretKey, 'string');
    assert.equal(cy.displayName, 'Cy D');
    const list = api.json(await call('GET', '/api/v1/admin/users'));
    assert.deepEqual(
      list.users.map((u: { name: string }) => u.name),
      ['cy'],
    );
    assert.equal(list.users[0].secretKey, undefined);
    const patched = await call('PATCH', '/api/v1/admin/users/cy', { displayName: 'Cyrus' });
    assert.equal(api.json(patched).displayName, 'Cyrus');
    const byId = api.json(await call('GET', `/api/v1/admin/users/${cy.id}`));
    assert.equal(byId.name, 'cy');
    assert.deepEqual(
      byId.keys.map((k: { accessKey: string; enabled: boolean }) => [k.accessKey, k.enabled]),
      [[cy.accessKey, true]],
    );
    assert.ok(!JSON.stringify(byId).includes(cy.secretKey));

    await call('POST', '/api/v1/projects', { name: 'cy-proj' });
    const grant = await call('PUT', '/api/v1/projects/cy-proj/members/cy', { role: 'write' });
    assert.equal(grant.statusCode, 204);
    // The same through the admin API, by user: a role is set, changed and removed.
    assert.equal(
      (await call('PUT', '/api/v1/admin/users/cy/projects/cy-proj', { role: 'read' })).statusCode,
      204,
    );
    assert.deepEqual(api.json(await call('GET', '/api/v1/admin/users/cy')).memberships, [
      { project: 'cy-proj', role: 'read' },
    ]);
    assert.deepEqual(errorOf(await call('PUT', '/api/v1/admin/users/cy/projects/nope', { role: 'read' })), [
      404,
      'NoSuchProject',
    ]);
    assert.deepEqual(
      errorOf(await call('PUT', '/api/v1/admin/users/cy/projects/cy-proj', { role: 'owner' })),
      [400, 'InvalidArgument'],
    );
    await call('PUT', '/api/v1/admin/users/cy/projects/cy-proj', { role: 'write' });
    const members = api.json(await call('GET', '/api/v1/projects/cy-proj/members'));
    assert.deepEqual(
      members.members.map((m: { name: string; role: string }) => [m.name, m.role]),
      [
        ['cy', 'write'],
        ['root', 'admin'],
      ],
    );
    assert.equal((await call('DELETE', '/api/v1/admin/users/cy')).statusCode, 204);
    assert.deepEqual(errorOf(await call('GET', '/api/v1/admin/users/cy')), [404, 'NoSuchPrincipal']);
    const after = api.json(await call('GET', '/api/v1/projects/cy-proj/members'));
    assert.deepEqual(
      after.members.map((m: { name: string }) => m.name),
      ['root'],
    );
  });

  test("the server's figures: the block buffer budget, idle between requests", async () => {
    const r = await call('GET', '/api/v1/admin/stats');
    assert.equal(r.statusCode, 200);
    const b = api.json(r).blockBuffers;
    assert.deepEqual(Object.keys(b).sort(), ['capacity', 'inUse', 'peak', 'refused', 'transfers', 'waiting']);
    assert.ok(b.capacity > 0);
    assert.deepEqual([b.inUse, b.transfers, b.waiting, b.refused], [0, 0, 0, 0]);
    const doc = api.json(await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' }));
    assert.ok(doc.paths['/api/v1/admin/stats'].get);
  });

  test('bad input gets a 400 and unknown names a 404, in the native error shape', async () => {
    assert.deepEqual(errorOf(await call('POST', '/api/v1/admin/users', { name: 'a b' })), [
      400,
      'InvalidArgument',
    ]);
    assert.deepEqual(errorOf(await call('POST', '/api/v1/admin/users', { name: 'x', extra: 1 })), [
      400,
      'InvalidArgument',
    ]);
    assert.deepEqual(errorOf(await call('POST', '/api/v1/admin/users', { name: 'root' })), [409, 'Conflict']);
    assert.deepEqual(errorOf(await call('PATCH', '/api/v1/admin/users/nobody', { admin: true })), [
      404,
      'NoSuchPrincipal',
    ]);
    assert.deepEqual(errorOf(await call('PATCH', '/api/v1/admin/keys/NOPE', { enabled: 'no' })), [
      400,
      'InvalidArgument',
    ]);
    assert.deepEqual(errorOf(await call('PATCH', '/api/v1/admin/keys/NOPE', { enabled: false })), [
      404,
      'NoSuchAccessKey',
    ]);
    assert.deepEqual(errorOf(await call('POST', '/api/v1/admin/users/nobody/keys')), [
      404,
      'NoSuchPrincipal',
    ]);
    assert.deepEqual(errorOf(await call('PUT', '/api/v1/projects/nope/members/x', { role: 'read' })), [
      404,
      'NoSuchProject',
    ]);
  });

  test('a non-admin user may not use the admin API; an admin may', async () => {
    const dee = api.json(await call('POST', '/api/v1/admin/users', { name: 'dee' }));
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      payload: { accessKey: dee.accessKey, secret: dee.secretKey },
    });
    const token = api.json(login).token;
    for (const [method, url] of [
      ['GET', '/api/v1/admin/users'],
      ['GET', '/api/v1/admin/keys'],
      ['POST', '/api/v1/admin/users/dee/keys'],
      ['DELETE', `/api/v1/admin/keys/${dee.accessKey}`],
      ['GET', '/api/v1/admin/stats'],
    ] as const) {
      assert.deepEqual(errorOf(await call(method, url, undefined, token)), [403, 'AccessDenied'], url);
    }
    assert.deepEqual(
      errorOf(await call('PUT', '/api/v1/admin/users/dee/projects/anything', { role: 'admin' }, token)),
      [403, 'AccessDenied'],
    );
    await call('PATCH', '/api/v1/admin/users/dee', { admin: true });
    assert.equal((await call('GET', '/api/v1/admin/keys', undefined, token)).statusCode, 200);
    assert.equal((await call('GET', '/api/v1/admin/stats', undefined, token)).statusCode, 200);
    assert.deepEqual(errorOf(await call('PATCH', '/api/v1/admin/users/dee', { admin: false }, token)), [
      400,
      'InvalidArgument',
    ]);
    assert.deepEqual(errorOf(await call('DELETE', '/api/v1/admin/users/dee', undefined, token)), [
      400,
      'InvalidArgument',
    ]);
  });
});
