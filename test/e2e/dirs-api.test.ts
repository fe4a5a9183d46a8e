// The directory API end to end: a real server, the native routes and an S3 client writing into the same tree.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { bytes } from '../helpers/data.ts';
import { openS3, type S3Env } from '../helpers/s3.ts';

let env: S3Env;
let auth: Record<string, string>;
before(async () => {
  env = await openS3();
  auth = { authorization: `Bearer ${await env.server.token()}` };
});
after(async () => env.close());

async function call(method: string, path: string, body?: object) {
  const r = await fetch(`${env.server.url}${path}`, {
    method,
    headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined, headers: r.headers };
}

const names = (page: { entries: { type: string; name: string }[] }) =>
  page.entries.map((e) => `${e.type[0]}:${e.name}`);

test('S3 and native writes make their directories; the directory routes list, make, move and remove', async () => {
  await env.client.send(new CreateBucketCommand({ Bucket: 'tree' }));
  await env.client.send(new PutObjectCommand({ Bucket: 'tree', Key: 'from-s3/a/b.txt', Body: 'abc' }));
  const put = await fetch(`${env.server.url}/api/v1/projects/tree/files/native/x/y.bin`, {
    method: 'PUT',
    headers: auth,
    body: bytes(100),
  });
  assert.equal(put.status, 201);
  const root = await call('GET', '/api/v1/projects/tree/dirs/');
  assert.equal(root.status, 200);
  assert.deepEqual(names(root.json), ['d:from-s3', 'd:native']);
  assert.equal(root.json.next, null);
  const a = await call('GET', '/api/v1/projects/tree/dirs/from-s3/a');
  assert.deepEqual(names(a.json), ['f:b.txt']);
  assert.equal(a.json.entries[0].size, 3);
  assert.equal(a.json.entries[0].path, 'from-s3/a/b.txt');

  const made = await call('PUT', '/api/v1/projects/tree/dirs/new/deep?parents=true&mode=750');
  assert.equal(made.status, 201);
  assert.equal(made.json.type, 'directory');
  assert.equal(made.json.mode, 0o750);
  assert.match(made.json.ids.hex, /^[0-9a-f]{24}$/);
  assert.equal((await call('PUT', '/api/v1/projects/tree/dirs/new/deep?parents=true')).status, 200);
  const again = await call('PUT', '/api/v1/projects/tree/dirs/new/deep');
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'Conflict');
  const orphan = await call('PUT', '/api/v1/projects/tree/dirs/none/deep');
  assert.equal(orphan.status, 404);
  assert.equal(orphan.json.error.code, 'NoSuchDirectory');

  // S3 sees no directory, exactly as before.
  const listed = await env.client.send(new ListObjectsV2Command({ Bucket: 'tree', Delimiter: '/' }));
  assert.deepEqual(
    listed.CommonPrefixes?.map((p) => p.Prefix),
    ['from-s3/', 'native/'],
  );
  assert.equal(listed.KeyCount, 2);

  // Every id shape names the same entry.
  for (const id of [made.json.id, made.json.ids.decimal, made.json.ids.hex, made.json.ids.uuid]) {
    const e = await call('GET', `/api/v1/entries/${encodeURIComponent(id)}`);
    assert.equal(e.status, 200, id);
    assert.equal(e.json.path, 'new/deep');
  }
  assert.equal((await call('GET', '/api/v1/entries/12345678901234')).json.error.code, 'NoSuchEntry');
  const bad = await call('GET', '/api/v1/entries/not-an-id');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'InvalidArgument');

  // Move a directory, keeping ids; never into itself.
  const into = await call('POST', '/api/v1/move', {
    source: { project: 'tree', path: 'native/' },
    target: { project: 'tree', path: 'native/x/inside' },
  });
  assert.equal(into.status, 400);
  assert.equal(into.json.error.code, 'InvalidArgument');
  const dotdot = await call('POST', '/api/v1/move', {
    source: { project: 'tree', path: 'native' },
    target: { project: 'tree', path: 'a/../b' },
  });
  assert.equal(dotdot.status, 400);
  const moved = await call('POST', '/api/v1/move', {
    source: { project: 'tree', path: 'native' },
    target: { project: 'tree', path: 'new/deep/native' },
  });
  assert.equal(moved.status, 200, JSON.stringify(moved.json));
  assert.equal(moved.json.path, 'new/deep/native');
  const file = await fetch(`${env.server.url}/api/v1/projects/tree/files/new/deep/native/x/y.bin`, {
    headers: auth,
  });
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes(100));
  const s3View = await env.client.send(new ListObjectsV2Command({ Bucket: 'tree', Prefix: 'new/' }));
  assert.deepEqual(
    s3View.Contents?.map((o) => o.Key),
    ['new/deep/native/x/y.bin'],
  );

  // Conflicts under fail, and rename picks a free name.
  await call('PUT', '/api/v1/projects/tree/dirs/taken');
  const clash = await call('POST', '/api/v1/move', {
    source: { project: 'tree', path: 'from-s3' },
    target: { project: 'tree', path: 'taken' },
  });
  assert.equal(clash.status, 409);
  const renamed = await call('POST', '/api/v1/move', {
    source: { project: 'tree', path: 'from-s3' },
    target: { project: 'tree', path: 'taken' },
    conflict: 'rename',
  });
  assert.equal(renamed.json.path, 'taken (1)');

  // rmdir: 409 while not empty, 204 once empty.
  const full = await call('DELETE', '/api/v1/projects/tree/dirs/taken%20(1)/a');
  assert.equal(full.status, 409);
  assert.equal(full.json.error.code, 'DirectoryNotEmpty');
  assert.equal((await call('DELETE', '/api/v1/projects/tree/dirs/taken')).status, 204);
  assert.equal((await call('GET', '/api/v1/projects/tree/dirs/taken')).status, 404);

  // A tree goes as a job.
  const job = await call('DELETE', '/api/v1/projects/tree/dirs/taken%20(1)?recursive=true');
  assert.equal(job.status, 202);
  assert.equal(job.headers.get('location'), `/api/v1/jobs/${job.json.job.id}`);
  let state = job.json.job.state;
  for (let i = 0; i < 200 && state !== 'succeeded' && state !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    state = (await call('GET', `/api/v1/jobs/${job.json.job.id}`)).json.state;
  }
  assert.equal(state, 'succeeded');
  assert.equal((await call('GET', '/api/v1/projects/tree/dirs/taken%20(1)')).status, 404);
  const left = await env.client.send(new ListObjectsV2Command({ Bucket: 'tree' }));
  assert.deepEqual(
    left.Contents?.map((o) => o.Key),
    ['new/deep/native/x/y.bin'],
  );
});

test('listing pages by cursor, and bad queries are 400s', async () => {
  await call('POST', '/api/v1/projects', { name: 'pages' });
  for (let i = 0; i < 25; i++)
    await call('PUT', `/api/v1/projects/pages/dirs/d${String(i).padStart(2, '0')}`);
  const seen: string[] = [];
  let after = '';
  for (;;) {
    const r = await call('GET', `/api/v1/projects/pages/dirs/?limit=10${after ? `&after=${after}` : ''}`);
    assert.equal(r.status, 200);
    seen.push(...r.json.entries.map((e: { name: string }) => e.name));
    if (!r.json.next) break;
    after = encodeURIComponent(r.json.next);
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(2, '0')}`),
  );
  for (const q of ['limit=0', 'limit=abc', 'limit=10001', 'after=%00zz', 'parents=maybe'])
    assert.equal((await call('GET', `/api/v1/projects/pages/dirs/?${q}`)).status, 400, q);
  const badBody = await fetch(`${env.server.url}/api/v1/move`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{"source":',
  });
  assert.equal(badBody.status, 400);
  const unauth = await fetch(`${env.server.url}/api/v1/projects/pages/dirs/`);
  assert.equal(unauth.status, 401);
});
