// Native multipart uploads end to end over HTTP against a real server: three parts of S3's 5 MiB minimum, listed to
// resume, one replaced, completed and read back byte for byte; and the uploads in progress, listed by prefix.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { bytes, md5hex } from '../helpers/data.ts';
import { errorOf, KINDS, nativeServer } from '../helpers/native.ts';
import { PG_SKIP } from '../helpers/stores.ts';
import { grant } from '../helpers/users.ts';

const MiB = 1024 * 1024;
const multipartEtag = (md5s: string[]) =>
  `${createHash('md5')
    .update(Buffer.concat(md5s.map((m) => Buffer.from(m, 'hex'))))
    .digest('hex')}-${md5s.length}`;

for (const kind of KINDS)
  describe(`native multipart uploads (${kind})`, { skip: kind === 'postgres' && PG_SKIP }, () => {
    const env = nativeServer(kind);
    const call = env.call;
    const base = '/api/v1/projects/uploads-e2e/uploads';
    before(async () => {
      assert.equal((await call('POST', '/api/v1/projects', { json: { name: 'uploads-e2e' } })).status, 201);
      await grant(env.server, 'uploads-e2e', 'reader', 'read');
    });
    const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(MiB + 7, 3)];

    test('three parts, listed to resume, one replaced, completed and read back byte for byte', async () => {
      const made = await call('POST', base, {
        json: { path: 'big/file.bin', contentType: 'application/x-test', userMetadata: { origin: 'e2e' } },
      });
      assert.equal(made.status, 201);
      const id = made.json.uploadId as string;
      assert.equal(made.json.project, 'uploads-e2e');
      assert.equal(made.json.path, 'big/file.bin');
      assert.equal(made.json.minPartSize, 5 * MiB);
      assert.ok(!Number.isNaN(Date.parse(made.json.createdAt)));

      // Part 2 first, with the wrong bytes; then parts 1 and 3.
      const wrong = await call('PUT', `${base}/${id}/parts/2`, { body: bytes(5 * MiB, 9) });
      assert.equal(wrong.status, 200);
      assert.equal(wrong.json.etag, md5hex(bytes(5 * MiB, 9)));
      for (const n of [1, 3]) {
        const r = await call('PUT', `${base}/${id}/parts/${n}`, {
          body: parts[n - 1]!,
          headers: { 'content-type': 'text/plain' },
        });
        assert.equal(r.status, 200);
        assert.deepEqual(
          { partNumber: r.json.partNumber, etag: r.json.etag, size: r.json.size },
          { partNumber: n, etag: md5hex(parts[n - 1]!), size: parts[n - 1]!.length },
        );
        assert.equal(r.headers.get('etag'), `"${md5hex(parts[n - 1]!)}"`);
        assert.equal(r.json.checksums.md5, md5hex(parts[n - 1]!));
      }

      // A client resumes from the listing: every part, paged.
      const listed = await call('GET', `${base}/${id}`);
      assert.equal(listed.status, 200);
      assert.equal(listed.json.path, 'big/file.bin');
      assert.deepEqual(
        listed.json.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size]),
        [
          [1, 5 * MiB],
          [2, 5 * MiB],
          [3, MiB + 7],
        ],
      );
      assert.equal(listed.json.next, null);
      const page = await call('GET', `${base}/${id}?limit=2`);
      assert.deepEqual(
        page.json.parts.map((p: { partNumber: number }) => p.partNumber),
        [1, 2],
      );
      const rest = await call('GET', `${base}/${id}?after=${page.json.next}`);
      assert.deepEqual(
        rest.json.parts.map((p: { partNumber: number }) => p.partNumber),
        [3],
      );

      // A Content-MD5 that does not match is refused, and the part stays as it was.
      const bad = await call('PUT', `${base}/${id}/parts/2`, {
        body: parts[1]!,
        headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
      });
      assert.deepEqual(errorOf(bad), [400, 'BadDigest']);
      const good = await call('PUT', `${base}/${id}/parts/2`, {
        body: parts[1]!,
        headers: { 'content-md5': createHash('md5').update(parts[1]!).digest('base64') },
      });
      assert.equal(good.status, 200);
      const again = await call('GET', `${base}/${id}`);
      assert.equal(again.json.parts[1].etag, md5hex(parts[1]!));

      const etags = parts.map((p) => md5hex(p));
      // The old etag of part 2 no longer completes the upload.
      const stale = await call('POST', `${base}/${id}/complete`, {
        json: {
          parts: [
            { partNumber: 1, etag: etags[0] },
            { partNumber: 2, etag: md5hex(bytes(5 * MiB, 9)) },
            { partNumber: 3, etag: etags[2] },
          ],
        },
      });
      assert.deepEqual(errorOf(stale), [400, 'InvalidPart']);
      assert.match(stale.json.error.message, /Part 2/);
      assert.equal(stale.json.error.requestId, stale.headers.get('x-request-id'));

      const done = await call('POST', `${base}/${id}/complete`, {
        json: { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) },
      });
      assert.equal(done.status, 201);
      assert.equal(done.json.path, 'big/file.bin');
      assert.equal(done.json.size, 11 * MiB + 7);
      assert.equal(done.json.etag, multipartEtag(etags));
      assert.equal(done.json.contentType, 'application/x-test');
      assert.deepEqual(done.json.userMetadata, { origin: 'e2e' });

      const read = await call('GET', '/api/v1/projects/uploads-e2e/files/big/file.bin');
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('content-type'), 'application/x-test');
      assert.equal(read.headers.get('x-mimeo-meta-origin'), 'e2e');
      assert.ok(read.body.equals(Buffer.concat(parts)));
      assert.deepEqual(errorOf(await call('GET', `${base}/${id}`)), [404, 'NoSuchUpload']);
    });

    test('uploads in progress are listed by prefix, a page at a time', async () => {
      const ids: string[] = [];
      for (const path of ['logs/a', 'logs/b', 'other/c'])
        ids.push((await call('POST', base, { json: { path } })).json.uploadId);
      const logs = await call('GET', `${base}?prefix=logs/`);
      assert.equal(logs.status, 200);
      assert.deepEqual(
        logs.json.uploads.map((u: { path: string; uploadId: string }) => [u.path, u.uploadId]),
        [
          ['logs/a', ids[0]],
          ['logs/b', ids[1]],
        ],
      );
      const first = await call('GET', `${base}?limit=1`);
      assert.equal(first.json.uploads.length, 1);
      const second = await call('GET', `${base}?limit=1&after=${first.json.next}`);
      assert.notEqual(second.json.uploads[0].uploadId, first.json.uploads[0].uploadId);
      assert.deepEqual(errorOf(await call('GET', `${base}?after=nonsense`)), [400, 'InvalidArgument']);
      for (const id of ids) await call('DELETE', `${base}/${id}`);
    });
  });
