// The SAS Files service end to end over HTTPS, with the requests SAS clients send: create (raw with
// Content-Disposition, and multipart as @sasjs/adapter sends it), the resource with ETag and Last-Modified, content
// with ranges, content updates on If-Match (412, 428), listing by parentUri with paging, filter and sortBy, patch,
// delete; and the copy with every status of its contract.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SasAnswer } from '../helpers/sas.ts';
import { assertSasError, type FilesEnv, openSasFiles } from '../helpers/sas-files.ts';

const RELS = [
  'self',
  'alternate',
  'patch',
  'update',
  'delete',
  'content',
  'updateContent',
  'copyFile',
  'create',
];

/** A multipart/form-data body with one part `file`, as the form-data package (the adapter's) writes it. */
function form(name: string, type: string, data: Buffer): { type: string; body: Buffer } {
  const boundary = '--------------------------870254134569376184629510';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

describe('SAS Files', () => {
  let env: FilesEnv;
  let ana: string;
  let bo: string;
  let app: string;
  let other: string;
  const files = (token: string, method: string, path: string, opts?: Parameters<FilesEnv['as']>[3]) =>
    env.as(token, method, path, opts);
  const fileJson = (r: SasAnswer, status: number) => {
    assert.equal(r.status, status, r.text);
    assert.match(String(r.headers['content-type']), /^application\/(vnd\.sas\.file\+json|json)/);
    return JSON.parse(r.text);
  };
  const create = async (
    token: string,
    folder: string,
    name: string,
    data: Buffer,
    query = '',
    type = 'text/plain',
  ) =>
    files(token, 'POST', `/files/files?parentFolderUri=/folders/folders/${folder}${query}`, {
      headers: {
        'content-type': type,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        accept: 'application/vnd.sas.file+json',
      },
      body: data,
    });

  before(async () => {
    env = await openSasFiles();
    await env.user('ana', 'ana-password-1');
    await env.user('bo', 'bo-password-12');
    await env.project('ana-proj', { ana: 'admin', bo: 'read' });
    await env.project('ana-other', { ana: 'admin' });
    app = await env.dir('ana-proj', 'app');
    other = await env.dir('ana-other', 'inbox');
    ana = await env.tokenOf('ana', 'ana-password-1');
    bo = await env.tokenOf('bo', 'bo-password-12');
  });
  after(async () => env?.close());

  test('a raw create answers 201 with the file, its links, ETag, Last-Modified and Location', async () => {
    const data = Buffer.from('data _null_; put "hello"; run;\n');
    const r = await create(ana, app, 'hello world.sas', data, '&typeDefName=sasProgram&searchable=true');
    const f = fileJson(r, 201);
    assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(r.headers.location, `/files/files/${f.id}`);
    assert.match(String(r.headers.etag), /^".+"$/);
    assert.ok(!Number.isNaN(Date.parse(String(r.headers['last-modified']))));
    assert.equal(f.name, 'hello world.sas');
    assert.equal(f.parentUri, `/folders/folders/${app}`);
    assert.equal(f.size, data.length);
    assert.equal(f.contentType, 'text/plain');
    assert.equal(f.typeDefName, 'sasProgram');
    assert.equal(f.searchable, true);
    assert.equal(f.createdBy, 'ana');
    assert.equal(f.fileStatus, 'unlocked');
    assert.equal(f.version, 4);
    assert.deepEqual(
      f.links.map((l: { rel: string }) => l.rel),
      RELS,
    );
    assert.ok(
      f.links.every(
        (l: { href: string; uri: string }) => l.href === l.uri && l.href.startsWith('/files/files'),
      ),
    );

    const got = await files(ana, 'GET', `/files/files/${f.id}`, { headers: { accept: 'application/json' } });
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers.etag, r.headers.etag);
    assert.deepEqual(JSON.parse(got.text), f);
    const head = await files(ana, 'HEAD', `/files/files/${f.id}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.etag, r.headers.etag);
    assert.equal(head.text, '');

    const content = await files(ana, 'GET', `/files/files/${f.id}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.headers['content-type'], 'text/plain');
    assert.equal(content.text, data.toString());
    assert.equal(content.headers['content-disposition'], "attachment; filename*=UTF-8''hello%20world.sas");
  });

  test("a multipart create, as @sasjs/adapter sends it, takes the part's bytes, name and type", async () => {
    const data = Buffer.from(
      Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''),
    );
    const f = form('blob.bin', 'application/octet-stream', data);
    const r = await files(
      ana,
      'POST',
      `/files/files?parentFolderUri=/folders/folders/${app}&typeDefName=file`,
      {
        headers: {
          'content-type': f.type,
          'content-disposition': 'filename="blob.bin";',
          accept: 'application/vnd.sas.file+json',
        },
        body: f.body,
      },
    );
    const made = fileJson(r, 201);
    assert.equal(made.name, 'blob.bin');
    assert.equal(made.size, data.length);
    const back = await env.call('GET', `/files/files/${made.id}/content`, {
      headers: { authorization: `Bearer ${ana}`, range: 'bytes=1000-1999' },
    });
    assert.equal(back.status, 206);
    assert.equal(back.headers['content-range'], `bytes 1000-1999/${data.length}`);
    assert.equal(back.text, data.subarray(1000, 2000).toString());
    const dup = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
      headers: { 'content-type': f.type },
      body: f.body,
    });
    assertSasError(dup, 409);
  });

  test('content updates need If-Match: the current ETag replaces, a stale one is 412, none is 428', async () => {
    const made = fileJson(await create(ana, app, 'notes.txt', Buffer.from('one')), 201);
    const etag = (await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag as string;
    const put = (headers: Record<string, string>, body: string) =>
      files(ana, 'PUT', `/files/files/${made.id}/content`, {
        headers: { 'content-type': 'text/plain', ...headers },
        body,
      });
    assertSasError(await put({}, 'two'), 428);
    const updated = await put({ 'if-match': etag }, 'two, longer');
    const f = fileJson(updated, 200);
    assert.equal(f.size, 11);
    assert.notEqual(updated.headers.etag, etag);
    assert.equal(f.id, made.id);
    assertSasError(await put({ 'if-match': etag }, 'three'), 412);
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}/content`)).text, 'two, longer');
    const star = await put({ 'if-match': '*' }, 'four');
    assert.equal(star.status, 200);
    const notModified = await files(ana, 'GET', `/files/files/${made.id}/content`, {
      headers: { 'if-none-match': star.headers.etag as string },
    });
    assert.equal(notModified.status, 304);
    // If-None-Match compares weakly (RFC 9110): the weak form of the current tag is the same version.
    const weak = await files(ana, 'GET', `/files/files/${made.id}/content`, {
      headers: { 'if-none-match': `W/${star.headers.etag as string}` },
    });
    assert.equal(weak.status, 304);
    assert.equal(weak.text, '');
    const other = await files(ana, 'GET', `/files/files/${made.id}/content`, {
      headers: { 'if-none-match': `W/${etag}` },
    });
    assert.equal(other.status, 200);
    assert.equal(other.text, 'four');
  });

  test("a form's other file parts before its part 'file' are read past; a part 'file' without a filename is named", async () => {
    const boundary = 'BOUND';
    const part = (name: string, filename: string | undefined, data: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\nContent-Type: text/plain\r\n\r\n${data}\r\n`;
    const send = (body: string) =>
      files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${body}--${boundary}--\r\n`,
      });
    const made = fileJson(
      await send(part('other', 'o.txt', 'not this') + part('file', 'm2.txt', 'this one')),
      201,
    );
    assert.equal(made.name, 'm2.txt');
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}/content`)).text, 'this one');
    const unnamed = assertSasError(await send(part('file', undefined, 'no name')), 400);
    assert.match(String(unnamed.message), /part 'file' has no filename/);
  });

  test('a listing by parentUri pages with start and limit, filters and sorts', async () => {
    const dir = await env.dir('ana-proj', 'listing');
    for (const n of ['c.txt', 'a.txt', 'b.log', 'd.txt']) await create(ana, dir, n, Buffer.from(n));
    const list = async (q: string) => {
      const r = await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${dir}${q}`);
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text);
    };
    const first = await list('&start=0&limit=2');
    assert.equal(first.count, 4);
    assert.deepEqual(
      first.items.map((i: { name: string }) => i.name),
      ['a.txt', 'b.log'],
    );
    assert.ok(
      first.links.some((l: { rel: string; href: string }) => l.rel === 'next' && l.href.includes('start=2')),
    );
    const second = await list('&start=2&limit=2');
    assert.deepEqual(
      second.items.map((i: { name: string }) => i.name),
      ['c.txt', 'd.txt'],
    );
    const filtered = await list(
      `&filter=${encodeURIComponent("endsWith(name,'.txt')")}&sortBy=name:descending`,
    );
    assert.equal(filtered.count, 3);
    assert.deepEqual(
      filtered.items.map((i: { name: string }) => i.name),
      ['d.txt', 'c.txt', 'a.txt'],
    );
    const eq = await list(`&filter=${encodeURIComponent("eq(name,'b.log')")}`);
    assert.deepEqual(
      eq.items.map((i: { name: string }) => i.name),
      ['b.log'],
    );
    assertSasError(
      await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${dir}&filter=eq(name`),
      400,
    );
    assertSasError(await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${dir}&limit=-1`), 400);
  });

  test('a filter or sortBy over a folder of more than 10,000 files is 400, not a count of the first 10,000', async () => {
    const dir = await env.dir('ana-proj', 'crowded');
    const names = Array.from({ length: 10_001 }, (_, i) => `f${String(i).padStart(5, '0')}.txt`);
    let next = 0;
    const put = async () => {
      while (next < names.length)
        await env.native('PUT', `/api/v1/projects/ana-proj/files/crowded/${names[next++]}`, 'x');
    };
    await Promise.all(Array.from({ length: 16 }, put));
    const list = (q: string) => files(ana, 'GET', `/files/files?parentUri=/folders/folders/${dir}${q}`);
    const paged = await list('&start=10000&limit=5');
    assert.equal(paged.status, 200, paged.text);
    assert.deepEqual(
      [JSON.parse(paged.text).count, JSON.parse(paged.text).items.map((i: { name: string }) => i.name)],
      [10_001, ['f10000.txt']],
    );
    for (const q of [`&filter=${encodeURIComponent("eq(name,'f10000.txt')")}`, '&sortBy=name:descending']) {
      const e = assertSasError(await list(q), 400);
      assert.match(String(e['message']), /more than 10000 files/);
    }
  });

  test('a listing of a folder that also holds folders counts and pages its files only', async () => {
    const dir = await env.dir('ana-proj', 'mixed');
    await env.dir('ana-proj', 'mixed/a-folder');
    await env.dir('ana-proj', 'mixed/c-folder');
    for (const n of ['b.txt', 'd.txt', 'e.txt']) await create(ana, dir, n, Buffer.from(n));
    const page = async (start: number) => {
      const r = await files(
        ana,
        'GET',
        `/files/files?parentUri=/folders/folders/${dir}&start=${start}&limit=2`,
      );
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text);
    };
    const first = await page(0);
    assert.equal(first.count, 3);
    assert.deepEqual(
      first.items.map((i: { name: string }) => i.name),
      ['b.txt', 'd.txt'],
    );
    const second = await page(2);
    assert.equal(second.count, 3);
    assert.deepEqual(
      second.items.map((i: { name: string }) => i.name),
      ['e.txt'],
    );
  });

  test('a patch sets attributes and renames on If-Match; a delete is 204 and the file is gone', async () => {
    const made = fileJson(await create(ana, app, 'p.txt', Buffer.from('patch me')), 201);
    const patch = (headers: Record<string, string>, body: unknown) =>
      files(ana, 'PATCH', `/files/files/${made.id}`, {
        headers: { 'content-type': 'application/vnd.sas.file+json', ...headers },
        body: JSON.stringify(body),
      });
    assertSasError(await patch({}, { description: 'x' }), 428);
    // A body that is not JSON, or not typed, is 415 (Spring's answer to a type the handler does not consume).
    const types: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/xml' },
      {},
    ];
    for (const headers of types) {
      const r = await files(ana, 'PATCH', `/files/files/${made.id}`, {
        headers: { 'if-match': '*', ...headers },
        body: JSON.stringify({ description: 'not json' }),
      });
      assertSasError(r, 415);
    }
    const r = await patch(
      { 'if-match': '*' },
      { description: 'A note', properties: { k: 'v' }, name: 'q.txt' },
    );
    const f = fileJson(r, 200);
    assert.equal(f.description, 'A note');
    assert.deepEqual(f.properties, { k: 'v' });
    assert.equal(f.name, 'q.txt');
    assert.equal(f.id, made.id);
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}/content`)).text, 'patch me');
    assertSasError(await patch({ 'if-match': '"stale"' }, { description: 'y' }), 412);
    const del = await files(ana, 'DELETE', `/files/files/${made.id}`);
    assert.equal(del.status, 204);
    assertSasError(await files(ana, 'GET', `/files/files/${made.id}`), 404);
  });

  test('a patch refuses header attributes a download could not send, and changes nothing', async () => {
    const made = fileJson(await create(ana, app, 'headers.txt', Buffer.from('keep me')), 201);
    const etag = (await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag as string;
    for (const body of [
      { contentType: 'text/plain\r\nX-Evil: 1' },
      { contentDisposition: 'attachment; filename="\u20ac.txt"' },
      { encoding: 'gzip\u0000' },
    ]) {
      const r = await files(ana, 'PATCH', `/files/files/${made.id}`, {
        headers: { 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify(body),
      });
      assertSasError(r, 400);
    }
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag, etag);
    const content = await files(ana, 'GET', `/files/files/${made.id}/content`);
    assert.equal(content.status, 200);
    assert.equal(content.text, 'keep me');
  });

  test('a patch body of a file version the service does not have is 415 and changes nothing; version 4 is read', async () => {
    const made = fileJson(await create(ana, app, 'body-v.txt', Buffer.from('versions')), 201);
    const etag = (await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag as string;
    for (const type of [
      'application/vnd.sas.file+json;version=99',
      'application/vnd.sas.file+json; version="3"',
      'application/vnd.sas.file;version=5',
    ]) {
      const r = await files(ana, 'PATCH', `/files/files/${made.id}`, {
        headers: { 'content-type': type, 'if-match': etag },
        body: JSON.stringify({ name: 'body-renamed.txt', description: 'changed' }),
      });
      const body = assertSasError(r, 415);
      assert.equal(body.errorCode, 41501, type);
      assert.match(String(body.message), /version 4 of application\/vnd\.sas\.file\+json/, type);
    }
    const still = await files(ana, 'GET', `/files/files/${made.id}`);
    assert.equal(still.headers.etag, etag);
    assert.equal(JSON.parse(still.text).name, 'body-v.txt');
    assert.equal(JSON.parse(still.text).description, undefined);
    const ok = await files(ana, 'PATCH', `/files/files/${made.id}`, {
      headers: { 'content-type': 'application/vnd.sas.file+json;version=4', 'if-match': etag },
      body: JSON.stringify({ description: 'four' }),
    });
    assert.equal(fileJson(ok, 200).description, 'four');
  });

  test('an Accept of another file version is 415 before a create, copy, patch or content update changes anything', async () => {
    const v3 = { accept: 'application/vnd.sas.file+json;version=3' };
    const made = fileJson(await create(ana, app, 'v4only.txt', Buffer.from('four')), 201);
    const etag = (await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag as string;
    const names = async () =>
      JSON.parse((await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text)
        .items.map((i: { name: string }) => i.name)
        .sort();
    const before = await names();
    assertSasError(
      await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: { ...v3, 'content-type': 'text/plain', 'content-disposition': 'filename="v3-made.txt"' },
        body: 'x',
      }),
      415,
    );
    assertSasError(
      await files(ana, 'POST', `/files/files/${made.id}/copy`, {
        headers: { ...v3, 'content-disposition': 'filename="v3-copy.txt"' },
      }),
      415,
    );
    assertSasError(
      await files(ana, 'PUT', `/files/files/${made.id}/content`, {
        headers: { ...v3, 'content-type': 'text/plain', 'if-match': etag },
        body: 'three',
      }),
      415,
    );
    assertSasError(
      await files(ana, 'PATCH', `/files/files/${made.id}`, {
        headers: { ...v3, 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify({ name: 'v3-renamed.txt' }),
      }),
      415,
    );
    assert.deepEqual(await names(), before);
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}`)).headers.etag, etag);
    assert.equal((await files(ana, 'GET', `/files/files/${made.id}/content`)).text, 'four');
  });

  describe('the copy', () => {
    let source: { id: string; name: string; size: number };
    const data = Buffer.from('2022-03-31 results\n'.repeat(40));
    const copy = (id: string, query = '', headers: Record<string, string> = {}, token = ana) =>
      files(token, 'POST', `/files/files/${id}/copy${query}`, {
        headers: { 'content-type': 'application/json', accept: 'application/vnd.sas.file+json', ...headers },
      });

    before(async () => {
      const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: {
          'content-type': 'text/plain',
          'content-disposition': 'attachment; filename="results.log"',
        },
        body: data,
      });
      source = fileJson(r, 201);
      const p = await files(ana, 'PATCH', `/files/files/${source.id}`, {
        headers: { 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify({
          description: 'Log File',
          documentType: 'log',
          properties: { Job: 'b9fe' },
          encoding: 'UTF-8',
        }),
      });
      fileJson(p, 200);
    });

    test("into a folder under a new name: 201, Location, the new file with the source's attributes and bytes", async () => {
      const r = await copy(
        source.id,
        `?parentFolderUri=/folders/folders/${app}&expirationTimeStamp=2099-01-01T00:00:00.000Z`,
        {
          'content-disposition': 'attachment; filename="results-copy.log"',
        },
      );
      const f = fileJson(r, 201);
      assert.notEqual(f.id, source.id);
      assert.equal(r.headers.location, `/files/files/${f.id}`);
      assert.match(String(r.headers.etag), /^".+"$/);
      assert.equal(f.name, 'results-copy.log');
      assert.equal(f.parentUri, `/folders/folders/${app}`);
      assert.equal(f.contentDisposition, 'attachment; filename="results-copy.log"');
      assert.equal(f.expirationTimeStamp, '2099-01-01T00:00:00.000Z');
      assert.equal(f.size, data.length);
      assert.equal(f.description, 'Log File');
      assert.equal(f.documentType, 'log');
      assert.equal(f.encoding, 'UTF-8');
      assert.deepEqual(f.properties, { Job: 'b9fe' });
      assert.equal(f.fileVersion, 0);
      assert.deepEqual(
        f.links.map((l: { rel: string }) => l.rel),
        RELS,
      );
      assert.ok(
        f.links.every(
          (l: { href: string }) =>
            !l.href.includes(source.id) && (l.href === '/files/files' || l.href.includes(f.id)),
        ),
      );
      const content = await files(ana, 'GET', `/files/files/${f.id}/content`);
      assert.equal(content.text, data.toString());
      assert.equal(content.headers['content-disposition'], 'attachment; filename="results-copy.log"');
    });

    test('without parentFolderUri it lands beside its source; the same name there is 409', async () => {
      const clash = await copy(source.id);
      assertSasError(clash, 409);
      const r = await copy(source.id, '', { 'content-disposition': 'inline; filename="beside.log"' });
      const f = fileJson(r, 201);
      assert.equal(f.parentUri, `/folders/folders/${app}`);
      assert.equal(f.name, 'beside.log');
      assert.equal(f.expirationTimeStamp, undefined);
    });

    test('a leap second is an expiry: the last millisecond of its month, as every dialect reads one', async () => {
      const r = await copy(source.id, '?expirationTimeStamp=2099-12-31T15:59:60-08:00', {
        'content-disposition': 'attachment; filename="leap.log"',
      });
      assert.equal(fileJson(r, 201).expirationTimeStamp, '2099-12-31T23:59:59.999Z');
    });

    test('into a folder of another project, by reference', async () => {
      const r = await copy(source.id, `?parentFolderUri=/folders/folders/${other}`);
      const f = fileJson(r, 201);
      assert.equal(f.parentUri, `/folders/folders/${other}`);
      assert.equal(f.name, 'results.log');
      assert.equal(f.contentDisposition, 'attachment; filename="results.log"');
      assert.equal((await files(ana, 'GET', `/files/files/${f.id}/content`)).text, data.toString());
    });

    test('an expiry takes effect: the copy leaves reads and listings', async () => {
      const at = new Date(Date.now() + 1500).toISOString();
      const r = await copy(source.id, `?expirationTimeStamp=${at}`, {
        'content-disposition': 'attachment; filename="short.log"',
      });
      const f = fileJson(r, 201);
      assert.equal(f.expirationTimeStamp, at);
      assert.equal((await files(ana, 'GET', `/files/files/${f.id}`)).status, 200);
      await sleep(Date.parse(at) - Date.now() + 200);
      assertSasError(await files(ana, 'GET', `/files/files/${f.id}`), 404);
      assertSasError(await files(ana, 'GET', `/files/files/${f.id}/content`), 404);
      const listed = JSON.parse(
        (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=100`)).text,
      );
      assert.ok(!listed.items.some((i: { name: string }) => i.name === 'short.log'));
      // The name is free again.
      assert.equal(
        (await copy(source.id, '', { 'content-disposition': 'attachment; filename="short.log"' })).status,
        201,
      );
    });

    test("an expired file's name is free for a new folder and for a rename", async () => {
      const at = new Date(Date.now() + 1500).toISOString();
      for (const name of ['gone-a.log', 'gone-b.log'])
        fileJson(
          await copy(source.id, `?expirationTimeStamp=${at}`, {
            'content-disposition': `filename="${name}"`,
          }),
          201,
        );
      const other = fileJson(
        await copy(source.id, '', { 'content-disposition': 'filename="stays.log"' }),
        201,
      );
      await sleep(Date.parse(at) - Date.now() + 200);
      const folder = await files(ana, 'POST', `/folders/folders?parentFolderUri=/folders/folders/${app}`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'gone-a.log', type: 'folder' }),
      });
      assert.equal(folder.status, 201, folder.text);
      const renamed = await files(ana, 'PATCH', `/files/files/${other.id}`, {
        headers: { 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify({ name: 'gone-b.log' }),
      });
      assert.equal(fileJson(renamed, 200).name, 'gone-b.log');
      assert.equal((await files(ana, 'GET', `/files/files/${other.id}/content`)).text, data.toString());
    });

    test('every refusal is in the SAS shape and copies nothing', async () => {
      const before = JSON.parse(
        (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
      ).count;
      assertSasError(await copy('6d696d65-6f00-8000-8fff-ffffffffff00'), 404);
      assertSasError(await copy('not-a-uuid'), 400);
      assertSasError(await copy('0b9d0b9d-0000-4000-8000-000000000000'), 404);
      assertSasError(
        await copy(source.id, '?parentFolderUri=/folders/folders/6d696d65-6f00-8000-8fff-ffffffffff00'),
        404,
      );
      assertSasError(await copy(source.id, `?parentFolderUri=/files/files/${source.id}`), 400);
      assertSasError(await copy(source.id, `?parentFolderUri=/folders/folders/${source.id}`), 400);
      assertSasError(await copy(source.id, '?expirationTimeStamp=tomorrow'), 400);
      assertSasError(await copy(source.id, '?expirationTimeStamp=2030-02-30T00:00:00Z'), 400);
      assertSasError(await copy(source.id, '?expirationTimeStamp=2099-12-30T23:59:60Z'), 400);
      assertSasError(await copy(source.id, '?expirationTimeStamp=2001-01-01T00:00:00Z'), 400);
      assertSasError(
        await copy(source.id, '', { 'content-disposition': 'attachment; filename="../x"' }),
        400,
      );
      const noToken = await env.call('POST', `/files/files/${source.id}/copy`);
      assert.equal(assertSasError(noToken, 401).httpStatusCode, 401);
      assert.match(String(noToken.headers['www-authenticate']), /^Bearer/);
      assertSasError(await copy(source.id, '', {}, 'not-a-token'), 401);
      // bo may read ana-proj but not write it, and may not see ana-other at all.
      assertSasError(
        await copy(source.id, '', { 'content-disposition': 'attachment; filename="bo.log"' }, bo),
        403,
      );
      assertSasError(await copy(source.id, `?parentFolderUri=/folders/folders/${other}`, {}, bo), 404);
      const after = JSON.parse(
        (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
      ).count;
      assert.equal(after, before);
    });
  });

  test('a form that ends inside its small file part is 400 and the server keeps serving', async () => {
    const boundary = 'short-form';
    const cut = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.txt"\r\n\r\ndata`;
    const noName = `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\ndata`;
    for (const body of [cut, noName]) {
      const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      assertSasError(r, 400);
    }
    const listed = JSON.parse(
      (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
    );
    assert.ok(!listed.items.some((i: { name: string }) => i.name === 'cut.txt'));
  });

  test('a form cut short after its whole file part (no closing boundary) is 400, and no file is made', async () => {
    const whole = form('after-part.txt', 'text/plain', Buffer.from('x'.repeat(300_000)));
    // The file part's bytes and its delimiter whole, then no '--' that ends the form; or a next part, cut.
    const cut = whole.body.subarray(0, whole.body.length - '--\r\n'.length);
    const another = Buffer.concat([
      cut,
      Buffer.from(`\r\nContent-Disposition: form-data; name="note"\r\n\r\nunfinished`),
    ]);
    for (const body of [cut, another]) {
      const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: { 'content-type': whole.type },
        body,
      });
      assertSasError(r, 400);
    }
    const listed = JSON.parse(
      (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
    );
    assert.ok(!listed.items.some((i: { name: string }) => i.name === 'after-part.txt'));
    const made = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
      headers: { 'content-type': whole.type },
      body: whole.body,
    });
    assert.equal(made.status, 201, made.text);
  });

  test('a multipart/form-data body without a boundary is 400, not a file of that type', async () => {
    const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
      headers: { 'content-type': 'multipart/form-data', 'content-disposition': 'filename="no-boundary.txt"' },
      body: 'not a form',
    });
    assertSasError(r, 400);
    const listed = JSON.parse(
      (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
    );
    assert.ok(!listed.items.some((i: { name: string }) => i.name === 'no-boundary.txt'));
  });

  test('a line that starts with the boundary but is no delimiter (`--B` then other text) is 400; no file is made', async () => {
    const boundary = 'Bnd7MA4YWxkTrZu0gW';
    const part = (name: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`;
    const bodies: [name: string, body: string][] = [
      // Inside the file part: a parser that takes the line for a delimiter ends the file at 'line one'.
      ['xyz.txt', `${part('xyz.txt')}line one\r\n--${boundary}xyz\r\nline two\r\n--${boundary}--\r\n`],
      ['dash.txt', `${part('dash.txt')}line one\r\n--${boundary}-x\r\nline two\r\n--${boundary}--\r\n`],
      ['cr.txt', `${part('cr.txt')}line one\r\n--${boundary}\rline two\r\n--${boundary}--\r\n`],
      // After it, where a following part would start.
      ['after.txt', `${part('after.txt')}line one\r\n--${boundary}  x\r\n\r\nmore\r\n--${boundary}--\r\n`],
      // In a part after the file's, the file part read whole by then.
      [
        'later.txt',
        `${part('later.txt')}line one\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}xyz\r\n--${boundary}--\r\n`,
      ],
    ];
    for (const [, body] of bodies) {
      const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Buffer.from(body, 'latin1'),
      });
      const error = assertSasError(r, 400);
      assert.equal(error.errorCode, 11563, r.text);
      assert.equal(
        error.message,
        `The multipart/form-data body has a line that starts with its boundary but is not a delimiter: only spaces or tabs may follow '--${boundary}' on its line, or '--' at the form's end (RFC 2046 section 5.1.1).`,
      );
    }
    const listed = JSON.parse(
      (await files(ana, 'GET', `/files/files?parentUri=/folders/folders/${app}&limit=1000`)).text,
    );
    for (const [name] of bodies)
      assert.ok(!listed.items.some((i: { name: string }) => i.name === name), name);
  });

  test('delimiters with transport padding (spaces and tabs before their CRLF) are delimiters: the file is whole', async () => {
    const boundary = 'padded';
    const data = Buffer.from('first line\r\n --padded in a line is data\r\n-padded\r\n--\r\nlast');
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary} \t \r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}\t\r\n` +
          `Content-Disposition: form-data; name="file"; filename="padded.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--  \r\n`),
    ]);
    const r = await files(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${app}`, {
      headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` },
      body,
    });
    assert.equal(r.status, 201, r.text);
    const f = JSON.parse(r.text);
    assert.equal(f.name, 'padded.txt');
    assert.equal(f.size, data.length);
    const content = await files(ana, 'GET', `/files/files/${f.id}/content`);
    assert.equal(content.text, data.toString());
  });

  test('headers past 16 KiB are a whole 431 over TLS, in the SAS error shape, though they span several records', async () => {
    const r = await files(ana, 'GET', `/files/files/${app}`, { headers: { 'x-big': 'x'.repeat(20_000) } });
    const body = assertSasError(r, 431);
    assert.equal(body.errorCode, 43100);
    assert.equal(r.headers.connection, 'close');
  });

  test('none of the above was a server error', () => {
    assert.doesNotMatch(env.server.stdout() + env.server.stderr(), /"level":50/);
  });
});
