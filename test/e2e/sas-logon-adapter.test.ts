// SAS Logon driven by @sasjs/adapter, unmodified (its Node entry), over HTTPS trusting the development certificate:
// its refreshTokens (a multipart refresh_token grant) rotates the tokens, a used refresh token is its
// LoginRequiredError, and its getAccessToken (the authorization_code grant, not served) gets the OAuth error back.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { openSas, type SasEnv } from '../helpers/sas.ts';

interface SasAuthResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}
interface Adapter {
  refreshTokens(clientId: string, secret: string, refreshToken: string): Promise<SasAuthResponse>;
  getAccessToken(clientId: string, secret: string, authCode: string): Promise<SasAuthResponse>;
}
type AdapterClass = new (config: Record<string, unknown>) => Adapter;

// The package's main entry is a browser bundle; Node takes its `node` entry, through require.
const SASjs = (createRequire(import.meta.url)('@sasjs/adapter/node') as { default: AdapterClass }).default;

describe('SAS Logon through @sasjs/adapter', () => {
  let env: SasEnv;
  let sas: Adapter;

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.native('POST', '/api/v1/projects', { name: 'ana-data' });
    await env.native('PUT', '/api/v1/projects/ana-data/members/ana', { role: 'read' });
    sas = new SASjs({
      serverUrl: env.server.url,
      serverType: 'SASVIYA',
      appLoc: '/Public/app',
      useComputeApi: true,
      debug: false,
      httpsAgentOptions: { ca: env.ca },
    });
  });
  after(async () => env.close());

  test('refreshTokens rotates the pair; the old refresh token is then LoginRequiredError', async () => {
    const first = (
      await env.token(
        { grant_type: 'password', username: 'ana', password: 'ana password 1' },
        { id: 'sas.cli', secret: '' },
      )
    ).json();
    const next = await sas.refreshTokens('sas.cli', '', first.refresh_token);
    assert.equal(next.token_type, 'bearer');
    assert.equal(next.scope, 'openid');
    assert.notEqual(next.refresh_token, first.refresh_token);
    const r = await env.call('GET', '/api/v1/projects', {
      headers: { authorization: `Bearer ${next.access_token}` },
    });
    assert.deepEqual(
      (r.json().projects as { name: string }[]).map((p) => p.name),
      ['ana-data'],
    );

    await assert.rejects(sas.refreshTokens('sas.cli', '', first.refresh_token), (err: Error) => {
      assert.equal(err.name, 'LoginRequiredError', String(err));
      assert.match(String(err.message), /invalid_grant/);
      return true;
    });
    // The rotated one still works, once.
    const third = await sas.refreshTokens('sas.cli', '', next.refresh_token);
    assert.notEqual(third.refresh_token, next.refresh_token);
  });

  test('refreshTokens with a registered client and its secret', async () => {
    const c = (await env.native('POST', '/api/v1/admin/clients', { id: 'sasjs.app' })) as { secret: string };
    const first = (
      await env.token(
        { grant_type: 'password', username: 'ana', password: 'ana password 1' },
        { id: 'sasjs.app', secret: c.secret },
      )
    ).json();
    const next = await sas.refreshTokens('sasjs.app', c.secret, first.refresh_token);
    assert.equal(next.token_type, 'bearer');
    await assert.rejects(sas.refreshTokens('sasjs.app', 'wrong', next.refresh_token), /invalid_client/);
  });

  test('getAccessToken (an authorization code) gets the unsupported_grant_type error, not a token', async () => {
    // The adapter takes every status up to 401 as success but a 400 invalid_grant: it hands this 400 back as its
    // result, and the user finds the OAuth error in place of a token.
    const r = (await sas.getAccessToken('sas.cli', '', 'some-code')) as unknown as Record<string, unknown>;
    assert.equal(r['error'], 'unsupported_grant_type');
    assert.equal(r['access_token'], undefined);
  });
});
