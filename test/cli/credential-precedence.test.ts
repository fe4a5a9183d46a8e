// Which identity a command acts as when credentials come from more than one place: flags win over the
// environment, and the environment over a saved login, whatever kind (access key or token) each one is. The
// identity shows in what the server allows: root lists the users, ana (no administrator) is refused.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { CREDS } from '../helpers/server.ts';
import { type Kit, startKit } from './verbs-kit.ts';

const ROOT = { accessKey: CREDS.MIMEO_ROOT_ACCESS_KEY, secretKey: CREDS.MIMEO_ROOT_SECRET_KEY };

describe('credentials: flags, then the environment, then the saved login', () => {
  let kit: Kit;
  let config: string;
  let anaToken: string;
  let anaKey: { accessKey: string; secretKey: string };

  /** `mimeo user list` with only `env` (and PATH, the client config) in the environment: who it ran as. */
  const whoListsUsers = async (flags: string[], env: Record<string, string>) => {
    const r = await runCli(['user', 'list', '--json', ...flags], {
      env: { MIMEO_CLIENT_CONFIG: config, ...env },
    });
    if (r.code === 0) return 'root';
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^mimeo: AccessDenied: /);
    return 'ana';
  };

  before(async () => {
    kit = await startKit('mimeo-cli-creds');
    config = kit.env()['MIMEO_CLIENT_CONFIG']!;
    const ana = await kit.api<{ accessKey: string; secretKey: string }>('POST', '/api/v1/admin/users', {
      name: 'ana',
    });
    anaKey = { accessKey: ana.accessKey, secretKey: ana.secretKey };
    anaToken = (await kit.api<{ token: string }>('POST', '/api/v1/admin/users/ana/tokens', { name: 't' }))
      .token;
  });
  after(() => kit.close());

  test('--token wins over an access key in the environment', async () => {
    const env = {
      MIMEO_URL: kit.server.url,
      MIMEO_ACCESS_KEY: ROOT.accessKey,
      MIMEO_SECRET_KEY: ROOT.secretKey,
    };
    assert.equal(await whoListsUsers([], env), 'root');
    assert.equal(await whoListsUsers(['--token', anaToken], env), 'ana');
  });

  test("--token wins over root's key from the server's settings", async () => {
    const env = { MIMEO_URL: kit.server.url, ...CREDS };
    assert.equal(await whoListsUsers(['--token', anaToken], env), 'ana');
  });

  test('--access-key and --secret-key win over a token in the environment', async () => {
    const env = { MIMEO_URL: kit.server.url, MIMEO_TOKEN: anaToken };
    assert.equal(await whoListsUsers([], env), 'ana');
    const keys = ['--access-key', ROOT.accessKey, '--secret-key', ROOT.secretKey];
    assert.equal(await whoListsUsers(keys, env), 'root');
  });

  test('MIMEO_TOKEN wins over root key from the settings', async () => {
    assert.equal(
      await whoListsUsers([], { MIMEO_URL: kit.server.url, ...CREDS, MIMEO_TOKEN: anaToken }),
      'ana',
    );
  });

  test('a named server: its variables win over the saved login, flags over both', async () => {
    const saved = (entry: Record<string, string>) =>
      writeFileSync(config, JSON.stringify({ servers: { lab: { url: kit.server.url, ...entry } } }), {
        mode: 0o600,
      });
    saved({ ...ROOT });
    assert.equal(await whoListsUsers(['--server', 'lab'], {}), 'root');
    assert.equal(await whoListsUsers(['--server', 'lab'], { MIMEO_SERVER_LAB_TOKEN: anaToken }), 'ana');
    assert.equal(await whoListsUsers(['--server', 'lab', '--token', anaToken], {}), 'ana');
    saved({ token: anaToken });
    assert.equal(await whoListsUsers(['--server', 'lab'], {}), 'ana');
    const keys = ['--access-key', ROOT.accessKey, '--secret-key', ROOT.secretKey];
    assert.equal(await whoListsUsers(['--server', 'lab', ...keys], {}), 'root');
    const envKeys = {
      MIMEO_SERVER_LAB_ACCESS_KEY: ROOT.accessKey,
      MIMEO_SERVER_LAB_SECRET_KEY: ROOT.secretKey,
    };
    assert.equal(await whoListsUsers(['--server', 'lab'], envKeys), 'root');
    assert.equal(await whoListsUsers(['--server', 'lab', '--token', anaToken], envKeys), 'ana');
    assert.equal(
      await whoListsUsers(
        ['--server', 'lab', '--access-key', anaKey.accessKey, '--secret-key', anaKey.secretKey],
        {
          MIMEO_SERVER_LAB_TOKEN: 'not-a-token',
        },
      ),
      'ana',
    );
  });
});
