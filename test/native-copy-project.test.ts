// POST /api/v1/copy with the whole project as its source ('' or '/'): a tree copy job like any folder's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestApi, type TestApi } from './helpers/api.ts';
import { bytes } from './helpers/data.ts';

let api: TestApi;
before(async () => {
  api = await openTestApi({ blockSize: 4096 });
});
after(async () => api.close());

const call = (method: string, url: string, payload?: Buffer | object) => api.call(method, url, payload);

/** Copies `source` to `target` and waits for the job; returns its final state. */
async function copyTree(source: object, target: object): Promise<{ state: string; progress: unknown }> {
  const r = await call('POST', '/api/v1/copy', { source, target });
  assert.equal(r.status, 202, r.body);
  let job = JSON.parse(r.body).job;
  for (let i = 0; i < 300 && job.state !== 'succeeded' && job.state !== 'failed'; i++) {
    await new Promise((res) => setTimeout(res, 20));
    job = JSON.parse((await call('GET', `/api/v1/jobs/${job.id}`)).body);
  }
  return job;
}

const files: [string, Buffer][] = [
  ['top', bytes(300, 1)],
  ['a/one', bytes(5000, 2)],
  ['a/b/two', bytes(9000, 3)],
];

test('the whole project, named by "" or "/", is copied as a tree into another project and into a folder', async () => {
  for (const name of ['whole-src', 'whole-dst', 'whole-dst2'])
    assert.equal((await call('POST', '/api/v1/projects', { name })).status, 201);
  for (const [path, data] of files)
    assert.equal((await call('PUT', `/api/v1/projects/whole-src/files/${path}`, data)).status, 201);

  const cases: [string, object, string][] = [
    ['', { project: 'whole-dst', path: 'copy' }, 'whole-dst/files/copy/'],
    ['/', { project: 'whole-dst2', path: '/' }, 'whole-dst2/files/'],
    ['/', { project: 'whole-src', path: 'backup' }, 'whole-src/files/backup/'],
  ];
  for (const [from, target, at] of cases) {
    const job = await copyTree({ project: 'whole-src', path: from }, target);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    for (const [path, data] of files) {
      const r = await call('GET', `/api/v1/projects/${at}${path}`);
      assert.equal(r.status, 200, `${at}${path}`);
      assert.deepEqual(r.raw, data, `${at}${path}`);
    }
  }
  // The copy into a folder of the source saw the project as it was when the job began: no backup/backup.
  const listed = await call('GET', '/api/v1/projects/whole-src/dirs/backup');
  assert.deepEqual(
    JSON.parse(listed.body)
      .entries.map((e: { path: string }) => e.path)
      .sort(),
    ['backup/a', 'backup/top'],
  );
});

test('a whole project onto itself, or into a project that holds files, is refused; an empty one is NoSuchKey', async () => {
  const self = await call('POST', '/api/v1/copy', {
    source: { project: 'whole-src', path: '' },
    target: { project: 'whole-src', path: '/' },
  });
  assert.equal(self.status, 400, self.body);
  assert.equal(JSON.parse(self.body).error.code, 'InvalidArgument');
  const full = await call('POST', '/api/v1/copy', {
    source: { project: 'whole-src', path: '/' },
    target: { project: 'whole-dst2', path: '' },
  });
  assert.equal(full.status, 409, full.body);
  assert.equal(JSON.parse(full.body).error.code, 'Conflict');
  assert.equal((await call('POST', '/api/v1/projects', { name: 'whole-empty' })).status, 201);
  const empty = await call('POST', '/api/v1/copy', {
    source: { project: 'whole-empty', path: '' },
    target: { project: 'whole-dst', path: 'nothing' },
  });
  assert.equal(empty.status, 404, empty.body);
  assert.equal(JSON.parse(empty.body).error.code, 'NoSuchKey');
  // A file is not copied to the top of a project: that is no file's path.
  for (const path of ['', '/']) {
    const file = await call('POST', '/api/v1/copy', {
      source: { project: 'whole-src', path: 'top' },
      target: { project: 'whole-dst', path },
    });
    assert.equal(file.status, 400, file.body);
  }
});
