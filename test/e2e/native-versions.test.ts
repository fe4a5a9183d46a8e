// The native version listing end to end against a real server: delete markers and versions newest first, paged by
// cursor, each version readable by its id; and the OpenAPI document naming the upload and version routes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { md5hex } from '../helpers/data.ts';
import { errorOf, KINDS, nativeServer } from '../helpers/native.ts';
import { PG_SKIP } from '../helpers/stores.ts';

for (const kind of KINDS)
  describe(`native version listing (${kind})`, { skip: kind === 'postgres' && PG_SKIP }, () => {
    const env = nativeServer(kind);
    const call = env.call;

    test('two writes and a delete: a delete marker, then the versions newest first; each version readable', async () => {
      assert.equal((await call('POST', '/api/v1/projects', { json: { name: 'hist' } })).status, 201);
      const on = await call('PUT', '/api/v1/projects/hist/versioning', { json: { versioning: 'enabled' } });
      assert.equal(on.status, 200);
      const file = '/api/v1/projects/hist/files/doc.txt';
      const v1 = await call('PUT', file, { body: Buffer.from('first') });
      const v2 = await call('PUT', file, { body: Buffer.from('second!') });
      await call('PUT', '/api/v1/projects/hist/files/zz/other', { body: Buffer.from('x') });
      const del = await call('DELETE', file);
      assert.equal(del.status, 204);
      const marker = del.headers.get('x-mimeo-version-id');

      const all = await call('GET', '/api/v1/projects/hist/versions');
      assert.equal(all.status, 200);
      assert.equal(all.json.next, null);
      assert.deepEqual(
        all.json.versions.map(
          (v: { path: string; versionId: string; isLatest: boolean; deleteMarker: boolean }) => [
            v.path,
            v.versionId,
            v.isLatest,
            v.deleteMarker,
          ],
        ),
        [
          ['doc.txt', marker, true, true],
          ['doc.txt', v2.json.versionId, false, false],
          ['doc.txt', v1.json.versionId, false, false],
          ['zz/other', all.json.versions[3].versionId, true, false],
        ],
      );
      assert.equal(all.json.versions[1].size, 7);
      assert.equal(all.json.versions[1].etag, md5hex(Buffer.from('second!')));
      assert.equal(all.json.versions[2].project, 'hist');

      // Paged: one at a time, the cursor carries on where the last page stopped.
      const seen: string[] = [];
      let next: string | null = '';
      while (next !== null) {
        const q: string = next ? `&after=${next}` : '';
        const page = await call('GET', `/api/v1/projects/hist/versions?limit=1&prefix=doc${q}`);
        assert.equal(page.status, 200);
        seen.push(...page.json.versions.map((v: { versionId: string }) => v.versionId));
        next = page.json.next;
      }
      assert.deepEqual(seen, [marker, v2.json.versionId, v1.json.versionId]);

      const old = await call('GET', `${file}?versionId=${v1.json.versionId}`);
      assert.equal(old.status, 200);
      assert.equal(old.body.toString(), 'first');
      assert.deepEqual(errorOf(await call('GET', file)), [404, 'NoSuchKey']);
      assert.deepEqual(errorOf(await call('GET', '/api/v1/projects/hist/versions?after=xyz')), [
        400,
        'InvalidArgument',
      ]);
      assert.deepEqual(errorOf(await call('GET', '/api/v1/projects/hist/versions?limit=0')), [
        400,
        'InvalidArgument',
      ]);
    });

    test('files made by a tree copy list their versions with their content stream and size', async () => {
      assert.equal((await call('POST', '/api/v1/projects', { json: { name: 'treehist' } })).status, 201);
      await call('PUT', '/api/v1/projects/treehist/files/src/a.txt', { body: Buffer.from('alpha') });
      await call('PUT', '/api/v1/projects/treehist/files/src/b/c.txt', { body: Buffer.from('charlie!') });
      const copy = await call('POST', '/api/v1/copy', {
        json: { source: { project: 'treehist', path: 'src' }, target: { project: 'treehist', path: 'dst' } },
      });
      assert.equal(copy.status, 202);
      let job = copy.json.job;
      for (let i = 0; i < 200 && job.state !== 'succeeded'; i++) {
        assert.notEqual(job.state, 'failed');
        await new Promise((r) => setTimeout(r, 50));
        job = (await call('GET', `/api/v1/jobs/${job.id}`)).json;
      }
      assert.equal(job.state, 'succeeded');
      const listed = await call('GET', '/api/v1/projects/treehist/versions?prefix=dst/');
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.json.versions.map(
          (v: { path: string; size: number; streams: Record<string, { size: number }> }) => [
            v.path,
            v.size,
            v.streams[''],
          ],
        ),
        [
          ['dst/a.txt', 5, { size: 5 }],
          ['dst/b/c.txt', 8, { size: 8 }],
        ],
      );
      const read = await call('GET', '/api/v1/projects/treehist/files/dst/b/c.txt');
      assert.equal(read.body.toString(), 'charlie!');
    });

    test('the OpenAPI document describes the upload and version routes', async () => {
      const doc = (await call('GET', '/api/v1/openapi.json')).json;
      for (const [path, methods] of [
        ['/api/v1/projects/{project}/uploads', ['post', 'get']],
        ['/api/v1/projects/{project}/uploads/{uploadId}', ['get', 'delete']],
        ['/api/v1/projects/{project}/uploads/{uploadId}/parts/{partNumber}', ['put']],
        ['/api/v1/projects/{project}/uploads/{uploadId}/complete', ['post']],
        ['/api/v1/projects/{project}/versions', ['get']],
      ] as const)
        for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m} ${path}`);
    });
  });
