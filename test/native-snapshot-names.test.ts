// Snapshots named by their name in the native API: reads, listings and deletes take an id, a number or a name.
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

test('a snapshot is read, listed and deleted by its name; ids and numbers still work; a name taken is refused', async () => {
  assert.equal((await call('POST', '/api/v1/projects', { name: 'snapnames' })).status, 201);
  assert.equal((await call('POST', '/api/v1/projects', { name: 'snapnames-b' })).status, 201);
  const before = bytes(500, 1);
  assert.equal((await call('PUT', '/api/v1/projects/snapnames/files/d/f', before)).status, 201);
  const made = await call('POST', '/api/v1/projects/snapnames/snapshots', { name: 'nightly' });
  assert.equal(made.status, 201);
  const snap = JSON.parse(made.body) as { id: string; number: number; name: string };
  assert.equal(snap.name, 'nightly');
  assert.equal((await call('PUT', '/api/v1/projects/snapnames/files/d/f', bytes(700, 2))).status, 201);
  assert.equal((await call('PUT', '/api/v1/projects/snapnames/files/d/g', bytes(10, 3))).status, 201);

  for (const ref of [snap.id, String(snap.number), 'nightly']) {
    const r = await call('GET', `/api/v1/projects/snapnames/files/d/f?snapshot=${ref}`);
    assert.equal(r.status, 200, `${ref}: ${r.body}`);
    assert.deepEqual(r.raw, before, ref);
    const dir = await call('GET', `/api/v1/projects/snapnames/dirs/d?snapshot=${ref}`);
    assert.equal(dir.status, 200, dir.body);
    assert.deepEqual(
      JSON.parse(dir.body).entries.map((e: { path: string }) => e.path),
      ['d/f'],
      ref,
    );
  }
  // A name is looked up in the project it is read in: another project's snapshot of that name is not found.
  const other = await call('GET', '/api/v1/projects/snapnames-b/dirs?snapshot=nightly');
  assert.equal(other.status, 404);
  assert.equal(JSON.parse(other.body).error.code, 'NoSuchSnapshot');

  // A name names one snapshot: a second of that name is 409 Conflict, and the name still reads the first.
  const twice = await call('POST', '/api/v1/projects/snapnames/snapshots', { name: 'nightly' });
  assert.equal(twice.status, 409, twice.body);
  assert.equal(JSON.parse(twice.body).error.code, 'Conflict');
  const still = await call('GET', '/api/v1/projects/snapnames/files/d/f?snapshot=nightly');
  assert.equal(still.status, 200, still.body);
  assert.deepEqual(still.raw, before);

  // Deleted by its name; then the name names nothing.
  assert.equal((await call('DELETE', '/api/v1/projects/snapnames/snapshots/nightly')).status, 204);
  const gone = await call('GET', '/api/v1/projects/snapnames/files/d/f?snapshot=nightly');
  assert.equal(gone.status, 404);
  assert.equal(JSON.parse(gone.body).error.code, 'NoSuchSnapshot');
  assert.deepEqual(
    JSON.parse((await call('GET', '/api/v1/projects/snapnames/snapshots')).body).snapshots,
    [],
  );
});
