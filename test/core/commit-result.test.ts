// Core: what a write returns is the version as it was stored: the same as a read of that version afterwards, for
// every kind of version a commit makes (attributes and labels, ACLs, encryption, versioning, named streams, parts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreDeps } from '../../src/core/deps.ts';
import type { VersionInfo } from '../../src/core/model.ts';
import { createUpload, uploadPart } from '../../src/core/multipart.ts';
import { completeUpload } from '../../src/core/multipart-complete.ts';
import { getVersionByRowId } from '../../src/core/repo/versions.ts';
import { putFile } from '../../src/core/write.ts';
import { forEachStore, newProject, put, root } from '../helpers/core.ts';
import { body, bytes } from '../helpers/data.ts';

async function readBack(deps: CoreDeps, v: VersionInfo): Promise<VersionInfo | undefined> {
  return deps.meta.tx((tx) => getVersionByRowId(tx, v.rowId), { readOnly: true });
}

forEachStore('core commit results', (get) => {
  test('a put with every attribute, label, ACL and SSE-S3 returns the version a read returns', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    const v = await putFile(deps, root, {
      project: p,
      path: 'dir/f.txt',
      body: body(bytes(5000, 1)),
      contentType: 'text/plain',
      contentDisposition: 'attachment; filename="f.txt"',
      contentEncoding: 'gzip',
      cacheControl: 'max-age=60',
      expires: 'Thu, 01 Dec 2039 16:00:00 GMT',
      userMetadata: { color: 'blue', 'x-empty': '' },
      tags: { team: 'genomics' },
      acl: 'public-read',
      protection: { sse: 'AES256' },
      expiresAt: Date.now() + 86_400_000,
    });
    assert.equal(v.contentType, 'text/plain');
    assert.deepEqual(v.userMetadata, { color: 'blue', 'x-empty': '' });
    assert.equal(v.acl, 'public-read');
    assert.equal(v.sse, 'AES256');
    assert.equal(v.isLatest, true);
    assert.deepEqual(v, await readBack(deps, v));
  });

  test('a private put, an overwrite under versioning and an empty body return what a read returns', async () => {
    const { deps } = get();
    const plain = await newProject(deps);
    const a = await putFile(deps, root, {
      project: plain,
      path: 'a',
      body: body(bytes(10, 2)),
      acl: 'private',
    });
    assert.equal(a.acl, null);
    assert.deepEqual(a, await readBack(deps, a));
    const empty = await put(deps, plain, 'empty', Buffer.alloc(0));
    assert.equal(empty.size, 0);
    assert.deepEqual(empty, await readBack(deps, empty));

    const versioned = await newProject(deps, { versioning: 'enabled' });
    await put(deps, versioned, 'f', bytes(10, 3));
    const second = await put(deps, versioned, 'f', bytes(20, 4));
    assert.notEqual(second.versionId, 'null');
    assert.deepEqual(second, await readBack(deps, second));
  });

  test('a named stream and a completed multipart upload return what a read returns', async () => {
    const { deps } = get();
    const p = await newProject(deps);
    await put(deps, p, 'f', bytes(100, 5));
    const withStream = await putFile(deps, root, {
      project: p,
      path: 'f',
      stream: 'thumb',
      body: body(bytes(30, 6)),
    });
    assert.deepEqual(Object.keys(withStream.streams).sort(), ['', 'thumb']);
    assert.equal(withStream.streams['thumb']!.size, 30);
    assert.deepEqual(withStream, await readBack(deps, withStream));

    const u = await createUpload(deps, root, { project: p, path: 'joined', attributes: {} });
    const parts = [];
    for (const [i, n] of [9000, 1000].entries()) {
      const r = await uploadPart(deps, root, {
        project: p,
        path: 'joined',
        uploadId: u.id,
        partNumber: i + 1,
        body: body(bytes(n, 7 + i)),
      });
      parts.push({ partNumber: i + 1, etag: r.etag });
    }
    const joined = await completeUpload(deps, root, {
      project: p,
      path: 'joined',
      uploadId: u.id,
      parts,
      minPartSize: 1,
    });
    assert.deepEqual(joined.partSizes, [9000, 1000]);
    assert.deepEqual(joined, await readBack(deps, joined));
  });
});
