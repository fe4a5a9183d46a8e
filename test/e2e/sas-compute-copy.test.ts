// The Compute copy, the seed: `POST /compute/sessions/{sid}/files/{destination}` with `{name, path}` naming the
// source, sent as the generated Compute client of VS Code sends it, in a session made by @sasjs/adapter. A file, a
// directory of 1,000 files that appears all at once, overwrite on and off, names with spaces, `~` and `;`,
// expandPath, 415, and bad input that gets the SAS error shape and changes nothing; on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { openSas, type SasEnv } from '../helpers/sas.ts';
import { requestClient } from '../helpers/sas-adapter.ts';
import {
  adapterFor,
  assertSasError,
  enc,
  filesOf,
  JOB_CONTEXT,
  json,
  PROPS,
  REQUEST,
  tokenOf,
} from '../helpers/sas-compute.ts';
import { freshPgDatabase, PG_SKIP } from '../helpers/stores.ts';

type Files = ReturnType<typeof filesOf>;

for (const kind of ['sqlite', 'postgres'] as const)
  describe(`SAS Compute copy (${kind})`, { skip: kind === 'postgres' ? PG_SKIP : false }, () => {
    let env: SasEnv;
    let ana: string;
    let sid: string;
    let f: Files;

    /** The bytes of a file, or its status when it cannot be read. */
    const bytesOf = async (path: string): Promise<Buffer | number> => {
      const r = await f.readBytes(path);
      return r.status === 200 ? r.body : r.status;
    };
    const put = async (path: string, data: Buffer | string) => {
      const r = await f.write(path, data);
      assert.equal(r.status, 201, r.text);
      return r;
    };
    /** Every name below a directory (recursively), for "nothing changed" checks. */
    const tree = async (path: string): Promise<string[]> => {
      const out: string[] = [];
      const walk = async (dir: string) => {
        for (const n of await f.names(dir, '&showAll=true')) {
          const p = `${dir}/${n}`;
          out.push(p);
          const props = json(await f.get(p));
          if (props.isDirectory) await walk(p);
        }
      };
      await walk(path);
      return out.sort();
    };

    let db: { url: string; drop: () => Promise<void> } | undefined;

    before(async () => {
      db = kind === 'postgres' ? await freshPgDatabase() : undefined;
      env = await openSas(['--tree-batch-size', '64', ...(db ? ['--meta', db.url] : [])]);
      await env.user('ana', 'ana password 1');
      await env.user('bob', 'bob password 1');
      await env.native('POST', '/api/v1/projects', { name: 'ana-data' });
      await env.native('POST', '/api/v1/projects', { name: 'shared' });
      await env.native('PUT', '/api/v1/projects/ana-data/members/ana', { role: 'write' });
      await env.native('PUT', '/api/v1/projects/shared/members/ana', { role: 'write' });
      await env.native('PUT', '/api/v1/projects/ana-data/members/bob', { role: 'read' });
      ana = await tokenOf(env, 'ana', 'ana password 1');
      sid = (await adapterFor(env).createSession(JOB_CONTEXT, ana)).id;
      f = filesOf(env, ana, sid);
      const dir = await f.touch('/ana-data', { name: 'test', isDirectory: true });
      assert.equal(dir.status, 201, dir.text);
      await put('/ana-data/test/hello.txt', 'hello\n');
    });
    after(async () => {
      const log = env.server.stdout() + env.server.stderr();
      await env.close();
      await db?.drop();
      assert.doesNotMatch(log, /"level":50/, 'no request was a server error');
    });

    test('a file: 201 with the seed body (name, relative path, links), ETag and Location; same bytes', async () => {
      const data = bytes(300_000, 7);
      await put('/ana-data/test/data.bin', data);
      const r = await f.copy('/ana-data/test/copy-of-hello.txt', {
        name: 'hello.txt',
        path: 'ana-data/test',
      });
      assert.equal(r.status, 201, r.text);
      assert.match(
        String(r.headers['content-type']),
        /^application\/vnd\.sas\.compute\.file\.properties\+json/,
      );
      const body = json(r);
      assert.equal(body.name, 'copy-of-hello.txt');
      assert.equal(body.path, 'ana-data/test');
      assert.equal(body.isDirectory, false);
      assert.equal(body.readOnly, false);
      assert.equal(body.size, 6);
      assert.equal(body.version, 1);
      assert.match(body.modifiedTimeStamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const self = `/compute/sessions/${sid}/files/ana-data~fs~test~fs~copy-of-hello.txt`;
      const rel = (name: string) => body.links.find((l: { rel: string }) => l.rel === name);
      assert.deepEqual(rel('self'), {
        method: 'GET',
        rel: 'self',
        href: self,
        uri: self,
        type: 'application/vnd.sas.compute.file.properties',
      });
      assert.equal(rel('getFile').href, `${self}/content`);
      assert.equal(rel('getFile').type, 'text/plain');
      assert.equal(rel('deleteFile').method, 'DELETE');
      assert.equal(rel('createFile').method, 'PUT');
      assert.equal(rel('renameFile').method, 'PUT');
      assert.deepEqual(rel('copyFile'), {
        method: 'POST',
        rel: 'copyFile',
        href: `/compute/sessions/${sid}/files/{destinationFile}`,
        uri: `/compute/sessions/${sid}/files/{destinationFile}`,
        type: 'application/vnd.sas.compute.file.request',
        responseType: 'application/vnd.sas.compute.file.properties',
      });
      assert.equal(r.headers.location, self);
      // The ETag is the copy's: the properties give it back, and it replaces the copy's content.
      const props = await f.get('/ana-data/test/copy-of-hello.txt');
      assert.equal(props.headers.etag, r.headers.etag);
      assert.equal(String(await bytesOf('/ana-data/test/copy-of-hello.txt')), 'hello\n');

      // Bytes beyond text, into another project, the source named relative to the working directory ('/').
      const big = await f.copy('/shared/data copy.bin', { name: 'data.bin', path: 'ana-data/test' });
      assert.equal(big.status, 201, big.text);
      assert.equal(json(big).path, 'shared');
      assert.ok((await bytesOf('/shared/data copy.bin')) instanceof Buffer);
      assert.ok(((await bytesOf('/shared/data copy.bin')) as Buffer).equals(data));
      // No path in the body: the name is taken in the working directory, the root, where 'ana-data' is a project.
      const whole = await f.copy('/shared/ana-data-copy', { name: 'ana-data' });
      assert.equal(whole.status, 201, whole.text);
      assert.equal(String(await bytesOf('/shared/ana-data-copy/test/hello.txt')), 'hello\n');
    });

    test('a directory of 1,000 files: a concurrent reader sees none or all of it; the bytes are the same', async () => {
      await f.touch('/ana-data', { name: 'many', isDirectory: true });
      await f.touch('/ana-data/many', { name: 'sub', isDirectory: true });
      const names: string[] = [];
      for (let i = 0; i < 1000; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, (_, k) => {
            const n = `f${String(i + k).padStart(4, '0')}.txt`;
            names.push(n);
            return put(`/ana-data/many/${i + k < 990 ? '' : 'sub/'}${n}`, `file ${i + k}\n`);
          }),
        );
      }
      const seen = new Set<string>();
      let copying = true;
      const reader = (async () => {
        let views = 0;
        while (copying || views < 2) {
          views++;
          const r = await f.members('/ana-data/many-copy', '?limit=10000');
          if (r.status === 404) {
            seen.add('none');
            continue;
          }
          assert.equal(r.status, 200, r.text);
          const page = json(r);
          // 990 files and the directory 'sub' with 10: all or nothing.
          assert.equal(page.count, 991, `a partial copy was visible: ${page.count}`);
          assert.equal(page.items.length, 991);
          const sub = json(await f.members('/ana-data/many-copy/sub', '?limit=100'));
          assert.equal(sub.count, 10);
          seen.add('all');
        }
      })();
      const r = await f.copy('/ana-data/many-copy', { name: 'many', path: '/ana-data' });
      copying = false;
      assert.equal(r.status, 201, r.text);
      const body = json(r);
      assert.equal(body.isDirectory, true);
      assert.equal(body.name, 'many-copy');
      const rels = body.links.map((l: { rel: string }) => l.rel);
      for (const rel of ['self', 'getDirectoryMembers', 'makeDirectory', 'createFile', 'deleteDirectory'])
        assert.ok(rels.includes(rel), rel);
      await reader;
      assert.ok(seen.has('all'));
      // The answer came after the commit: every file is there at once.
      const copied = [
        ...(await f.names('/ana-data/many-copy')),
        ...(await f.names('/ana-data/many-copy/sub')),
      ];
      assert.equal(copied.filter((n) => n !== 'sub').length, 1000);
      for (const i of [0, 500, 989, 990, 999]) {
        const n = `f${String(i).padStart(4, '0')}.txt`;
        const at = `/ana-data/many-copy/${i < 990 ? '' : 'sub/'}${n}`;
        assert.equal(String(await bytesOf(at)), `file ${i}\n`);
      }
    });

    test('overwrite: 409 without it, nothing changed; with it a file is replaced, a directory replaced not merged', async () => {
      await f.touch('/ana-data', { name: 'ow', isDirectory: true });
      await put('/ana-data/ow/a.txt', 'source a\n');
      await put('/ana-data/ow/b.txt', 'old b\n');
      const before = await f.get('/ana-data/ow/b.txt');
      const clash = await f.copy('/ana-data/ow/b.txt', { name: 'a.txt', path: 'ana-data/ow' });
      assertSasError(clash, 409);
      assert.equal(String(await bytesOf('/ana-data/ow/b.txt')), 'old b\n');
      assert.equal((await f.get('/ana-data/ow/b.txt')).headers.etag, before.headers.etag);

      const off = await f.copy(
        '/ana-data/ow/b.txt',
        { name: 'a.txt', path: 'ana-data/ow' },
        '?overwrite=false',
      );
      assertSasError(off, 409);
      const on = await f.copy(
        '/ana-data/ow/b.txt',
        { name: 'a.txt', path: 'ana-data/ow' },
        '?overwrite=true',
      );
      assert.equal(on.status, 201, on.text);
      assert.equal(String(await bytesOf('/ana-data/ow/b.txt')), 'source a\n');
      assert.notEqual(on.headers.etag, before.headers.etag);

      // Directories: the destination holds a file the source does not; after the copy it is gone.
      await f.touch('/ana-data', { name: 'src-dir', isDirectory: true });
      await put('/ana-data/src-dir/one.txt', 'one\n');
      await f.touch('/ana-data', { name: 'dst-dir', isDirectory: true });
      await put('/ana-data/dst-dir/one.txt', 'old one\n');
      await put('/ana-data/dst-dir/stale.txt', 'stale\n');
      assertSasError(await f.copy('/ana-data/dst-dir', { name: 'src-dir', path: 'ana-data' }), 409);
      assert.deepEqual(await tree('/ana-data/dst-dir'), [
        '/ana-data/dst-dir/one.txt',
        '/ana-data/dst-dir/stale.txt',
      ]);
      const replaced = await f.copy(
        '/ana-data/dst-dir',
        { name: 'src-dir', path: 'ana-data' },
        '?overwrite=true',
      );
      assert.equal(replaced.status, 201, replaced.text);
      assert.deepEqual(await tree('/ana-data/dst-dir'), ['/ana-data/dst-dir/one.txt']);
      assert.equal(String(await bytesOf('/ana-data/dst-dir/one.txt')), 'one\n');
      // Nothing of the swap is left beside it, not even hidden.
      const beside = (await f.names('/ana-data', '&showAll=true')).filter((n) => n.startsWith('.'));
      assert.deepEqual(beside, []);

      // A file over a directory and a directory over a file, with overwrite.
      const fileOverDir = await f.copy(
        '/ana-data/dst-dir',
        { name: 'hello.txt', path: 'ana-data/test' },
        '?overwrite=true',
      );
      assert.equal(fileOverDir.status, 201, fileOverDir.text);
      assert.equal(json(fileOverDir).isDirectory, false);
      assert.equal(String(await bytesOf('/ana-data/dst-dir')), 'hello\n');
      const dirOverFile = await f.copy(
        '/ana-data/dst-dir',
        { name: 'src-dir', path: 'ana-data' },
        '?overwrite=true',
      );
      assert.equal(dirOverFile.status, 201, dirOverFile.text);
      assert.equal(json(dirOverFile).isDirectory, true);
      assert.equal(String(await bytesOf('/ana-data/dst-dir/one.txt')), 'one\n');
    });

    test('names with spaces, ~ and ; go in encoded both ways (~~, ~sc~, ~fs~, then percent-encoding)', async () => {
      const name = 'my data~1;v2 ü.sas';
      await f.touch('/ana-data', { name: 'odd dir~', isDirectory: true });
      await put(`/ana-data/odd dir~/${name}`, 'data _null_; run;\n');
      // The encoded path as VS Code builds it.
      assert.equal(
        enc(`/ana-data/odd dir~/${name}`),
        encodeURIComponent('~fs~ana-data~fs~odd dir~~~fs~my data~~1~sc~v2 ü.sas'),
      );
      const r = await f.copy(`/ana-data/odd dir~/copy ${name}`, { name, path: '/ana-data/odd dir~' });
      assert.equal(r.status, 201, r.text);
      const body = json(r);
      assert.equal(body.name, `copy ${name}`);
      assert.equal(body.path, 'ana-data/odd dir~');
      const self = body.links.find((l: { rel: string }) => l.rel === 'self').href as string;
      assert.equal(
        self,
        `/compute/sessions/${sid}/files/ana-data~fs~${encodeURIComponent('odd dir~~')}~fs~${encodeURIComponent('copy my data~~1~sc~v2 ü.sas')}`,
      );
      // The href is one a client can follow as it is.
      const again = await env.call('GET', self, { headers: { authorization: `Bearer ${ana}` } });
      assert.equal(again.status, 200, again.text);
      assert.equal(json(again).name, `copy ${name}`);
      assert.equal(String(await bytesOf(`/ana-data/odd dir~/copy ${name}`)), 'data _null_; run;\n');
      // `\` written as ~rs~ is a name's backslash.
      const rs = await env.call('POST', `${f.base}/${encodeURIComponent('ana-data~fs~back~rs~slash.sas')}`, {
        headers: { authorization: `Bearer ${ana}`, 'content-type': REQUEST, accept: PROPS },
        body: JSON.stringify({ name: 'hello.txt', path: 'ana-data/test' }),
      });
      assert.equal(rs.status, 201, rs.text);
      assert.equal(json(rs).name, 'back\\slash.sas');
    });

    test('expandPath: the path and every href are absolute', async () => {
      const r = await f.copy(
        '/ana-data/test/expanded.txt',
        { name: 'hello.txt', path: 'ana-data/test' },
        '?expandPath=true&overwrite=false',
      );
      assert.equal(r.status, 201, r.text);
      const body = json(r);
      assert.equal(body.path, '/ana-data/test');
      const self = `/compute/sessions/${sid}/files/~fs~ana-data~fs~test~fs~expanded.txt`;
      for (const l of body.links as { rel: string; href: string; uri: string }[]) {
        if (l.rel.startsWith('copy')) continue;
        assert.ok(l.href.startsWith(self), `${l.rel}: ${l.href}`);
        assert.equal(l.uri, l.href);
      }
      assert.equal(r.headers.location, self);
      const plain = json(await f.get('/ana-data/test/expanded.txt'));
      assert.equal(plain.links[0].href, `/compute/sessions/${sid}/files/ana-data~fs~test~fs~expanded.txt`);
      const listed = json(await f.members('/ana-data/test', '?expandPath=true&limit=100'));
      assert.ok(listed.items.every((i: { path: string }) => i.path === '/ana-data/test'));
    });

    test('an Accept version the service does not have is 415, and nothing is copied', async () => {
      const r = await f.copy('/ana-data/test/v2.txt', { name: 'hello.txt', path: 'ana-data/test' }, '', {
        accept: 'application/vnd.sas.compute.file.properties+json;version=2',
      });
      assertSasError(r, 415);
      assertSasError(await f.get('/ana-data/test/v2.txt'), 404);
      for (const accept of ['*/*', 'application/json', PROPS, `${PROPS};version=1`]) {
        const ok = await f.copy(
          `/ana-data/test/v1 ${accept.length}.txt`,
          { name: 'hello.txt', path: 'ana-data/test' },
          '',
          { accept },
        );
        assert.equal(ok.status, 201, `${accept}: ${ok.text}`);
      }
      // A Content-Type that is neither a copy request nor file properties is 415 too, as is a version of either
      // that the service does not read.
      for (const type of [
        'application/json',
        'text/plain',
        undefined,
        `${REQUEST};version=99`,
        `${PROPS};version=2`,
      ]) {
        const r2 = await env.call('POST', `${f.base}/${enc('/ana-data/test/typed.txt')}`, {
          headers: { authorization: `Bearer ${ana}`, ...(type ? { 'content-type': type } : {}) },
          body: JSON.stringify({ name: 'hello.txt', path: 'ana-data/test' }),
        });
        assertSasError(r2, 415);
      }
      assertSasError(await f.get('/ana-data/test/typed.txt'), 404);
    });

    test("a Content-Type as the links' type names it, without +json, copies and touches as with it", async () => {
      const send = (path: string, type: string, body: unknown) =>
        env.call('POST', `${f.base}/${enc(path)}`, {
          headers: { authorization: `Bearer ${ana}`, 'content-type': type },
          body: JSON.stringify(body),
        });
      const copied = await send('/ana-data/test/bare-copy.txt', 'application/vnd.sas.compute.file.request', {
        name: 'hello.txt',
        path: 'ana-data/test',
      });
      assert.equal(copied.status, 201, copied.text);
      assert.equal(String(await bytesOf('/ana-data/test/bare-copy.txt')), 'hello\n');
      const touched = await send(
        '/ana-data/test',
        'application/vnd.sas.compute.file.properties; charset=utf-8',
        {
          name: 'bare-touch.txt',
        },
      );
      assert.equal(touched.status, 201, touched.text);
      assert.equal(json(touched).size, 0);
    });

    test('bad input gets the SAS error shape and changes nothing', async () => {
      const snapshot = async () => [...(await tree('/ana-data/test')), ...(await tree('/shared'))];
      const before = await snapshot();
      const raw = (dest: string, body: string, headers: Record<string, string> = {}) =>
        env.call('POST', `${f.base}/${dest}`, {
          headers: { authorization: `Bearer ${ana}`, 'content-type': REQUEST, accept: PROPS, ...headers },
          body,
        });
      const src = JSON.stringify({ name: 'hello.txt', path: 'ana-data/test' });
      // Malformed escapes, and paths that climb out of the session's tree.
      for (const dest of [
        'ana-data~fs~test~xx~a.txt',
        'ana-data~fs~test~fs~a.txt~',
        'ana-data~fs~test~f',
        '~fs~..~fs~x',
        '..~fs~..~fs~etc',
        '~fs~ana-data~fs~..~fs~..~fs~x',
      ])
        assertSasError(await raw(encodeURIComponent(dest), src), 400);
      assertSasError(await f.copy('/ana-data/test/x.txt', { name: 'hello.txt', path: '../../..' }), 400);
      assertSasError(await f.copy('/ana-data/test/x.txt', { name: '../../../../etc/passwd' }), 400);
      // Not JSON, no body, no name, a name of the wrong type, a huge body.
      assertSasError(await raw(enc('/ana-data/test/x.txt'), '{"name": '), 400);
      assertSasError(await raw(enc('/ana-data/test/x.txt'), ''), 400);
      assertSasError(await raw(enc('/ana-data/test/x.txt'), '{"path": "ana-data/test"}'), 400);
      assertSasError(await raw(enc('/ana-data/test/x.txt'), '{"name": 7}'), 400);
      assertSasError(await raw(enc('/ana-data/test/x.txt'), '[1]'), 400);
      const huge = await raw(enc('/ana-data/test/x.txt'), JSON.stringify({ name: 'x'.repeat(2_000_000) }));
      assert.ok(huge.status >= 400 && huge.status < 500, `${huge.status} ${huge.text}`);
      assertSasError(huge, huge.status);
      assertSasError(
        await f.copy(
          '/ana-data/test/x.txt',
          { name: 'hello.txt', path: 'ana-data/test' },
          '?overwrite=maybe',
        ),
        400,
      );
      // A directory into itself or below it.
      assertSasError(await f.copy('/ana-data/test/inner', { name: 'test', path: 'ana-data' }), 400);
      assertSasError(
        await f.copy('/ana-data/test', { name: 'test', path: 'ana-data' }, '?overwrite=true'),
        400,
      );
      // Onto the directory that holds the source: replacing it would delete the source.
      assertSasError(
        await f.copy('/ana-data/test', { name: 'hello.txt', path: 'ana-data/test' }, '?overwrite=true'),
        400,
      );
      // Missing source, destination directory, project, session.
      assertSasError(
        await f.copy('/ana-data/test/x.txt', { name: 'nothing.txt', path: 'ana-data/test' }),
        404,
      );
      assertSasError(
        await f.copy('/ana-data/test/x.txt', { name: 'hello.txt', path: 'no-such-project' }),
        404,
      );
      assertSasError(
        await f.copy('/ana-data/no-dir/x.txt', { name: 'hello.txt', path: 'ana-data/test' }),
        404,
      );
      assertSasError(
        await filesOf(env, ana, 'no-such-session').copy('/ana-data/test/x.txt', {
          name: 'hello.txt',
          path: 'ana-data/test',
        }),
        404,
      );
      // No token, a bad token.
      const anon = await env.call('POST', `${f.base}/${enc('/ana-data/test/x.txt')}`, {
        headers: { 'content-type': REQUEST },
        body: src,
      });
      assertSasError(anon, 401);
      assertSasError(await raw(enc('/ana-data/test/x.txt'), src, { authorization: 'Bearer forged' }), 401);
      assert.deepEqual(await snapshot(), before);
    });

    test('a name that is not one name (empty, ., .., with a slash) is 400 (5461): nothing climbs out of path', async () => {
      await f.touch('/ana-data/test', { name: 'inner-dir', isDirectory: true });
      await put('/ana-data/test/inner-dir/in.txt', 'in\n');
      const snapshot = async () => [
        ...(await tree('/ana-data/test')),
        ...(await f.names('/shared', '&showAll=true')),
      ];
      const before = await snapshot();
      // `..` below `/ana-data/test/inner-dir` once named the whole of `/ana-data/test`, and copied it.
      for (const [name, path] of [
        ['..', '/ana-data/test/inner-dir'],
        ['..', 'ana-data/test'],
        ['.', '/ana-data/test'],
        ['', '/ana-data/test'],
        ['inner-dir/in.txt', '/ana-data/test'],
        ['../test/hello.txt', '/ana-data/test'],
        ['/ana-data/test/hello.txt', '/shared'],
        ['hello.txt/', '/ana-data/test'],
        ['test/', '/ana-data'],
        ['ana-data/test', undefined],
      ] as const) {
        const body = path === undefined ? { name } : { name, path };
        for (const dest of ['/shared/climbed', '/shared/climbed.txt']) {
          const r = await f.copy(dest, body);
          assertSasError(r, 400);
          assert.equal(json(r).errorCode, 5461, `${JSON.stringify(body)}: ${r.text}`);
        }
      }
      assert.deepEqual(await snapshot(), before);
      assertSasError(await f.get('/shared/climbed'), 404);
      assertSasError(await f.get('/shared/climbed.txt'), 404);
      // A name with a tilde escape in it is a name: a body is slash form, so `~fs~` is no separator there.
      assertSasError(
        await f.copy('/shared/t.txt', { name: 'inner-dir~fs~in.txt', path: '/ana-data/test' }),
        404,
      );
      // The same sources, named as one name below their own directory, are copied.
      const ok = await f.copy('/shared/inner-copy.txt', { name: 'in.txt', path: '/ana-data/test/inner-dir' });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(String(await bytesOf('/shared/inner-copy.txt')), 'in\n');
    });

    test('a user who may only read the target: 403, and nothing is written', async () => {
      const bob = await tokenOf(env, 'bob', 'bob password 1');
      const his = filesOf(env, bob, (await adapterFor(env).createSession(JOB_CONTEXT, bob)).id);
      // Bob reads Ana's project...
      assert.equal((await his.read('/ana-data/test/hello.txt')).text, 'hello\n');
      // ...but copies into it nothing, neither a file nor a directory.
      assertSasError(
        await his.copy('/ana-data/test/bob.txt', { name: 'hello.txt', path: '/ana-data/test' }),
        403,
      );
      assertSasError(await his.copy('/ana-data/bob-dir', { name: 'test', path: '/ana-data' }), 403);
      assertSasError(
        await his.copy(
          '/ana-data/test/hello.txt',
          { name: 'hello.txt', path: '/ana-data/test' },
          '?overwrite=true',
        ),
        403,
      );
      assertSasError(await f.get('/ana-data/test/bob.txt'), 404);
      assertSasError(await f.get('/ana-data/bob-dir'), 404);
      // A project Bob is no member of is not in his tree.
      assertSasError(await his.copy('/ana-data/test/s.txt', { name: 'data copy.bin', path: '/shared' }), 403);
    });

    test("the adapter's own request client sends the copy with its token", async () => {
      const client = requestClient(env.server.url, env.ca);
      const r = await client.post<{ name: string }>(
        `${f.base}/${enc('/ana-data/test/by-adapter.txt')}`,
        { name: 'hello.txt', path: 'ana-data/test' },
        ana,
        REQUEST,
      );
      assert.equal(r.result.name, 'by-adapter.txt');
      assert.ok(r.etag);
      assert.equal(String(await bytesOf('/ana-data/test/by-adapter.txt')), 'hello\n');
    });
  });
