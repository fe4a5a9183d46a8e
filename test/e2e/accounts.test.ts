// Accounts end to end: `mimeo user passwd` and `mimeo token`, the admin API, signing in by name, password and
// personal token at the native token endpoint, the limits on failed sign-ins, and a log without secrets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.ts';
import { CREDS, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

const LAUNCHER = resolve(import.meta.dirname, '../../bin/mimeo');

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('accounts (passwords, personal tokens, sign-in limits)', () => {
  let server: RunningServer;
  let removeDir: () => Promise<void>;
  /** Every secret the test handles: none may reach the server's log. */
  const secrets: string[] = [CREDS.MIMEO_ROOT_SECRET_KEY];

  /** Runs bin/mimeo as a user would, with `input` on its standard input (a pipe, not a terminal). */
  const cli = (
    args: string[],
    options: { input?: string; creds?: Record<string, string> } = {},
  ): Promise<Cli> =>
    new Promise((done) => {
      const child = spawn(LAUNCHER, args, {
        env: { PATH: process.env['PATH'] ?? '', MIMEO_URL: server.url, ...(options.creds ?? CREDS) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });
  const json = async (args: string[], options: { input?: string; creds?: Record<string, string> } = {}) => {
    const r = await cli([...args, '--json'], options);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const signIn = (body: object) =>
    fetch(`${server.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const api = (token: string, method: string, path: string, body?: object) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const errorCode = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

  before(async () => {
    const dir = await tempDir('mimeo-accounts');
    removeDir = dir.remove;
    server = await startServer({
      dataDir: dir.path,
      args: ['--log-level', 'debug', '--login-failures-per-name', '4', '--login-window', '30'],
    });
  });
  after(async () => {
    await server.stop();
    await removeDir();
  });

  test('mimeo user passwd sets a password read from standard input; the user signs in by name', async () => {
    const ana = await json(['user', 'create', 'ana']);
    secrets.push(ana.secretKey, 'ana first password', 'ana second password', 'ana third password');
    const set = await cli(['user', 'passwd', 'ana'], { input: 'ana first password\n' });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /the password of ana is set/);

    const ok = await signIn({ name: 'ana', password: 'ana first password' });
    assert.equal(ok.status, 201);
    const session = (await ok.json()) as { token: string; principal: { name: string } };
    assert.equal(session.principal.name, 'ana');
    assert.equal((await api(session.token, 'GET', '/api/v1/projects')).status, 200);

    // A wrong password and an unknown name get the same answer.
    for (const body of [
      { name: 'ana', password: 'not the password' },
      { name: 'no-such-user', password: 'not the password' },
    ]) {
      const r = await signIn(body);
      assert.equal(r.status, 401);
      assert.equal(await errorCode(r), 'InvalidCredentials');
    }
    const mixed = await signIn({ name: 'ana', password: 'ana first password', accessKey: ana.accessKey });
    assert.equal(mixed.status, 400);

    // --password-stdin reads standard input too; a short password is refused by the server.
    const short = await cli(['user', 'passwd', 'ana', '--password-stdin'], { input: 'short\n' });
    assert.equal(short.code, 1);
    assert.match(short.stderr, /InvalidArgument: A password is 8 to 1024 characters long/);
    const none = await cli(['user', 'passwd', 'ana']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected 1 non-empty line/);

    // Ana changes her own password with her access key, giving the current one; the old sessions end.
    const asAna = { MIMEO_ACCESS_KEY: ana.accessKey, MIMEO_SECRET_KEY: ana.secretKey };
    const wrongCurrent = await cli(['user', 'passwd', 'ana', '--current'], {
      input: 'not the current one\nana second password\n',
      creds: asAna,
    });
    assert.equal(wrongCurrent.code, 1);
    assert.match(wrongCurrent.stderr, /AccessDenied/);
    const own = await cli(['user', 'passwd', 'ana', '--current'], {
      input: 'ana first password\nana second password\n',
      creds: asAna,
    });
    assert.equal(own.code, 0, own.stderr);
    assert.equal((await api(session.token, 'GET', '/api/v1/projects')).status, 401);
    assert.equal((await signIn({ name: 'ana', password: 'ana first password' })).status, 401);
    assert.equal((await signIn({ name: 'ana', password: 'ana second password' })).status, 201);

    // Not another user's; clearing takes the password away.
    const bo = await json(['user', 'create', 'bo']);
    secrets.push(bo.secretKey);
    const other = await cli(['user', 'passwd', 'bo', '--current'], {
      input: 'x\nana third password\n',
      creds: asAna,
    });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /AccessDenied/);
    const cleared = await cli(['user', 'passwd', 'ana', '--clear']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal((await signIn({ name: 'ana', password: 'ana second password' })).status, 401);
    assert.equal((await json(['user', 'show', 'ana'])).hasPassword, false);
  });

  test('root signs in by the name root with its secret key', async () => {
    const r = await signIn({ name: 'root', password: CREDS.MIMEO_ROOT_SECRET_KEY });
    assert.equal(r.status, 201);
    const { token, principal } = (await r.json()) as { token: string; principal: { id: string } };
    assert.equal(principal.id, 'root');
    assert.equal((await api(token, 'GET', '/api/v1/admin/users')).status, 200);
    assert.equal((await signIn({ name: 'root', password: CREDS.MIMEO_ROOT_ACCESS_KEY })).status, 401);
  });

  test('mimeo token: created once in full, used as a bearer or at the token endpoint, listed, revoked', async () => {
    const cy = await json(['user', 'create', 'cy']);
    secrets.push(cy.secretKey);
    const made = await json(['token', 'create', 'cy', '--name', 'laptop']);
    secrets.push(made.token);
    assert.match(made.token, /^mimeo_pat_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([made.user, made.name, made.expiresAt, made.lastUsedAt], ['cy', 'laptop', null, null]);

    const direct = await api(made.token, 'GET', '/api/v1/projects');
    assert.equal(direct.status, 200);
    const exchanged = await signIn({ token: made.token });
    assert.equal(exchanged.status, 201);
    const session = ((await exchanged.json()) as { token: string }).token;
    assert.equal((await api(session, 'GET', '/api/v1/projects')).status, 200);

    const listed = jsonLines((await cli(['token', 'list', 'cy', '--json'])).stdout) as {
      id: string;
      token?: string;
      lastUsedAt: string;
    }[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.id, made.id);
    assert.equal(listed[0]!.token, undefined);
    assert.match(listed[0]!.lastUsedAt, /^\d{4}-/);
    const text = await cli(['token', 'list', 'cy']);
    assert.ok(text.stdout.includes(made.id) && text.stdout.includes('laptop'));
    assert.ok(!text.stdout.includes(made.token.slice(10)));

    const revoked = await cli(['token', 'revoke', made.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    for (const r of [
      await api(made.token, 'GET', '/api/v1/projects'),
      await api(session, 'GET', '/api/v1/projects'),
      await signIn({ token: made.token }),
    ])
      assert.equal(r.status, 401);
    const again = await cli(['token', 'revoke', made.id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NoSuchToken/);

    // An expired token is refused.
    const brief = await json(['token', 'create', 'cy', '--expires-in', '1']);
    secrets.push(brief.token);
    assert.equal((await api(brief.token, 'GET', '/api/v1/projects')).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await api(brief.token, 'GET', '/api/v1/projects');
    assert.equal(expired.status, 401);
    assert.equal(await errorCode(expired), 'TokenExpired');
    assert.equal((await signIn({ token: brief.token })).status, 401);

    // A user manages their own tokens, not another's.
    const asCy = { MIMEO_ACCESS_KEY: cy.accessKey, MIMEO_SECRET_KEY: cy.secretKey };
    const mine = await json(['token', 'create', 'cy'], { creds: asCy });
    secrets.push(mine.token);
    const theirs = await cli(['token', 'create', 'ana'], { creds: asCy });
    assert.equal(theirs.code, 1);
    assert.match(theirs.stderr, /AccessDenied/);
    assert.equal((await cli(['token', 'create', 'cy', '--expires-in', 'soon'])).code, 2);
  });

  test('the admin API: passwords and personal tokens, for root, admins, and users themselves', async () => {
    const root = await server.token();
    const dee = await json(['user', 'create', 'dee']);
    secrets.push(dee.secretKey, 'dee password one');
    const set = await api(root, 'PUT', '/api/v1/admin/users/dee/password', { password: 'dee password one' });
    assert.equal(set.status, 204);
    assert.equal(
      ((await (await api(root, 'GET', '/api/v1/admin/users/dee')).json()) as { hasPassword: boolean })
        .hasPassword,
      true,
    );
    const dees = (
      (await (await signIn({ name: 'dee', password: 'dee password one' })).json()) as { token: string }
    ).token;

    const created = await api(dees, 'POST', '/api/v1/admin/users/dee/tokens', { expiresInSeconds: 3600 });
    assert.equal(created.status, 201);
    const t = (await created.json()) as { id: string; token: string; expiresAt: string };
    secrets.push(t.token);
    assert.ok(Date.parse(t.expiresAt) > Date.now() + 3500_000);
    const empty = await api(dees, 'POST', '/api/v1/admin/users/dee/tokens');
    assert.equal(empty.status, 201);
    secrets.push(((await empty.json()) as { token: string }).token);
    const list = (await (await api(root, 'GET', '/api/v1/admin/users/dee/tokens')).json()) as {
      tokens: { id: string }[];
    };
    assert.equal(list.tokens.length, 2);
    assert.ok(!JSON.stringify(list).includes('mimeo_pat_'));
    for (const [path, body] of [
      ['/api/v1/admin/users/ana/password', { password: 'dee took it over' }],
      ['/api/v1/admin/users/ana/tokens', {}],
    ] as const) {
      const r = await api(dees, path.endsWith('tokens') ? 'POST' : 'PUT', path, body);
      assert.equal(r.status, 403);
      assert.equal(await errorCode(r), 'AccessDenied');
    }
    const bad = await api(dees, 'POST', '/api/v1/admin/users/dee/tokens', { expiresInSeconds: 0 });
    assert.equal(bad.status, 400);
    assert.equal((await api(dees, 'DELETE', `/api/v1/admin/tokens/${t.id}`)).status, 204);
    assert.equal((await api(t.token, 'GET', '/api/v1/projects')).status, 401);
    assert.equal((await api(root, 'DELETE', `/api/v1/admin/tokens/${t.id}`)).status, 404);

    // The OpenAPI document describes all of it.
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>
      >;
    };
    for (const [path, method] of [
      ['/api/v1/admin/users/{user}/password', 'put'],
      ['/api/v1/admin/users/{user}/tokens', 'post'],
      ['/api/v1/admin/users/{user}/tokens', 'get'],
      ['/api/v1/admin/tokens/{id}', 'delete'],
    ] as const)
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    const tokenSchema =
      doc.paths['/api/v1/auth/token']!['post']!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(
      (tokenSchema as { oneOf: { required: string[] }[] }).oneOf.map((f) => f.required),
      [['accessKey', 'secret'], ['accessKey', 'secretKey'], ['name', 'password'], ['token']],
    );
  });

  test('failed sign-ins: 429 with Retry-After past the limit, even with the right password; logged without secrets', async () => {
    const eve = await json(['user', 'create', 'eve']);
    secrets.push(eve.secretKey, 'eve real password');
    assert.equal((await cli(['user', 'passwd', 'eve'], { input: 'eve real password\n' })).code, 0);
    for (let i = 0; i < 4; i++) {
      const r = await signIn({ name: 'eve', password: `eve guess ${i}` });
      assert.equal(r.status, 401);
    }
    const refused = await signIn({ name: 'eve', password: 'eve real password' });
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After: ${retryAfter}`);
    assert.equal(await errorCode(refused), 'TooManyRequests');
    // Another name from the same address still signs in.
    assert.equal((await signIn({ name: 'root', password: CREDS.MIMEO_ROOT_SECRET_KEY })).status, 201);

    // The log has each failure at warn with the name and address, and no secret at all.
    const log = server.stdout() + server.stderr();
    const lines = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failures = lines.filter((l) => l['msg'] === 'sign-in failed' && l['name'] === 'eve');
    assert.equal(failures.length, 4);
    for (const f of failures)
      assert.deepEqual([f['level'], f['address'], f['signIn']], [40, '127.0.0.1', 'password']);
    assert.ok(lines.some((l) => l['msg'] === 'sign-in refused: too many failures' && l['name'] === 'eve'));
    for (const guess of ['eve guess 0', 'not the password', 'not the current one']) secrets.push(guess);
    for (const secret of secrets)
      assert.ok(!log.includes(secret), `a secret is in the log: ${secret.slice(0, 12)}`);
  });
});
