// The SAS Files service's conditional requests and the attributes a create and a copy set, end to end over HTTPS:
// a download's Range under If-Range (RFC 9110 13.1.5: the range only while the strong ETag is the current one), a
// delete under If-Match (412 changes nothing), an expiry given on a create, and a copy that keeps the source's
// typeDefName and searchable but not its expiry (sas-files.md section 4, semantics 5 and 6).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SasAnswer } from '../helpers/sas.ts';
import { assertSasError, type FilesEnv, openSasFiles } from '../helpers/sas-files.ts';

describe('SAS Files conditions and attributes', () => {
  let env: FilesEnv;
  let ana: string;
  let folder: string;
  let elsewhere: string;

  const fileJson = (r: SasAnswer, status: number) => {
    assert.equal(r.status, status, r.text);
    assert.match(String(r.headers['content-type']), /^application\/vnd\.sas\.file\+json/);
    return JSON.parse(r.text);
  };
  const create = (name: string, data: string, query = '') =>
    env.as(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${folder}${query}`, {
      headers: {
        'content-type': 'text/plain',
        'content-disposition': `attachment; filename="${name}"`,
        accept: 'application/vnd.sas.file+json',
      },
      body: data,
    });
  const get = (id: string) => env.as(ana, 'GET', `/files/files/${id}`);
  const download = (id: string, headers: Record<string, string> = {}) =>
    env.as(ana, 'GET', `/files/files/${id}/content`, { headers });
  const replace = (id: string, etag: string, data: string) =>
    env.as(ana, 'PUT', `/files/files/${id}/content`, {
      headers: { 'content-type': 'text/plain', 'if-match': etag },
      body: data,
    });
  const copy = (id: string, query = '', headers: Record<string, string> = {}) =>
    env.as(ana, 'POST', `/files/files/${id}/copy${query}`, {
      headers: { 'content-type': 'application/json', accept: 'application/vnd.sas.file+json', ...headers },
    });
  const listed = async () =>
    JSON.parse(
      (await env.as(ana, 'GET', `/files/files?parentUri=/folders/folders/${folder}&limit=1000`)).text,
    ).items as { id: string; name: string; expirationTimeStamp?: string }[];

  /** A 200 with the whole file: the Range was ignored. */
  const assertWhole = (r: SasAnswer, data: string, etag: string) => {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, data);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(data)));
    assert.equal(r.headers['content-range'], undefined);
    assert.equal(r.headers.etag, etag);
  };

  before(async () => {
    env = await openSasFiles();
    await env.user('ana', 'ana-password-1');
    await env.project('cond-proj', { ana: 'admin' });
    folder = await env.dir('cond-proj', 'work');
    elsewhere = await env.dir('cond-proj', 'archive');
    ana = await env.tokenOf('ana', 'ana-password-1');
  });
  after(async () => env?.close());

  describe('a download with Range and If-Range', () => {
    test('the current ETag is 206 with the range; a weak or an older date is the whole file', async () => {
      const data = 'abcdefghij';
      const made = await create('range.txt', data);
      const f = fileJson(made, 201);
      const etag = made.headers.etag as string;

      const part = await download(f.id, { range: 'bytes=0-2', 'if-range': etag });
      assert.equal(part.status, 206, part.text);
      assert.equal(part.text, 'abc');
      assert.equal(part.headers['content-range'], `bytes 0-2/${data.length}`);
      assert.equal(part.headers['content-length'], '3');
      assert.equal(part.headers.etag, etag);

      // If-Range compares strongly: the weak form of the current tag does not match (RFC 9110 13.1.5).
      assertWhole(await download(f.id, { range: 'bytes=0-2', 'if-range': `W/${etag}` }), data, etag);
      // A date before the file's Last-Modified does not match either.
      assertWhole(
        await download(f.id, { range: 'bytes=0-2', 'if-range': 'Sat, 01 Jan 2000 00:00:00 GMT' }),
        data,
        etag,
      );
      // Nor does the file's own Last-Modified: a date is weak (RFC 9110 8.8.2.2), two versions may share it.
      const modified = part.headers['last-modified'] as string;
      assert.ok(modified, 'Last-Modified');
      assertWhole(await download(f.id, { range: 'bytes=0-2', 'if-range': modified }), data, etag);
    });

    test('an ETag the content has since left is the whole new content, 200; the new ETag is 206', async () => {
      const made = await create('changing.txt', 'old bytes');
      const f = fileJson(made, 201);
      const stale = made.headers.etag as string;
      const data = 'ABCDEFGHIJKLMNOP';
      const updated = await replace(f.id, stale, data);
      fileJson(updated, 200);
      const current = updated.headers.etag as string;
      assert.notEqual(current, stale);

      assertWhole(await download(f.id, { range: 'bytes=0-2', 'if-range': stale }), data, current);

      const part = await download(f.id, { range: 'bytes=0-2', 'if-range': current });
      assert.equal(part.status, 206, part.text);
      assert.equal(part.text, 'ABC');
      assert.equal(part.headers['content-range'], `bytes 0-2/${data.length}`);
      assert.equal(part.headers.etag, current);
    });
  });

  describe('a delete with If-Match', () => {
    test('a stale ETag is 412 in the SAS shape and the file stays; the current one is 204 and it is gone', async () => {
      const made = await create('delete-me.txt', 'first');
      const f = fileJson(made, 201);
      const stale = made.headers.etag as string;
      const updated = await replace(f.id, stale, 'second, kept');
      fileJson(updated, 200);
      const current = updated.headers.etag as string;

      // If-Match compares strongly: the weak form of the current tag is refused as the stale one is.
      for (const ifMatch of [stale, `W/${current}`, '"not-a-version"']) {
        const refused = await env.as(ana, 'DELETE', `/files/files/${f.id}`, {
          headers: { 'if-match': ifMatch },
        });
        const body = assertSasError(refused, 412);
        assert.equal(body.errorCode, 11581);
        assert.ok(
          (body.details as string[]).includes(`path: /files/files/${f.id}`),
          JSON.stringify(body.details),
        );
        const still = await get(f.id);
        assert.equal(still.status, 200, still.text);
        assert.equal(still.headers.etag, current);
        const bytes = await download(f.id);
        assert.equal(bytes.status, 200);
        assert.equal(bytes.text, 'second, kept');
        assert.ok((await listed()).some((i) => i.id === f.id));
      }

      const deleted = await env.as(ana, 'DELETE', `/files/files/${f.id}`, {
        headers: { 'if-match': current },
      });
      assert.equal(deleted.status, 204, deleted.text);
      assert.equal(deleted.text, '');
      assertSasError(await get(f.id), 404);
      assertSasError(await download(f.id), 404);
      assert.ok(!(await listed()).some((i) => i.id === f.id));
    });
  });

  describe('an expiry given on a create', () => {
    test('is in the file, as given and read back, in its folder listing too', async () => {
      const made = await create(
        'expires.txt',
        'for a while',
        '&expirationTimeStamp=2098-06-01T00:00:00.000Z',
      );
      const f = fileJson(made, 201);
      assert.equal(f.expirationTimeStamp, '2098-06-01T00:00:00.000Z');
      assert.equal(fileJson(await get(f.id), 200).expirationTimeStamp, '2098-06-01T00:00:00.000Z');
      assert.equal(
        (await listed()).find((i) => i.id === f.id)?.expirationTimeStamp,
        '2098-06-01T00:00:00.000Z',
      );
    });

    test('with an offset, is the same instant in UTC', async () => {
      const at = encodeURIComponent('2098-06-01T02:30:00+02:00');
      const f = fileJson(await create('expires-offset.txt', 'x', `&expirationTimeStamp=${at}`), 201);
      assert.equal(f.expirationTimeStamp, '2098-06-01T00:30:00.000Z');
      assert.equal(fileJson(await get(f.id), 200).expirationTimeStamp, '2098-06-01T00:30:00.000Z');
    });

    test('absent, the file never expires', async () => {
      const f = fileJson(await create('forever.txt', 'x'), 201);
      assert.ok(!('expirationTimeStamp' in f), JSON.stringify(f));
    });
  });

  describe('the copy', () => {
    let source: { id: string };
    const expiry = '2098-06-01T00:00:00.000Z';

    before(async () => {
      source = fileJson(
        await create(
          'typed.sas',
          'data _null_; run;\n',
          `&typeDefName=sasProgram&searchable=true&expirationTimeStamp=${expiry}`,
        ),
        201,
      );
    });

    test('without expirationTimeStamp never expires, though its source does; with one, has that one', async () => {
      const plain = await copy(source.id, '', {
        'content-disposition': 'attachment; filename="no-expiry.sas"',
      });
      const f = fileJson(plain, 201);
      assert.ok(!('expirationTimeStamp' in f), JSON.stringify(f));
      assert.ok(!('expirationTimeStamp' in fileJson(await get(f.id), 200)));
      assert.equal(fileJson(await get(source.id), 200).expirationTimeStamp, expiry);

      const later = '2099-02-03T04:05:06.789Z';
      const dated = fileJson(
        await copy(source.id, `?expirationTimeStamp=${later}`, {
          'content-disposition': 'attachment; filename="own-expiry.sas"',
        }),
        201,
      );
      assert.equal(dated.expirationTimeStamp, later);
      assert.equal(fileJson(await get(dated.id), 200).expirationTimeStamp, later);
      assert.equal(fileJson(await get(source.id), 200).expirationTimeStamp, expiry);
    });

    test("keeps the source's typeDefName and searchable, with or without Content-Disposition", async () => {
      const s = fileJson(await get(source.id), 200);
      assert.equal(s.typeDefName, 'sasProgram');
      assert.equal(s.searchable, true);
      const renamed = fileJson(
        await copy(source.id, '', { 'content-disposition': 'attachment; filename="typed-copy.sas"' }),
        201,
      );
      // Without Content-Disposition the copy keeps the source's name, so it goes to another folder.
      const same = fileJson(await copy(source.id, `?parentFolderUri=/folders/folders/${elsewhere}`), 201);
      assert.equal(same.name, 'typed.sas');
      for (const c of [renamed, same]) {
        for (const f of [c, fileJson(await get(c.id), 200)]) {
          assert.notEqual(f.id, source.id);
          assert.equal(f.typeDefName, 'sasProgram');
          assert.equal(f.searchable, true);
        }
      }
    });

    test('of a file with the defaults keeps the defaults', async () => {
      const plain = fileJson(await create('plain.txt', 'x'), 201);
      assert.equal(plain.typeDefName, 'file');
      assert.equal(plain.searchable, false);
      const f = fileJson(await copy(plain.id, `?parentFolderUri=/folders/folders/${elsewhere}`), 201);
      assert.equal(f.typeDefName, 'file');
      assert.equal(f.searchable, false);
    });
  });

  test('none of the above was a server error', () => {
    assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
  });
});
