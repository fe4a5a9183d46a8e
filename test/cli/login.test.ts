// mimeo login, servers and logout against a real server: the configuration file and its mode, a password sign-in
// that keeps a personal token and no password, named servers overridden from the environment, and the errors.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines, runCli } from '../helpers/cli.ts';
import { CREDS, type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

describe('mimeo login, servers, logout', () => {
  let server: RunningServer;
  let tmp: { path: string; remove: () => Promise<void> };
  let env: Record<string, string>;
  let configPath: string;
  const cli = (args: string[], input?: string, extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra }, input });

  before(async () => {
    tmp = await tempDir('mimeo-cli-login');
    server = await startServer({ dataDir: join(tmp.path, 'data') });
    configPath = join(tmp.path, 'home', 'client.json');
    env = { MIMEO_CLIENT_CONFIG: configPath };
  });
  after(async () => {
    await server?.stop();
    await tmp?.remove();
  });

  test('a key: checked by signing in, kept in a file of mode 0600; --default makes it the server of :PROJECT/PATH', async () => {
    const bad = await cli([
      'login',
      'lab',
      server.url,
      '--access-key',
      CREDS.MIMEO_ROOT_ACCESS_KEY,
      '--secret-key',
      'nope',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^mimeo: InvalidCredentials: /);
    assert.throws(() => statSync(configPath), /ENOENT/);

    const r = await cli([
      'login',
      'lab',
      server.url,
      '--access-key',
      CREDS.MIMEO_ROOT_ACCESS_KEY,
      '--secret-key',
      CREDS.MIMEO_ROOT_SECRET_KEY,
      '--default',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout), [
      { server: 'lab', url: server.url, principal: 'root', default: true, config: configPath },
    ]);
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    // With no flag pointing anywhere, commands now go to the default server.
    const users = await cli(['user', 'create', 'ana', '--json']);
    assert.equal(users.code, 0, users.stderr);
    assert.equal(JSON.parse(users.stdout).name, 'ana');
  });

  test('a password: a personal token is made and kept, the password is not', async () => {
    const set = await cli(['user', 'passwd', 'ana', '--password-stdin'], 'ana has a long password\n');
    assert.equal(set.code, 0, set.stderr);
    const r = await cli(
      ['login', 'ana-lab', `${server.url}/`, '--user', 'ana', '--password-stdin'],
      'ana has a long password\n',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `signed in to ana-lab (${server.url}) as ana\n`);
    const file = readFileSync(configPath, 'utf8');
    assert.doesNotMatch(file, /ana has a long password/);
    const saved = JSON.parse(file) as {
      default: string;
      servers: Record<string, { token?: string; url: string }>;
    };
    assert.equal(saved.default, 'lab');
    assert.match(saved.servers['ana-lab']!.token ?? '', /^mimeo_pat_/);

    const tokens = await cli(['token', 'list', 'ana', '--json']);
    const listed = jsonLines(tokens.stdout) as { name: string }[];
    assert.deepEqual(
      listed.map((t) => t.name),
      [`mimeo CLI on ${(await import('node:os')).hostname()}`],
    );
    // The token signs in as ana: ana is no administrator, so the user list is refused with the server's code.
    const asAna = await cli(['user', 'list', '--server', 'ana-lab']);
    assert.equal(asAna.code, 1);
    assert.match(asAna.stderr, /^mimeo: AccessDenied: /);

    const wrong = await cli(
      ['login', 'x', server.url, '--user', 'ana', '--password-stdin'],
      'not it at all\n',
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^mimeo: InvalidCredentials: /);
  });

  test('servers lists names, URLs and how they sign in, never a secret; default NAME switches', async () => {
    const r = await cli(['servers', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout), [
      { name: 'lab', url: server.url, auth: `key ${CREDS.MIMEO_ROOT_ACCESS_KEY}`, default: true },
      { name: 'ana-lab', url: server.url, auth: 'personal token', default: false },
    ]);
    const text = await cli(['servers']);
    assert.doesNotMatch(text.stdout, new RegExp(CREDS.MIMEO_ROOT_SECRET_KEY));
    assert.doesNotMatch(text.stdout, /mimeo_pat_/);
    assert.equal((await cli(['servers', 'default', 'nope'])).code, 2);
    const sw = await cli(['servers', 'default', 'ana-lab', '--json']);
    assert.deepEqual(jsonLines(sw.stdout), [{ default: 'ana-lab' }]);
    assert.equal((await cli(['user', 'list'])).code, 1);
    assert.equal((await cli(['servers', 'default', 'lab'])).code, 0);
  });

  test('the environment overrides a named server, and an unknown name is a usage error', async () => {
    const dead = 'http://127.0.0.1:9';
    const r = await cli(['user', 'list', '--server', 'lab'], undefined, { MIMEO_SERVER_LAB_URL: dead });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `mimeo: cannot reach the server at ${dead}: connection refused\n`);
    const byEnv = await cli(['user', 'list', '--server', 'ci', '--json'], undefined, {
      MIMEO_SERVER_CI_URL: server.url,
      MIMEO_SERVER_CI_ACCESS_KEY: CREDS.MIMEO_ROOT_ACCESS_KEY,
      MIMEO_SERVER_CI_SECRET_KEY: CREDS.MIMEO_ROOT_SECRET_KEY,
    });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.ok(jsonLines(byEnv.stdout).some((u) => u['name'] === 'ana'));
    const unknown = await cli(['user', 'list', '--server', 'nope']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, "mimeo: no server named 'nope': add it with mimeo login nope URL\n");
    const badUrl = await cli(['login', 'x', 'ftp://example', '--token', 't']);
    assert.equal(badUrl.code, 2);
    const two = await cli(['login', 'x', server.url, '--token', 't', '--user', 'ana']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /give one way to sign in/);
  });

  test('logout revokes the token login made and forgets the server', async () => {
    const r = await cli(['logout', 'ana-lab', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout), [{ server: 'ana-lab', removed: true, tokenRevoked: true }]);
    const tokens = await cli(['token', 'list', 'ana', '--json']);
    assert.equal(tokens.stdout, '');
    const gone = await cli(['user', 'list', '--server', 'ana-lab']);
    assert.equal(gone.code, 2);
    assert.equal((await cli(['logout', 'ana-lab'])).code, 2);
  });
});
