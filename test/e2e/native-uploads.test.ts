// Native multipart uploads end to end over HTTP against a real server: parts of S3's 5 MiB minimum, listed to resume,
// replaced, completed byte for byte, aborted, refused; and the version listing of a project.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bytes, md5hex } from '../helpers/data.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';
import { createTestUser, grant, type TestUser } from '../helpers/users.ts';

const MiB = 1024 * 1024;
let server: RunningServer;
let removeDir: () => Promise<void>;
let root: string;
let reader: TestUser;

before(async () => {
  const dir = await tempDir('native-uploads');
  removeDir = dir.remove;
  server = await startServer({ dataDir: dir.path });
  root = await server.token();
  reader = await createTestUser(server, 'reader');
});
after(async () => {
  await server.stop();
  await removeDir();
});

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field in the tests
  json: any;
  body: Buffer;
}

async function call(
  method: string,
  path: string,
  options: { json?: unknown; body?: Buffer; headers?: Record<string, string>; token?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.token ?? root}`,
    ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const body = Buffer.from(await r.arrayBuffer());
  const isJson = /json/.test(r.headers.get('content-type') ?? '') && body.length > 0;
  return {
    status: r.status,
    headers: r.headers,
    json: isJson ? JSON.parse(body.toString()) : undefined,
    body,
  };
}

const errorOf = (r: Reply) => [r.status, r.json?.error?.code] as const;
const multipartEtag = (md5s: string[]) =>
  `${createHash('md5')
    .update(Buffer.concat(md5s.map((m) => Buffer.from(m, 'hex'))))
    .digest('hex')}-${md5s.length}`;

describe('native multipart uploads', () => {
  const base = '/api/v1/projects/uploads-e2e/uploads';
  const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(MiB + 7, 3)];

  before(async () => {
    assert.equal((await call('POST', '/api/v1/projects', { json: { name: 'uploads-e2e' } })).status, 201);
    await grant(server, 'uploads-e2e', 'reader', 'read');
  });

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
    const as = { token: reader.token };
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

describe('native version listing', () => {
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
