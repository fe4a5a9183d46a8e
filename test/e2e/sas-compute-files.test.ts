// The file surface of a Compute session around the copy (spec §5), as VS Code's generated client uses it: properties
// with ETags (GET, HEAD), members paged with a total, content with Range, content written with If-Match (201, 200,
// 428, 412), empty files and directories (touch), rename and move, recursive delete with an empty If-Match.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import { openSas, type SasEnv } from '../helpers/sas.ts';
import {
  adapterFor,
  assertSasError,
  enc,
  filesOf,
  JOB_CONTEXT,
  json,
  PROPS,
  tokenOf,
} from '../helpers/sas-compute.ts';

type Files = ReturnType<typeof filesOf>;

describe('SAS Compute files', () => {
  let env: SasEnv;
  let ana: string;
  let f: Files;

  before(async () => {
    env = await openSas();
    await env.user('ana', 'ana password 1');
    await env.native('POST', '/api/v1/projects', { name: 'proj' });
    await env.native('PUT', '/api/v1/projects/proj/members/ana', { role: 'write' });
    ana = await tokenOf(env, 'ana', 'ana password 1');
    f = filesOf(env, ana, (await adapterFor(env).createSession(JOB_CONTEXT, ana)).id);
  });
  after(async () => {
    const log = env.server.stdout() + env.server.stderr();
    await env.close();
    assert.doesNotMatch(log, /"level":50/, 'no request was a server error');
  });

  test('touch makes empty files and directories (201); a taken name is 409, a missing directory 404', async () => {
    const dir = await f.touch('/proj', { name: 'docs', isDirectory: true });
    assert.equal(dir.status, 201, dir.text);
    assert.equal(json(dir).isDirectory, true);
    assert.ok(dir.headers.etag);
    const file = await f.touch('/proj/docs', { name: 'empty.sas', isDirectory: false });
    assert.equal(file.status, 201, file.text);
    assert.equal(json(file).size, 0);
    assert.equal(json(file).path, 'proj/docs');
    // `path` in the body names the directory, here relative to the working directory.
    const viaPath = await f.touch('/proj', { name: 'other.sas', path: 'proj/docs' });
    assert.equal(viaPath.status, 201, viaPath.text);
    assertSasError(await f.touch('/proj/docs', { name: 'empty.sas' }), 409);
    assertSasError(await f.touch('/proj/docs', { name: 'docs', isDirectory: true, path: '/proj' }), 409);
    assertSasError(await f.touch('/proj/nowhere', { name: 'a.sas' }), 404);
    assertSasError(await f.touch('/proj', { name: 'a/b.sas' }), 400);
    assertSasError(await f.touch('/proj', { name: '..' }), 400);
    assertSasError(await f.touch('/proj', { isDirectory: true }), 400);
    assertSasError(await f.touch('/proj', { name: 'x', isDirectory: 'yes' }), 400);
    // The root holds projects, which are not made here.
    assertSasError(await f.touch('/', { name: 'new-project', isDirectory: true }), 403);
    assert.equal((await f.read('/proj/docs/empty.sas')).text, '');
  });

  test('content: 201 on create, 428 to replace without If-Match, 200 with it, 412 when stale', async () => {
    const created = await f.write('/proj/docs/prog.sas', 'data a; x=1; run;\n');
    assert.equal(created.status, 201, created.text);
    const etag = created.headers.etag as string;
    assert.match(etag, /^".+"$/);
    assert.equal(json(created).size, 18);
    assert.equal(created.headers.location, json(created).links[0].href);

    const bare = await f.write('/proj/docs/prog.sas', 'overwritten\n');
    assertSasError(bare, 428);
    assert.equal((await f.read('/proj/docs/prog.sas')).text, 'data a; x=1; run;\n');

    const replaced = await f.write('/proj/docs/prog.sas', 'data b; run;\n', { 'if-match': etag });
    assert.equal(replaced.status, 200, replaced.text);
    assert.notEqual(replaced.headers.etag, etag);
    assert.equal(json(replaced).size, 13);
    assertSasError(await f.write('/proj/docs/prog.sas', 'stale\n', { 'if-match': etag }), 412);
    assert.equal((await f.read('/proj/docs/prog.sas')).text, 'data b; run;\n');
    const star = await f.write('/proj/docs/prog.sas', 'data c; run;\n', { 'if-match': '*' });
    assert.equal(star.status, 200, star.text);
    // A directory is no file to write; a missing directory is 404.
    assertSasError(await f.write('/proj/docs', 'x'), 409);
    assertSasError(await f.write('/proj/none/a.sas', 'x'), 404);
  });

  test('content reads: type from the extension, the ETag of the properties, Range 206', async () => {
    const data = bytes(1_000_000, 11);
    const up = await f.write('/proj/docs/blob.bin', data);
    assert.equal(up.status, 201, up.text);
    const whole = await f.readBytes('/proj/docs/blob.bin');
    assert.equal(whole.status, 200);
    assert.equal(whole.headers['content-type'], 'application/octet-stream');
    assert.equal(whole.headers.etag, up.headers.etag);
    assert.ok(whole.body.equals(data));
    const part = await f.readBytes('/proj/docs/blob.bin', { range: 'bytes=1000-299999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 1000-299999/${data.length}`);
    assert.ok(part.body.equals(data.subarray(1000, 300000)));
    const text = await f.read('/proj/docs/prog.sas');
    assert.equal(text.headers['content-type'], 'text/plain');
    assertSasError(await f.read('/proj/docs/blob.bin', { range: 'bytes=9000000-' }), 416);
    assertSasError(await f.read('/proj/docs'), 400);
    assertSasError(await f.read('/proj/docs/none.sas'), 404);
  });

  test('properties: GET and HEAD with the ETag; relative paths resolve against the working directory', async () => {
    const abs = await f.get('/proj/docs/prog.sas');
    assert.equal(abs.status, 200, abs.text);
    const p = json(abs);
    assert.equal(p.name, 'prog.sas');
    assert.equal(p.path, 'proj/docs');
    assert.equal(p.isDirectory, false);
    assert.equal(p.size, 13);
    const rels = p.links.map((l: { rel: string }) => l.rel);
    assert.deepEqual(rels, ['self', 'getFile', 'deleteFile', 'createFile', 'renameFile', 'copyFile']);
    const rel = await f.get('proj/docs/../docs/./prog.sas');
    assert.equal(rel.headers.etag, abs.headers.etag);
    const head = await env.call('HEAD', `${f.base}/${enc('/proj/docs/prog.sas')}`, {
      headers: { authorization: `Bearer ${ana}` },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.etag, abs.headers.etag);
    assert.equal(head.text, '');
    const root = json(await f.get('/'));
    assert.equal(root.isDirectory, true);
    assert.ok(
      root.links.some(
        (l: { rel: string; href: string }) =>
          l.rel === 'getDirectoryMembers' && l.href.endsWith('/~fs~/members'),
      ),
    );
    assertSasError(await f.get('/proj/docs/none.sas'), 404);
    assertSasError(await f.get('/no-such-project/a.sas'), 404);
    assertSasError(await f.get('/proj/docs/prog.sas', '?expandPath=sometimes'), 400);
  });

  test('members: paged by start and limit with the total as count; dot-names only with showAll', async () => {
    await f.touch('/proj', { name: 'list', isDirectory: true });
    for (let i = 0; i < 25; i++) await f.touch('/proj/list', { name: `m${String(i).padStart(2, '0')}.sas` });
    await f.touch('/proj/list', { name: '.hidden', isDirectory: true });
    const first = await f.members('/proj/list', '?start=0&limit=10');
    assert.equal(first.status, 200, first.text);
    assert.match(String(first.headers['content-type']), /^application\/vnd\.sas\.collection\+json/);
    const page = json(first);
    assert.equal(page.count, 25);
    assert.equal(page.start, 0);
    assert.equal(page.limit, 10);
    assert.equal(page.items.length, 10);
    assert.equal(page.items[0].name, 'm00.sas');
    assert.ok(page.links.some((l: { rel: string }) => l.rel === 'next'));
    const names = await f.names('/proj/list');
    assert.equal(names.length, 25);
    assert.deepEqual(await f.names('/proj/list', '&showAll=true'), ['.hidden', ...names]);
    const last = json(await f.members('/proj/list', '?start=20&limit=10'));
    assert.equal(last.items.length, 5);
    // The working directory's own members: the session's `files` link.
    const cwd = await env.call('GET', f.base, { headers: { authorization: `Bearer ${ana}` } });
    assert.deepEqual(
      json(cwd).items.map((i: { name: string }) => i.name),
      ['proj'],
    );
    assertSasError(await f.members('/proj/docs/prog.sas'), 400);
    // An object that S3 (here the native API) put beside a directory of the same name hides neither: the directory's
    // members are listed.
    await f.touch('/proj', { name: 'both', isDirectory: true });
    await f.touch('/proj/both', { name: 'inner.sas' });
    await env.native('PUT', '/api/v1/projects/proj/files/both', 'an object named as the directory');
    assert.deepEqual(await f.names('/proj/both'), ['inner.sas']);
    assertSasError(await f.members('/proj/none'), 404);
    assertSasError(await f.members('/proj/list', '?limit=-1'), 400);
  });

  test('rename and move: PUT {name, path}; 409 when taken without overwrite; a stale If-Match is 412', async () => {
    await f.write('/proj/docs/old.sas', 'old\n');
    const props = await f.get('/proj/docs/old.sas');
    const renamed = await f.rename('/proj/docs/old.sas', { name: 'new.sas' }, '', {
      'if-match': props.headers.etag as string,
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(json(renamed).name, 'new.sas');
    assert.equal(renamed.headers.etag, props.headers.etag);
    assertSasError(await f.get('/proj/docs/old.sas'), 404);
    assert.equal((await f.read('/proj/docs/new.sas')).text, 'old\n');

    const moved = await f.rename('/proj/docs/new.sas', { name: 'moved.sas', path: '/proj/list' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(json(moved).path, 'proj/list');
    assert.equal((await f.read('/proj/list/moved.sas')).text, 'old\n');

    await f.write('/proj/docs/taken.sas', 'taken\n');
    await f.write('/proj/docs/mover.sas', 'mover\n');
    assertSasError(await f.rename('/proj/docs/mover.sas', { name: 'taken.sas' }), 409);
    assertSasError(
      await f.rename('/proj/docs/mover.sas', { name: 'x.sas' }, '', { 'if-match': '"stale"' }),
      412,
    );
    const over = await f.rename('/proj/docs/mover.sas', { name: 'taken.sas' }, '?overwrite=true');
    assert.equal(over.status, 200, over.text);
    assert.equal((await f.read('/proj/docs/taken.sas')).text, 'mover\n');

    // A directory moves with what it holds; its own ETag is a precondition it meets.
    const d = await f.get('/proj/list');
    const dirMoved = await f.rename('/proj/list', { name: 'listed' }, '', {
      'if-match': d.headers.etag as string,
    });
    assert.equal(dirMoved.status, 200, dirMoved.text);
    assert.equal((await f.names('/proj/listed')).length, 26);
    assertSasError(await f.rename('/proj/listed', { name: 'x', path: '/proj/none' }), 404);
    assertSasError(await f.rename('/proj/listed', { name: 'inner', path: '/proj/listed' }), 400);
    assertSasError(await f.rename('/proj', { name: 'renamed' }), 403);
  });

  test('a name that is not one name is 400 (5461) at the root as below a project, before the root refuses (403)', async () => {
    assert.equal((await f.write('/proj/root-name.sas', 'r\n')).status, 201);
    const invalid = (r: Awaited<ReturnType<Files['touch']>>) => {
      assertSasError(r, 400);
      assert.equal(JSON.parse(r.text).errorCode, 5461, r.text);
    };
    for (const name of ['..', '.', '', 'a/b']) {
      invalid(await f.touch('/', { name }));
      invalid(await f.touch('/', { name, isDirectory: true }));
      invalid(await f.touch('/proj', { name, path: '/' }));
      invalid(await f.rename('/proj/root-name.sas', { name, path: '/' }));
      invalid(await f.rename('/proj', { name }));
    }
    // A good name at the root is still refused there: projects are not made or renamed here.
    assertSasError(await f.touch('/', { name: 'fresh', isDirectory: true }), 403);
    assertSasError(await f.rename('/proj/root-name.sas', { name: 'fresh', path: '/' }), 403);
    assert.equal((await f.read('/proj/root-name.sas')).text, 'r\n');
    assert.deepEqual(
      (await f.names('/')).filter((n) => n !== 'proj'),
      [],
    );
  });

  test('a rename body of a FileProperties version other than 1 is 415 and moves nothing', async () => {
    assert.equal((await f.write('/proj/body-v.sas', 'v\n')).status, 201);
    for (const type of [`${PROPS};version=2`, 'application/vnd.sas.compute.file.properties;version=0']) {
      const r = await f.rename('/proj/body-v.sas', { name: 'body-moved.sas' }, '', { 'content-type': type });
      assertSasError(r, 415);
      assert.equal(JSON.parse(r.text).errorCode, 41501, type);
    }
    assertSasError(await f.get('/proj/body-moved.sas'), 404);
    const moved = await f.rename('/proj/body-v.sas', { name: 'body-moved.sas' }, '', {
      'content-type': `${PROPS};version=1`,
    });
    assert.equal(moved.status, 200, moved.text);
  });

  test('delete: 204 for a file and, recursively, a directory; an empty If-Match is none, a stale one 412', async () => {
    await f.write('/proj/docs/gone.sas', 'x');
    assertSasError(await f.remove('/proj/docs/gone.sas', { 'if-match': '"stale"' }), 412);
    const r = await f.remove('/proj/docs/gone.sas');
    assert.equal(r.status, 204, r.text);
    assertSasError(await f.get('/proj/docs/gone.sas'), 404);
    assertSasError(await f.remove('/proj/docs/gone.sas'), 404);

    await f.touch('/proj', { name: 'tree', isDirectory: true });
    await f.touch('/proj/tree', { name: 'sub', isDirectory: true });
    await f.write('/proj/tree/sub/a.sas', 'a');
    await f.write('/proj/tree/b.sas', 'b');
    const tree = await f.remove('/proj/tree');
    assert.equal(tree.status, 204, tree.text);
    assertSasError(await f.get('/proj/tree'), 404);
    assertSasError(await f.get('/proj/tree/sub/a.sas'), 404);
    assertSasError(await f.remove('/proj'), 403);
    assertSasError(await f.remove('/'), 403);
  });
});
