// OAuth clients and grants on every MetaStore: clients made, authenticated and deleted; refresh tokens rotated once
// even under concurrent use, bound to their client, and ended by a password change or a refresh-token expiry.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  authenticateClient,
  createClient,
  deleteClient,
  listClients,
  PUBLIC_CLI_CLIENT,
} from '../../src/auth/oauth-clients.ts';
import { clientCredentialsGrant, passwordGrant, refreshGrant } from '../../src/auth/oauth-grants.ts';
import { setPassword } from '../../src/auth/passwords.ts';
import type { AuthDeps } from '../../src/auth/principals.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { resolveBearer } from '../../src/auth/sign-in.ts';
import { createUser } from '../../src/auth/users.ts';
import type { Principal } from '../../src/core/model.ts';
import { forEachStore, rejectsWith, root } from '../helpers/core.ts';

const ROOT = { accessKey: 'OAUTHROOT', secretKey: 'oauth-root-secret' };
const ADDRESS = '192.0.2.20';
let counter = 0;
const unique = (tag: string) => `${tag}-${process.pid}-${++counter}`;

forEachStore('oauth', (get) => {
  let auth: AuthDeps;
  let clock = Date.now();
  const setup = () => {
    const { deps } = get();
    deps.now = () => clock;
    auth ??= { core: deps, root: ROOT, box: new SecretBox(randomBytes(32)) };
    return auth;
  };
  const user = async (password: string) => {
    setup();
    const u = await createUser(auth, root, { name: unique('u') });
    await setPassword(auth, root, { user: u.name, password, address: ADDRESS });
    return u.name;
  };
  const cli = () => authenticateClient(setup(), { id: PUBLIC_CLI_CLIENT, secret: '' });

  test('sas.cli exists from the start: public, password and refresh_token', async () => {
    const all = await listClients(setup(), root);
    const sasCli = all.find((c) => c.id === PUBLIC_CLI_CLIENT);
    assert.deepEqual(sasCli && { public: sasCli.public, user: sasCli.user, grants: sasCli.grants }, {
      public: true,
      user: null,
      grants: ['password', 'refresh_token'],
    });
    await rejectsWith(authenticateClient(auth, { id: PUBLIC_CLI_CLIENT, secret: 'x' }), 'InvalidClient');
  });

  test('a client is made by an admin only, authenticates by its secret, and is gone after delete', async () => {
    const name = await user('client user 1');
    const ana: Principal = { id: 'x', name, isRoot: false, isAdmin: false };
    await rejectsWith(createClient(setup(), ana, { id: unique('c') }), 'AccessDenied');
    const id = unique('c');
    const c = await createClient(auth, root, { id, user: name });
    assert.deepEqual(c.grants, ['password', 'refresh_token', 'client_credentials']);
    await rejectsWith(createClient(auth, root, { id }), 'Conflict');
    await rejectsWith(createClient(auth, root, { id: 'a b' }), 'InvalidArgument');
    await rejectsWith(
      createClient(auth, root, { id: unique('c'), grants: ['client_credentials'] }),
      'InvalidArgument',
    );
    await rejectsWith(createClient(auth, root, { id: unique('c'), grants: ['implicit'] }), 'InvalidArgument');
    await rejectsWith(authenticateClient(auth, { id, secret: `${c.secret}!` }), 'InvalidClient');
    await rejectsWith(authenticateClient(auth, { id, secret: '' }), 'InvalidClient');
    const client = await authenticateClient(auth, { id, secret: c.secret });
    const granted = await clientCredentialsGrant(auth, client);
    assert.equal(granted.refresh, undefined);
    assert.equal((await resolveBearer(auth, granted.access.token)).name, name);
    await deleteClient(auth, root, id);
    await rejectsWith(resolveBearer(auth, granted.access.token), 'Unauthenticated');
    await rejectsWith(authenticateClient(auth, { id, secret: c.secret }), 'InvalidClient');
    await rejectsWith(deleteClient(auth, root, id), 'NoSuchClient');
  });

  test('a refresh token is used once, even by concurrent requests, and only by its client', async () => {
    const name = await user('refresh user 1');
    const client = await cli();
    const first = await passwordGrant(auth, { client, name, password: 'refresh user 1', address: ADDRESS });
    const token = first.refresh!.token;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => refreshGrant(auth, { client, refreshToken: token })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results)
      if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'InvalidCredentials');
    const next = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof refreshGrant>>>).value;
    assert.equal((await resolveBearer(auth, next.access.token)).name, name);

    const other = await createClient(auth, root, { id: unique('c') });
    const otherClient = await authenticateClient(auth, { id: other.id, secret: other.secret });
    await rejectsWith(
      refreshGrant(auth, { client: otherClient, refreshToken: next.refresh!.token }),
      'InvalidCredentials',
    );
  });

  test('a refresh token ends with its password, and past its lifetime', async () => {
    const name = await user('ends user 11');
    const client = await cli();
    const a = await passwordGrant(auth, { client, name, password: 'ends user 11', address: ADDRESS });
    const b = await passwordGrant(auth, { client, name, password: 'ends user 11', address: ADDRESS });
    await setPassword(auth, root, { user: name, password: 'ends user 22', address: ADDRESS });
    await rejectsWith(refreshGrant(auth, { client, refreshToken: a.refresh!.token }), 'InvalidCredentials');
    await rejectsWith(refreshGrant(auth, { client, refreshToken: b.refresh!.token }), 'InvalidCredentials');

    const c = await passwordGrant(auth, { client, name, password: 'ends user 22', address: ADDRESS });
    clock += auth.core.refreshTokenTtlSeconds * 1000 + 1;
    await rejectsWith(refreshGrant(auth, { client, refreshToken: c.refresh!.token }), 'TokenExpired');
  });

  test('root signs in by password and refreshes', async () => {
    const client = await cli();
    const g = await passwordGrant(setup(), {
      client,
      name: 'root',
      password: ROOT.secretKey,
      address: ADDRESS,
    });
    const r = await refreshGrant(auth, { client, refreshToken: g.refresh!.token });
    assert.equal((await resolveBearer(auth, r.access.token)).isRoot, true);
  });
});
