// GET /api/v1/jobs: a caller's own jobs, every job for root, newest first, a page at a time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestApi, type TestApi } from './helpers/api.ts';
import { bytes } from './helpers/data.ts';

let api: TestApi;
before(async () => {
  api = await openTestApi({ blockSize: 4096 });
});
after(async () => api.close());

async function call(method: string, url: string, headers = api.auth(), payload?: object) {
  const r = await api.app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.body === '' ? undefined : api.json(r) };
}

/** Starts a tree copy of `from` into `to` in project `p` as `headers`; returns the job's id. */
async function treeCopy(p: string, from: string, to: string, headers = api.auth()): Promise<string> {
  const r = await call('POST', '/api/v1/copy', headers, {
    source: { project: p, path: `${from}/` },
    target: { project: p, path: `${to}/` },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.job.id;
}

describe('GET /api/v1/jobs', () => {
  let ana: Record<string, string>;
  const rootJobs: string[] = [];
  let anaJob: string;

  before(async () => {
    assert.equal((await call('POST', '/api/v1/projects', api.auth(), { name: 'jobs-list' })).status, 201);
    const put = await api.app.inject({
      method: 'PUT',
      url: '/api/v1/projects/jobs-list/files/src/a',
      headers: { ...api.auth(), 'content-type': 'application/octet-stream' },
      payload: bytes(100, 1),
    });
    assert.equal(put.statusCode, 201);
    const u = (await call('POST', '/api/v1/admin/users', api.auth(), { name: 'jobs-ana' })).body;
    const t = await call('POST', '/api/v1/auth/token', {}, { accessKey: u.accessKey, secret: u.secretKey });
    ana = api.auth(t.body.token);
    const grant = await call('PUT', `/api/v1/projects/jobs-list/members/${u.id}`, api.auth(), {
      role: 'write',
    });
    assert.equal(grant.status, 204);
    for (let i = 0; i < 3; i++) rootJobs.push(await treeCopy('jobs-list', 'src', `root-${i}`));
    anaJob = await treeCopy('jobs-list', 'src', 'ana', ana);
  });

  test('a user sees their own jobs only, with the shape GET /api/v1/jobs/{id} has', async () => {
    const r = await call('GET', '/api/v1/jobs', ana);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.jobs.map((j: { id: string }) => j.id),
      [anaJob],
    );
    assert.equal(r.body.next, null);
    const one = await call('GET', `/api/v1/jobs/${anaJob}`, ana);
    assert.deepEqual(Object.keys(r.body.jobs[0]).sort(), Object.keys(one.body).sort());
    assert.equal(r.body.jobs[0].kind, one.body.kind);
  });

  test('root sees every job, newest first, a page at a time', async () => {
    const first = await call('GET', '/api/v1/jobs?limit=2');
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.jobs.map((j: { id: string }) => j.id),
      [anaJob, rootJobs[2]],
    );
    assert.equal(first.body.next, rootJobs[2]);
    const second = await call('GET', `/api/v1/jobs?limit=2&after=${first.body.next}`);
    assert.deepEqual(
      second.body.jobs.map((j: { id: string }) => j.id),
      [rootJobs[1], rootJobs[0]],
    );
    assert.equal(second.body.next, null);
    const past = await call('GET', `/api/v1/jobs?after=${rootJobs[0]}`);
    assert.deepEqual(past.body, { jobs: [], next: null });
    const all = await call('GET', '/api/v1/jobs');
    assert.equal(all.body.jobs.length, 4);
    assert.equal(all.body.next, null);
  });

  test('a bad limit is 400; no token is 401', async () => {
    for (const q of ['limit=-1', 'limit=abc', 'limit=99999']) {
      const r = await call('GET', `/api/v1/jobs?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(typeof r.body.error.code, 'string');
    }
    assert.equal((await call('GET', '/api/v1/jobs', {})).status, 401);
  });

  test('the OpenAPI document has it', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).body;
    assert.ok(doc.paths['/api/v1/jobs'].get);
  });
});
