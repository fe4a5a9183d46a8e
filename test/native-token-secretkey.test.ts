// The token endpoint takes the root credentials file's body as it is: `secretKey` is another name for `secret`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestApi, ROOT, type TestApi } from './helpers/api.ts';

let api: TestApi;
before(async () => {
  api = await openTestApi();
});
after(async () => api.close());

const token = (payload: object) => api.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload });

test('accessKey and secretKey sign in as accessKey and secret do', async () => {
  // The root credentials file's own shape: { "accessKey": ..., "secretKey": ... }.
  const r = await token({ accessKey: ROOT.accessKey, secretKey: ROOT.secretKey });
  assert.equal(r.statusCode, 201, r.body);
  const t = api.json(r);
  assert.equal(t.principal.name, 'root');
  const projects = await api.app.inject({
    method: 'GET',
    url: '/api/v1/projects',
    headers: api.auth(t.token),
  });
  assert.equal(projects.statusCode, 200);

  const wrong = await token({ accessKey: ROOT.accessKey, secretKey: 'wrong' });
  assert.equal(wrong.statusCode, 401);
  assert.equal(api.json(wrong).error.code, 'InvalidCredentials');
  // Both names at once is no form the endpoint knows.
  const both = await token({ accessKey: ROOT.accessKey, secret: ROOT.secretKey, secretKey: ROOT.secretKey });
  assert.equal(both.statusCode, 400);
  assert.equal(api.json(both).error.code, 'InvalidArgument');
});
