// Native multipart uploads refused over HTTP against a real server: small parts, aborted or unknown uploads, bad
// numbers and bodies, and a user who may only read. Every refusal is in the native error shape.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { errorOf, KINDS, nativeServer } from '../helpers/native.ts';
import { PG_SKIP } from '../helpers/stores.ts';
import { grant } from '../helpers/users.ts';

for (const kind of KINDS)
  describe(`native multipart uploads refused (${kind})`, { skip: kind === 'postgres' && PG_SKIP }, () => {
    const env = nativeServer(kind);
    const call = env.call;
    const base = '/api/v1/projects/uploads-e2e/uploads';
    before(async () => {
      assert.equal((await call('POST', '/api/v1/projects', { json: { name: 'uploads-e2e' } })).status, 201);
      await grant(env.server, 'uploads-e2e', 'reader', 'read');
    });

    test('a part under the minimum but the last is EntityTooSmall; abort ends an upload', async () => {
      const id = (await call('POST', base, { json: { path: 'small' } })).json.uploadId;
      const a = await call('PUT', `${base}/${id}/parts/1`, { body: bytes(1000, 1) });
      const b = await call('PUT', `${base}/${id}/parts/2`, { body: bytes(1000, 2) });
      const small = await call('POST', `${base}/${id}/complete`, {
        json: {
          parts: [
            { partNumber: 1, etag: a.json.etag },
            { partNumber: 2, etag: b.json.etag },
          ],
        },
      });
      assert.deepEqual(errorOf(small), [400, 'EntityTooSmall']);
      assert.equal((await call('DELETE', `${base}/${id}`)).status, 204);
      assert.deepEqual(errorOf(await call('GET', `${base}/${id}`)), [404, 'NoSuchUpload']);
      assert.deepEqual(errorOf(await call('PUT', `${base}/${id}/parts/3`, { body: bytes(10) })), [
        404,
        'NoSuchUpload',
      ]);
      assert.deepEqual(errorOf(await call('DELETE', `${base}/${id}`)), [404, 'NoSuchUpload']);
      assert.deepEqual(errorOf(await call('GET', '/api/v1/projects/uploads-e2e/files/small')), [
        404,
        'NoSuchKey',
      ]);
    });

    test('unknown ids, bad numbers and bad bodies are client errors', async () => {
      assert.deepEqual(errorOf(await call('GET', `${base}/nope`)), [404, 'NoSuchUpload']);
      assert.deepEqual(
        errorOf(
          await call('POST', `${base}/nope/complete`, { json: { parts: [{ partNumber: 1, etag: 'x' }] } }),
        ),
        [404, 'NoSuchUpload'],
      );
      assert.deepEqual(errorOf(await call('PUT', `${base}/nope/parts/1`, { body: bytes(10) })), [
        404,
        'NoSuchUpload',
      ]);
      assert.deepEqual(errorOf(await call('GET', '/api/v1/projects/none/uploads/x')), [404, 'NoSuchProject']);
      // A NUL character: nothing has it (SQLite), or the store cannot hold it (PostgreSQL); never a server error.
      const pg = kind === 'postgres';
      assert.deepEqual(
        errorOf(await call('GET', `${base}/a%00b`)),
        pg ? [400, 'InvalidArgument'] : [404, 'NoSuchUpload'],
      );
      for (const url of [`${base}?prefix=%00`, '/api/v1/projects/uploads-e2e/versions?prefix=%00']) {
        const r = await call('GET', url);
        if (pg) assert.deepEqual(errorOf(r), [400, 'InvalidArgument'], url);
        else assert.equal(r.status, 200, url);
      }
      const id = (await call('POST', base, { json: { path: 'n' } })).json.uploadId;
      for (const n of ['0', '10001', 'x'])
        assert.deepEqual(errorOf(await call('PUT', `${base}/${id}/parts/${n}`, { body: bytes(10) })), [
          400,
          'InvalidArgument',
        ]);
      for (const json of [
        {},
        { path: '' },
        { path: '../x' },
        { path: 'a', extra: 1 },
        { path: 'a', userMetadata: { 'Bad Name': 'x' } },
        { path: 'a', contentType: 'a\nb' },
      ])
        assert.equal(errorOf(await call('POST', base, { json }))[0], 400, JSON.stringify(json));
      for (const json of [{}, { parts: [] }, { parts: [{ partNumber: 1 }] }])
        assert.deepEqual(errorOf(await call('POST', `${base}/${id}/complete`, { json })), [
          400,
          'InvalidArgument',
        ]);
      await call('DELETE', `${base}/${id}`);
    });

    test('a user who may only read cannot start, fill, complete or abort an upload', async () => {
      const as = { token: env.reader.token };
      assert.deepEqual(errorOf(await call('POST', base, { ...as, json: { path: 'r' } })), [
        403,
        'AccessDenied',
      ]);
      const id = (await call('POST', base, { json: { path: 'r' } })).json.uploadId;
      const p1 = await call('PUT', `${base}/${id}/parts/1`, { body: bytes(100) });
      assert.deepEqual(errorOf(await call('PUT', `${base}/${id}/parts/1`, { ...as, body: bytes(10) })), [
        403,
        'AccessDenied',
      ]);
      assert.deepEqual(errorOf(await call('GET', `${base}/${id}`, as)), [403, 'AccessDenied']);
      assert.deepEqual(
        errorOf(
          await call('POST', `${base}/${id}/complete`, {
            ...as,
            json: { parts: [{ partNumber: 1, etag: p1.json.etag }] },
          }),
        ),
        [403, 'AccessDenied'],
      );
      assert.deepEqual(errorOf(await call('DELETE', `${base}/${id}`, as)), [403, 'AccessDenied']);
      // The part is untouched: the owner completes it.
      const done = await call('POST', `${base}/${id}/complete`, {
        json: { parts: [{ partNumber: 1, etag: p1.json.etag }] },
      });
      assert.equal(done.status, 201);
      assert.equal(done.json.size, 100);
    });
  });
