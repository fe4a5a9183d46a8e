// A SAS Files PATCH is all or nothing: the rename and the attributes are one core operation in one transaction, so
// a refused rename (409: the name is taken) leaves the attributes and the ETag as they were, and so does every other
// refusal (412, 400, 403). A patch that succeeds makes one new version with both. On SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SasAnswer } from '../helpers/sas.ts';
import { assertSasError, type FilesEnv, openSasFiles } from '../helpers/sas-files.ts';
import { freshPgDatabase, PG_SKIP } from '../helpers/stores.ts';

for (const kind of ['sqlite', 'postgres'] as const)
  describe(`SAS Files PATCH (${kind})`, { skip: kind === 'postgres' ? PG_SKIP : false }, () => {
    let env: FilesEnv;
    let db: { url: string; drop: () => Promise<void> } | undefined;
    let ana: string;
    let bo: string;
    let folder: string;

    const json = (r: SasAnswer, status: number) => {
      assert.equal(r.status, status, r.text);
      return JSON.parse(r.text);
    };
    const create = async (name: string, data: string) =>
      json(
        await env.as(ana, 'POST', `/files/files?parentFolderUri=/folders/folders/${folder}`, {
          headers: { 'content-type': 'text/plain', 'content-disposition': `attachment; filename="${name}"` },
          body: data,
        }),
        201,
      ) as { id: string };
    const patch = (id: string, headers: Record<string, string>, body: unknown, token = ana) =>
      env.as(token, 'PATCH', `/files/files/${id}`, {
        headers: { 'content-type': 'application/vnd.sas.file+json', ...headers },
        body: JSON.stringify(body),
      });
    /** What a client sees of a file: its resource, ETag, Last-Modified and bytes. */
    const state = async (id: string) => {
      const r = await env.as(ana, 'GET', `/files/files/${id}`);
      const f = json(r, 200);
      const content = await env.as(ana, 'GET', `/files/files/${id}/content`);
      return {
        etag: r.headers.etag,
        lastModified: r.headers['last-modified'],
        name: f.name,
        description: f.description,
        documentType: f.documentType,
        properties: f.properties,
        contentType: f.contentType,
        expirationTimeStamp: f.expirationTimeStamp,
        modifiedTimeStamp: f.modifiedTimeStamp,
        bytes: content.text,
      };
    };
    const names = async () =>
      json(await env.as(ana, 'GET', `/files/files?parentUri=/folders/folders/${folder}&limit=1000`), 200)
        .items.map((i: { name: string }) => i.name)
        .sort();
    /** Every attribute a refused patch tries to change, besides the name. */
    const attributes = {
      description: 'changed-by-refusal',
      documentType: 'changed',
      properties: { changed: 'yes' },
      contentType: 'text/x-changed',
      expirationTimeStamp: '2099-01-01T00:00:00.000Z',
    };

    before(async () => {
      db = kind === 'postgres' ? await freshPgDatabase() : undefined;
      env = await openSasFiles(db ? ['--meta', db.url] : []);
      await env.user('ana', 'ana-password-1');
      await env.user('bo', 'bo-password-12');
      await env.project('patch-proj', { ana: 'admin', bo: 'read' });
      folder = await env.dir('patch-proj', 'pf');
      await env.dir('patch-proj', 'pf/sub');
      ana = await env.tokenOf('ana', 'ana-password-1');
      bo = await env.tokenOf('bo', 'bo-password-12');
    });
    after(async () => {
      await env?.close();
      await db?.drop();
    });

    test('a rename to a taken name is 409 (11543) and changes neither the attributes nor the ETag', async () => {
      const c1 = await create('c1', 'one');
      const c2 = await create('c2', 'two');
      const c1Before = await state(c1.id);
      const c2Before = await state(c2.id);
      const listed = await names();
      // If-Match * and a new description with a name that a file has; then with the exact ETag, and
      // with the name of a folder.
      for (const [ifMatch, name] of [
        ['*', 'c1'],
        [c2Before.etag as string, 'c1'],
        ['*', 'sub'],
      ] as const) {
        const r = await patch(c2.id, { 'if-match': ifMatch }, { ...attributes, name });
        const body = assertSasError(r, 409);
        assert.equal(body.errorCode, 11543, r.text);
        assert.deepEqual(await state(c2.id), c2Before, `${ifMatch} ${name}`);
      }
      assert.deepEqual(await state(c1.id), c1Before);
      assert.deepEqual(await names(), listed);
    });

    test('every other refusal of a patch with a rename changes nothing either', async () => {
      const f = await create('r1', 'keep');
      const before = await state(f.id);
      const listed = await names();
      const refusals: [string, Record<string, string>, Record<string, unknown>, number, number, string?][] = [
        ['a stale If-Match', { 'if-match': '"stale"' }, { name: 'r1-new' }, 412, 11581],
        // Preconditions come first (RFC 9110 section 13.2.2): a stale ETag with a taken name is 412, not 409.
        ['a stale If-Match and a taken name', { 'if-match': '"stale"' }, { name: 'sub' }, 412, 11581],
        ['a name of ..', { 'if-match': '*' }, { name: '..' }, 400, 11561],
        ['a name with a slash', { 'if-match': '*' }, { name: 'sub/r1' }, 400, 11561],
        ['an empty name', { 'if-match': '*' }, { name: '' }, 400, 11561],
        [
          'an expiry in the past',
          { 'if-match': '*' },
          { name: 'r1-new', expirationTimeStamp: '2001-01-01T00:00:00Z' },
          400,
          11563,
        ],
        ['properties of numbers', { 'if-match': '*' }, { name: 'r1-new', properties: { n: 1 } }, 400, 11563],
        ['a reader', { 'if-match': '*' }, { name: 'r1-new' }, 403, 11503, bo],
      ];
      for (const [why, headers, body, status, code, token] of refusals) {
        const r = await patch(f.id, headers, { ...attributes, ...body }, token);
        assert.equal(assertSasError(r, status).errorCode, code, `${why}: ${r.text}`);
        assert.deepEqual(await state(f.id), before, why);
      }
      assert.deepEqual(await names(), listed);
    });

    test('If-Unmodified-Since before the last change (without If-Match) is 412 and changes nothing', async () => {
      const f = await create('u1', 'since');
      const before = await state(f.id);
      const r = await patch(
        f.id,
        { 'if-unmodified-since': new Date(Date.parse(before.lastModified as string) - 60_000).toUTCString() },
        { ...attributes, name: 'u1-new' },
      );
      assert.equal(assertSasError(r, 412).errorCode, 11581, r.text);
      assert.deepEqual(await state(f.id), before);
      const ok = await patch(
        f.id,
        { 'if-unmodified-since': before.lastModified as string },
        { description: 'd' },
      );
      assert.equal(json(ok, 200).description, 'd');
    });

    test('a rename with attributes is one new version with both; the content and the creation stay', async () => {
      const f = await create('w1', 'both');
      const made = json(await env.as(ana, 'GET', `/files/files/${f.id}`), 200);
      const before = await state(f.id);
      const r = await patch(f.id, { 'if-match': before.etag as string }, { ...attributes, name: 'w1-new' });
      const patched = json(r, 200);
      assert.notEqual(r.headers.etag, before.etag);
      const after = await state(f.id);
      assert.equal(after.etag, r.headers.etag);
      assert.equal(after.name, 'w1-new');
      assert.equal(after.description, attributes.description);
      assert.equal(after.documentType, attributes.documentType);
      assert.deepEqual(after.properties, attributes.properties);
      assert.equal(after.contentType, attributes.contentType);
      assert.equal(after.expirationTimeStamp, attributes.expirationTimeStamp);
      assert.equal(after.bytes, 'both');
      assert.equal(patched.creationTimeStamp, made.creationTimeStamp);
      assert.equal(patched.createdBy, 'ana');
      // The ETag the client was given names the version that has both: a patch on it is taken. `properties`
      // replaces the file's properties; the attributes not given stay.
      const again = json(
        await patch(f.id, { 'if-match': r.headers.etag as string }, { properties: { next: 'x' } }),
        200,
      );
      assert.deepEqual(again.properties, { next: 'x' });
      assert.equal(again.description, attributes.description);
      assert.equal(again.name, 'w1-new');
    });
  });
