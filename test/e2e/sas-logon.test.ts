// SAS Logon end to end over HTTPS: POST /SASLogon/oauth/token with the password, refresh_token and
// client_credentials grants, as SAS clients send them (Basic client authentication, urlencoded and multipart
// bodies); refresh tokens that rotate; clients registered with `mimeo client`; the OAuth error shapes; and the
// access tokens at work on the native API.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { basic, openSas, type SasAnswer, type SasEnv, TOKEN_PATH } from '../helpers/sas.ts';
import { CREDS, MAIN } from '../helpers/server.ts';

const SAS_CLI = { id: 'sas.cli', secret: '' };

/** An OAuth error answer (RFC 6749 section 5.2): its status, its `error`, a description, and JSON. */
function assertOAuthError(r: SasAnswer, status: number, error: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers['content-type'], 'application/json', r.text);
  const body = JSON.parse(r.text);
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], r.text);
  assert.equal(body.error, error, r.text);
  assert.equal(typeof body.error_description, 'string');
  if (status === 401) assert.match(String(r.headers['www-authenticate']), /^Basic /);
}

/** A multipart/form-data body as the form-data package (the adapter's) writes one. */
function multipart(fields: Record<string, string>): { type: string; body: string } {
  const boundary = '--------------------------515890814546601021194782';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return { type: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
}

describe('SAS Logon', () => {
  let env: SasEnv;
  /** The names of the projects a bearer token's principal sees on the native API, or the status. */
  const projectsOf = async (token: string): Promise<string[] | number> => {
    const r = await env.call('GET', '/api/v1/projects', { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) return r.status;
    return (r.json().projects as { name: string }[]).map((p) => p.name).sort();
  };
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        {
          env: {
            PATH: process.env['PATH'] ?? '',
            MIMEO_URL: env.server.url,
            MIMEO_CA_FILE: env.certPath,
            ...CREDS,
          },
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.user('bo', 'bo password 22');
    await env.native('POST', '/api/v1/projects', { name: 'ana-data' });
    await env.native('PUT', '/api/v1/projects/ana-data/members/ana', { role: 'read' });
  });
  after(async () => env.close());

  test('the password grant through sas.cli with an empty secret gives a bearer token that works on the native API', async () => {
    const r = await env.token(
      { grant_type: 'password', username: 'ana', password: 'ana password 1' },
      SAS_CLI,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['cache-control'], 'no-store');
    const t = r.json();
    assert.deepEqual(Object.keys(t).sort(), [
      'access_token',
      'expires_in',
      'jti',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(t.token_type, 'bearer');
    assert.equal(t.scope, 'openid');
    assert.equal(t.expires_in, 3600);
    assert.match(t.jti, /^[0-9a-f]{32}$/);
    assert.notEqual(t.refresh_token, t.access_token);
    assert.deepEqual(await projectsOf(t.access_token), ['ana-data']);

    // The same public client named in the form instead of a header (RFC 6749 section 2.3.1).
    const inForm = await env.token({
      grant_type: 'password',
      username: 'bo',
      password: 'bo password 22',
      client_id: 'sas.cli',
    });
    assert.equal(inForm.status, 200, inForm.text);
    assert.deepEqual(await projectsOf(inForm.json().access_token), []);
  });

  test('a wrong password or an unknown user is 400 invalid_grant; the access token of neither exists', async () => {
    const wrong = await env.token(
      { grant_type: 'password', username: 'bo', password: 'not bo at all' },
      SAS_CLI,
    );
    assertOAuthError(wrong, 400, 'invalid_grant');
    const nobody = await env.token(
      { grant_type: 'password', username: 'nobody', password: 'x'.repeat(9) },
      SAS_CLI,
    );
    assertOAuthError(nobody, 400, 'invalid_grant');
    assert.equal(await projectsOf('mt_not-a-token'), 401);
  });

  test('a refresh token rotates: it gives a new pair once, and is refused after its use', async () => {
    const first = (
      await env.token({ grant_type: 'password', username: 'ana', password: 'ana password 1' }, SAS_CLI)
    ).json();
    const second = await env.token(
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      SAS_CLI,
    );
    assert.equal(second.status, 200, second.text);
    const t = second.json();
    assert.notEqual(t.refresh_token, first.refresh_token);
    assert.notEqual(t.access_token, first.access_token);
    assert.equal(t.token_type, 'bearer');
    assert.deepEqual(await projectsOf(t.access_token), ['ana-data']);

    const again = await env.token(
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      SAS_CLI,
    );
    assertOAuthError(again, 400, 'invalid_grant');

    // The new one works, sent as multipart/form-data as @sasjs/adapter sends a refresh.
    const form = multipart({ grant_type: 'refresh_token', refresh_token: t.refresh_token });
    const third = await env.call('POST', TOKEN_PATH, {
      headers: { 'content-type': form.type, authorization: basic('sas.cli', '') },
      body: form.body,
    });
    assert.equal(third.status, 200, third.text);
    assert.deepEqual(await projectsOf(third.json().access_token), ['ana-data']);

    const unknown = await env.token(
      { grant_type: 'refresh_token', refresh_token: 'mimeo_rt_nothing' },
      SAS_CLI,
    );
    assertOAuthError(unknown, 400, 'invalid_grant');
  });

  test('two uses of one refresh token at once: exactly one succeeds', async () => {
    const { refresh_token } = (
      await env.token({ grant_type: 'password', username: 'ana', password: 'ana password 1' }, SAS_CLI)
    ).json();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => env.token({ grant_type: 'refresh_token', refresh_token }, SAS_CLI)),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400, 400]);
  });

  test('a refresh token ends with the password it was signed in with, and belongs to its client alone', async () => {
    await env.user('cy', 'cy password 333');
    const cy = (
      await env.token({ grant_type: 'password', username: 'cy', password: 'cy password 333' }, SAS_CLI)
    ).json();
    const made = (await env.native('POST', '/api/v1/admin/clients', { id: 'other.app' })) as {
      secret: string;
    };
    const foreign = await env.token(
      { grant_type: 'refresh_token', refresh_token: cy.refresh_token },
      { id: 'other.app', secret: made.secret },
    );
    assertOAuthError(foreign, 400, 'invalid_grant');

    await env.native('PUT', '/api/v1/admin/users/cy/password', { password: 'cy password 4444' });
    const after = await env.token({ grant_type: 'refresh_token', refresh_token: cy.refresh_token }, SAS_CLI);
    assertOAuthError(after, 400, 'invalid_grant');
    assert.equal(await projectsOf(cy.access_token), 401);
  });

  test('client_credentials: a registered client acts for its user, gets no refresh token, and ends when deleted', async () => {
    const c = (await env.native('POST', '/api/v1/admin/clients', { id: 'etl.job', user: 'ana' })) as {
      id: string;
      secret: string;
      grants: string[];
      user: string;
      public: boolean;
    };
    assert.equal(c.user, 'ana');
    assert.equal(c.public, false);
    assert.deepEqual(c.grants, ['password', 'refresh_token', 'client_credentials']);
    assert.match(c.secret, /^[A-Za-z0-9_-]{40}$/);

    const r = await env.token({ grant_type: 'client_credentials' }, { id: 'etl.job', secret: c.secret });
    assert.equal(r.status, 200, r.text);
    const t = r.json();
    assert.equal(t.refresh_token, undefined);
    assert.equal(t.token_type, 'bearer');
    assert.equal(t.scope, 'openid');
    assert.deepEqual(await projectsOf(t.access_token), ['ana-data']);

    // The same client may also sign a user in by password, with a refresh token.
    const pw = await env.token(
      { grant_type: 'password', username: 'bo', password: 'bo password 22' },
      { id: 'etl.job', secret: c.secret },
    );
    assert.equal(pw.status, 200, pw.text);
    const refresh = pw.json().refresh_token;

    await env.native('DELETE', '/api/v1/admin/clients/etl.job');
    assert.equal(await projectsOf(t.access_token), 401);
    assertOAuthError(
      await env.token({ grant_type: 'client_credentials' }, { id: 'etl.job', secret: c.secret }),
      401,
      'invalid_client',
    );
    assertOAuthError(
      await env.token({ grant_type: 'refresh_token', refresh_token: refresh }, SAS_CLI),
      400,
      'invalid_grant',
    );
  });

  test('an unknown client, a wrong secret, a secret for sas.cli and a malformed Basic header are 401 invalid_client', async () => {
    const made = (await env.native('POST', '/api/v1/admin/clients', { id: 'web.app' })) as { secret: string };
    const form = { grant_type: 'password', username: 'ana', password: 'ana password 1' };
    assert.equal((await env.token(form, { id: 'web.app', secret: made.secret })).status, 200);
    assertOAuthError(await env.token(form, { id: 'no.such.client', secret: '' }), 401, 'invalid_client');
    assertOAuthError(
      await env.token(form, { id: 'web.app', secret: `${made.secret}x` }),
      401,
      'invalid_client',
    );
    assertOAuthError(await env.token(form, { id: 'web.app', secret: '' }), 401, 'invalid_client');
    assertOAuthError(await env.token(form, { id: 'sas.cli', secret: 'anything' }), 401, 'invalid_client');
    assertOAuthError(await env.token(form), 401, 'invalid_client');
    for (const authorization of [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Bearer x',
    ])
      assertOAuthError(
        await env.call('POST', TOKEN_PATH, {
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        }),
        401,
        'invalid_client',
      );
  });

  test('a grant the server does not serve, or the client may not use, is refused in the OAuth shape', async () => {
    assertOAuthError(
      await env.token({ grant_type: 'authorization_code', code: 'abc' }, SAS_CLI),
      400,
      'unsupported_grant_type',
    );
    assertOAuthError(
      await env.token({ grant_type: 'client_credentials' }, SAS_CLI),
      400,
      'unauthorized_client',
    );
    const pwOnly = (await env.native('POST', '/api/v1/admin/clients', {
      id: 'pw.only',
      grants: ['password'],
    })) as { secret: string };
    const r = await env.token(
      { grant_type: 'password', username: 'ana', password: 'ana password 1' },
      { id: 'pw.only', secret: pwOnly.secret },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().refresh_token, undefined, 'a client without the refresh_token grant gets none');
  });

  test('malformed requests are 400 invalid_request, another method 405, never a 5xx, a 403 or a 449', async () => {
    const auth = { authorization: basic('sas.cli', '') };
    const post = (type: string | undefined, body: string) =>
      env.call('POST', TOKEN_PATH, { headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, body });
    const form = 'application/x-www-form-urlencoded';
    const cases: [string, Promise<SasAnswer>][] = [
      ['JSON body', post('application/json', '{"grant_type": "password"}')],
      ['no content type', post(undefined, 'grant_type=password')],
      ['empty form', post(form, '')],
      ['no grant_type', post(form, 'username=ana&password=ana+password+1')],
      ['no password', post(form, 'grant_type=password&username=ana')],
      ['empty username', post(form, 'grant_type=password&username=&password=x')],
      ['no refresh_token', post(form, 'grant_type=refresh_token')],
      ['repeated field', post(form, 'grant_type=password&grant_type=password&username=ana&password=y')],
      ['too large', post(form, `grant_type=password&username=ana&password=${'p'.repeat(20_000)}`)],
      ['malformed multipart', post('multipart/form-data; boundary=zz', 'not a multipart body at all')],
      ['multipart without boundary', post('multipart/form-data', 'grant_type=password')],
      [
        'a file in a multipart form',
        post(
          'multipart/form-data; boundary=b',
          '--b\r\nContent-Disposition: form-data; name="grant_type"; filename="g.txt"\r\n\r\npassword\r\n--b--\r\n',
        ),
      ],
      ['bad percent-encoding', post(form, 'grant_type=password&username=%ZZ&password=%')],
      ['client twice', post(form, 'grant_type=password&username=ana&password=x&client_secret=')],
    ];
    for (const [what, answer] of cases) {
      const r = await answer;
      assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
      // A name that does not decode is taken as it comes, as URLSearchParams takes it: no such user.
      assertOAuthError(r, 400, what === 'bad percent-encoding' ? 'invalid_grant' : 'invalid_request');
    }
    // Another method on the endpoint is 405, as Spring Security OAuth's token endpoint answers it.
    const get = await env.call('GET', TOKEN_PATH);
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST, OPTIONS');
    assert.equal(JSON.parse(get.text).error, 'method_not_allowed');
    assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
  });

  test('mimeo client create, list and delete register clients that the token endpoint knows', async () => {
    const made = await cli(['client', 'create', 'cli.made', '--user', 'bo', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const c = JSON.parse(made.stdout);
    assert.equal(c.id, 'cli.made');
    assert.deepEqual(c.grants, ['password', 'refresh_token', 'client_credentials']);
    const t = await env.token({ grant_type: 'client_credentials' }, { id: 'cli.made', secret: c.secret });
    assert.equal(t.status, 200, t.text);

    const list = await cli(['client', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^id\s+public\s+user\s+grants\s+createdAt$/m);
    assert.match(list.stdout, /^cli\.made\s+false\s+bo\s+password,refresh_token,client_credentials\s+\S+$/m);
    assert.match(list.stdout, /^sas\.cli\s+true\s+password,refresh_token\s+\S+$/m);
    assert.doesNotMatch(list.stdout, new RegExp(c.secret));

    const narrow = await cli(['client', 'create', 'cli.narrow', '--grants', 'password', '--json']);
    assert.equal(narrow.code, 0, narrow.stderr);
    assert.deepEqual(JSON.parse(narrow.stdout).grants, ['password']);
    const bad = await cli(['client', 'create', 'cli.bad', '--grants', 'client_credentials']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /InvalidArgument: .*needs a user/);
    const clash = await cli(['client', 'create', 'cli.made']);
    assert.match(clash.stderr, /Conflict/);

    const gone = await cli(['client', 'delete', 'cli.made']);
    assert.equal(gone.code, 0, gone.stderr);
    assertOAuthError(
      await env.token({ grant_type: 'client_credentials' }, { id: 'cli.made', secret: c.secret }),
      401,
      'invalid_client',
    );
    const again = await cli(['client', 'delete', 'cli.made']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NoSuchClient/);
  });

  test('only root or an admin manages clients, as the OpenAPI document says', async () => {
    const ana = (
      await env.token({ grant_type: 'password', username: 'ana', password: 'ana password 1' }, SAS_CLI)
    ).json().access_token;
    const headers = { authorization: `Bearer ${ana}`, 'content-type': 'application/json' };
    const list = await env.call('GET', '/api/v1/admin/clients', {
      headers: { authorization: `Bearer ${ana}` },
    });
    assert.equal(list.status, 403);
    const create = await env.call('POST', '/api/v1/admin/clients', { headers, body: '{"id": "mine"}' });
    assert.equal(create.status, 403);
    assert.equal(create.json().error.code, 'AccessDenied');
    const doc = (await env.call('GET', '/api/v1/openapi.json')).json();
    assert.ok(doc.paths['/api/v1/admin/clients'].get && doc.paths['/api/v1/admin/clients'].post);
    assert.ok(doc.paths['/api/v1/admin/clients/{id}'].delete);
  });
});

describe('SAS Logon with short-lived access tokens', () => {
  let env: SasEnv;
  before(async () => {
    env = await openSas(['--token-ttl', '1']);
    await env.user('ana', 'ana password 1');
  });
  after(async () => env.close());

  test('an expired access token is refused on the native API; its refresh token still gives a fresh one', async () => {
    const t = (
      await env.token({ grant_type: 'password', username: 'ana', password: 'ana password 1' }, SAS_CLI)
    ).json();
    assert.equal(t.expires_in, 1);
    await sleep(1200);
    const stale = await env.call('GET', '/api/v1/projects', {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    assert.equal(stale.status, 401);
    assert.equal(stale.json().error.code, 'TokenExpired');
    const fresh = (
      await env.token({ grant_type: 'refresh_token', refresh_token: t.refresh_token }, SAS_CLI)
    ).json();
    const r = await env.call('GET', '/api/v1/projects', {
      headers: { authorization: `Bearer ${fresh.access_token}` },
    });
    assert.equal(r.status, 200, r.text);
  });
});
