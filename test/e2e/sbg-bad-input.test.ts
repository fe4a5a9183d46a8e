// Bad input to the Seven Bridges dialect end to end: every refusal in the SBG error shape (status, code, message,
// more_info) with the contract's code, and nothing changed by it: malformed ids, `project` not `owner/name` (3012),
// both or neither of `project` and `parent`, a folder as a copy source, the tree root's id, a folder copied into
// itself, names with `/`, JSON of the wrong shape, malformed JSON, unknown projects, folders and files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertSbgError,
  finished,
  namesIn,
  ok,
  openSbg,
  type SbgClient,
  type SbgEnv,
  type SbgRequest,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges bad input', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const SRC = 'ana/bad-src';
  const DST = 'ana/bad-dst';
  const MISSING = '0123456789abcdef01234567';
  let src: string;
  let folder: string;
  let before_: { src: string[]; dst: string[]; file: unknown; blocks: number };

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.project('ana', 'bad-src');
    await env.project('ana', 'bad-dst');
    src = (await upload(env, ana, { project: SRC, name: 's.txt' }, bytes(5000, 101))).file.id;
    ok(await ana.call('PUT', `/v2/files/${src}/metadata`, { json: { k: 'v' } }), 'metadata');
    assert.equal((await ana.call('PUT', `/v2/files/${src}/tags`, { json: ['t'] })).status, 200);
    folder = ok(
      await ana.call('POST', '/v2/files', { json: { name: 'dir', type: 'folder', project: SRC } }),
      'mkdir',
      201,
    ).id;
    before_ = await state();
  });
  after(async () => env.close());

  async function state() {
    return {
      src: await namesIn(ana, { project: SRC }),
      dst: await namesIn(ana, { project: DST }),
      file: ok(await ana.get(`/v2/files/${src}`), 'source'),
      blocks: env.blockFiles(),
    };
  }

  /** Sends `req`, asserts the SBG error, and that neither project nor the source changed. */
  async function refused(method: string, path: string, req: SbgRequest, status: number, code: number) {
    const what = `${method} ${path} ${JSON.stringify(req.json ?? req.raw ?? '')}`;
    assertSbgError(await ana.call(method, path, req), status, code, what);
    assert.deepEqual(await state(), before_, `${what} changed something`);
  }
  const COPY = () => `/v2/files/${src}/actions/copy`;

  test('malformed file ids are 400 9000; unknown well-formed ones 404 5002', async () => {
    for (const bad of ['xyz', '0123', `${MISSING}0`, '0123456789abcdef0123456g', `${MISSING.slice(1)}-`]) {
      assertSbgError(await ana.get(`/v2/files/${bad}`), 400, 9000, `GET ${bad}`);
      await refused('POST', `/v2/files/${bad}/actions/copy`, { json: { project: DST } }, 400, 9000);
      await refused('POST', COPY(), { json: { parent: bad } }, 400, 9000);
      await refused('DELETE', `/v2/files/${bad}`, {}, 400, 9000);
    }
    assertSbgError(await ana.get(`/v2/files/${MISSING}`), 404, 5002, 'GET missing');
    await refused('POST', `/v2/files/${MISSING}/actions/copy`, { json: { project: DST } }, 404, 5002);
    await refused('POST', COPY(), { json: { parent: MISSING } }, 404, 5002);
    await refused('DELETE', `/v2/files/${MISSING}`, {}, 404, 5002);
  });

  test('a project id not in owner/name form is 400 3012; an unknown project 404 3002', async () => {
    for (const project of ['bad-dst', 'ana/bad-dst/x', '/bad-dst', 'ana/']) {
      await refused('POST', COPY(), { json: { project } }, 400, 3012);
      await refused('POST', '/v2/upload/multipart', { json: { project, name: 'n.txt', size: 1 } }, 400, 3012);
      await refused('POST', '/v2/files', { json: { project, name: 'f', type: 'folder' } }, 400, 3012);
    }
    assertSbgError(await ana.get('/v2/files?project=bad-dst'), 400, 3012, 'list');
    await refused('POST', COPY(), { json: { project: 'ana/no-such' } }, 404, 3002);
    await refused('POST', COPY(), { json: { project: 'nobody/bad-dst' } }, 404, 3002);
    assertSbgError(await ana.get('/v2/files?project=ana/no-such'), 404, 3002, 'list unknown');
  });

  test('both project and parent, or neither, are 400 5004', async () => {
    await refused('POST', COPY(), { json: { project: DST, parent: folder } }, 400, 5004);
    await refused('POST', COPY(), { json: {} }, 400, 5004);
    await refused('POST', COPY(), { json: { name: 'only-a-name' } }, 400, 5004);
    await refused(
      'POST',
      '/v2/upload/multipart',
      { json: { project: DST, parent: folder, name: 'n', size: 1 } },
      400,
      5004,
    );
    await refused('POST', '/v2/upload/multipart', { json: { name: 'n', size: 1 } }, 400, 5004);
    await refused('POST', '/v2/files', { json: { name: 'f', type: 'folder' } }, 400, 5004);
    assertSbgError(await ana.get(`/v2/files?project=${DST}&parent=${folder}`), 400, 5004, 'list both');
    assertSbgError(await ana.get('/v2/files'), 400, 5004, 'list neither');
  });

  test('a folder as a copy source is 400 5004', async () => {
    await refused('POST', `/v2/files/${folder}/actions/copy`, { json: { project: DST } }, 400, 5004);
    await refused(
      'POST',
      `/v2/files/${folder}/actions/copy`,
      { json: { project: DST, name: 'dir2' } },
      400,
      5004,
    );
  });

  test("the id of the tree's root (the directory of every project) is no file or folder: 404 5002 wherever an id goes", async () => {
    // The root is entry 2: Qumulo's "2", 24 hex digits here. A project's top level is its own root folder.
    const ROOT = '000000000000000000000002';
    const cases: [string, string, SbgRequest][] = [
      ['GET', `/v2/files/${ROOT}`, {}],
      ['GET', `/v2/files/${ROOT}/list`, {}],
      ['GET', `/v2/files?parent=${ROOT}`, {}],
      ['GET', `/v2/files/${ROOT}/metadata`, {}],
      ['GET', `/v2/files/${ROOT}/download_info`, {}],
      ['POST', `/v2/files/${ROOT}/actions/copy`, { json: { project: DST } }],
      ['POST', COPY(), { json: { parent: ROOT } }],
      ['POST', `/v2/files/${ROOT}/actions/move`, { json: { parent: folder } }],
      ['POST', `/v2/files/${src}/actions/move`, { json: { parent: ROOT } }],
      ['PATCH', `/v2/files/${ROOT}`, { json: { name: 'renamed' } }],
      ['PUT', `/v2/files/${ROOT}/tags`, { json: ['t'] }],
      ['DELETE', `/v2/files/${ROOT}`, {}],
      ['POST', '/v2/files', { json: { parent: ROOT, name: 'made', type: 'folder' } }],
      ['POST', '/v2/upload/multipart', { json: { parent: ROOT, name: 'up.txt', size: 1 } }],
      ['POST', '/v2/async/files/copy', { json: { items: [{ file: ROOT, project: DST }] } }],
      ['POST', '/v2/async/files/copy', { json: { items: [{ file: src, parent: ROOT }] } }],
    ];
    // Every case runs, and the test lists each one answered otherwise.
    const wrong: string[] = [];
    for (const [method, path, req] of cases) {
      const r = await ana.call(method, path, req);
      const body = r.body.length ? JSON.parse(r.body.toString()) : null;
      if (r.status !== 404 || body?.code !== 5002 || body?.status !== 404)
        wrong.push(`${method} ${path} ${JSON.stringify(req.json ?? '')} -> ${r.status} ${r.body.toString()}`);
    }
    assert.deepEqual(wrong, []);
    // The bulk copy answers per id: that one FAILED as an unknown file.
    const bulk = ok(
      await ana.call('POST', '/v2/action/files/copy', { json: { project: DST, file_ids: [ROOT] } }),
      'bulk copy of the root',
    );
    assert.equal(bulk[ROOT].status, 'FAILED', JSON.stringify(bulk));
    assert.deepEqual([bulk[ROOT].error.status, bulk[ROOT].error.code], [404, 5002], JSON.stringify(bulk));
    assert.deepEqual(await state(), before_, "the root's id changed something");
  });

  test('a folder copied into itself or a folder below it is 400 9000 before anything is copied', async () => {
    const P = await env.project('ana', 'bad-loop');
    const mkdir = async (json: object) => ok(await ana.call('POST', '/v2/files', { json }), 'mkdir', 201).id;
    const loop = await mkdir({ name: 'loop', type: 'folder', project: P });
    const inner = await mkdir({ name: 'inner', type: 'folder', parent: loop });
    await upload(env, ana, { parent: inner, name: 'x.txt' }, bytes(100, 102));
    const tree = async () => ({
      top: await namesIn(ana, { project: P }),
      loop: await namesIn(ana, { parent: loop }),
      inner: await namesIn(ana, { parent: inner }),
      dst: await namesIn(ana, { project: DST }),
    });
    const was = await tree();
    const into: { file: string; parent: string; name?: string }[] = [
      { file: loop, parent: loop },
      { file: loop, parent: inner },
      { file: loop, parent: inner, name: 'other' },
      { file: inner, parent: inner },
    ];
    for (const item of into) {
      const what = `async copy ${JSON.stringify(item)}`;
      const r = await ana.call('POST', '/v2/async/files/copy', { json: { items: [item] } });
      assertSbgError(r, 400, 9000, what);
      assert.match(r.json().message, /into itself/, what);
    }
    // One such item refuses the whole request: the good one before it is not copied either.
    const mixed = [{ file: src, project: DST }, into[1]];
    assertSbgError(await ana.call('POST', '/v2/async/files/copy', { json: { items: mixed } }), 400, 9000);
    // A move there is refused the same way.
    assertSbgError(
      await ana.call('POST', `/v2/files/${loop}/actions/move`, { json: { parent: inner } }),
      400,
      9000,
    );
    assert.deepEqual(await tree(), was, 'a refused copy made something');
    // Beside itself, in the folder that holds it, is a copy like any other: renamed 1_loop.
    const beside = ok(
      await ana.call('POST', '/v2/async/files/copy', { json: { items: [{ file: loop, project: P }] } }),
      'async copy beside itself',
      202,
    );
    const job = await finished(ana, beside.id);
    assert.equal(job.result[0].resource.name, '1_loop', JSON.stringify(job));
    assert.deepEqual(await namesIn(ana, { parent: job.result[0].resource.id }), ['inner']);
  });

  test('a name with /, or an empty one, is 400 5004', async () => {
    for (const name of ['a/b', '/lead', 'trail/', '']) {
      await refused('POST', COPY(), { json: { project: DST, name } }, 400, 5004);
      await refused('POST', '/v2/upload/multipart', { json: { project: DST, name, size: 1 } }, 400, 5004);
      await refused('POST', '/v2/files', { json: { project: DST, name, type: 'folder' } }, 400, 5004);
      await refused('PATCH', `/v2/files/${src}`, { json: { name } }, 400, 5004);
      await refused('POST', `/v2/files/${src}/actions/move`, { json: { parent: folder, name } }, 400, 5004);
    }
  });

  test('JSON of the wrong shape is 400 9000', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', COPY(), []],
      ['POST', COPY(), [{ project: DST }]],
      ['POST', COPY(), 'ana/bad-dst'],
      ['POST', COPY(), { project: 5 }],
      ['POST', COPY(), { project: DST, name: 7 }],
      ['POST', COPY(), { parent: [folder] }],
      ['POST', '/v2/upload/multipart', { project: DST, name: 'n', size: 'big' }],
      ['PUT', `/v2/files/${src}/tags`, 'x'],
      ['PUT', `/v2/files/${src}/tags`, [1, 2]],
      ['PUT', `/v2/files/${src}/tags`, { tags: ['x'] }],
      ['PUT', `/v2/files/${src}/metadata`, ['k', 'v']],
      ['PATCH', `/v2/files/${src}/metadata`, 'k=v'],
      ['PATCH', `/v2/files/${src}`, { name: 5 }],
      ['PATCH', `/v2/files/${src}`, { tags: 'x' }],
      ['POST', '/v2/action/files/copy', { project: DST, file_ids: src }],
      ['POST', '/v2/action/files/copy', { project: DST, file_ids: [5] }],
      ['POST', '/v2/async/files/copy', { items: { file: src, project: DST } }],
      ['POST', '/v2/async/files/copy', []],
    ];
    // Every case runs, and the test lists each one answered otherwise.
    const wrong: string[] = [];
    for (const [method, path, json] of cases) {
      const r = await ana.call(method, path, { json });
      const body = r.body.length ? JSON.parse(r.body.toString()) : null;
      if (r.status !== 400 || body?.code !== 9000)
        wrong.push(`${method} ${path} ${JSON.stringify(json)} -> ${r.status} ${r.body.toString()}`);
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(await state(), before_, 'JSON of the wrong shape changed something');
  });

  test('a missing file or parent field is 400 9000 and the message names the field', async () => {
    for (const [path, json, field] of [
      ['/v2/async/files/copy', { items: [{ project: DST }] }, 'file'],
      ['/v2/async/files/copy', { items: [{ file: null, project: DST }] }, 'file'],
      [`/v2/files/${src}/actions/move`, { name: 'moved.txt' }, 'parent'],
      [`/v2/files/${src}/actions/move`, { parent: null }, 'parent'],
    ] as const) {
      const what = `POST ${path} ${JSON.stringify(json)}`;
      const r = await ana.call('POST', path, { json });
      assertSbgError(r, 400, 9000, what);
      const message: string = r.json().message;
      assert.ok(message.includes(`'${field}'`) && !message.includes('undefined'), `${what}: ${message}`);
      assert.deepEqual(await state(), before_, `${what} changed something`);
    }
  });

  test('a Host header that names no host is 400 9000 on every listing, which builds links on it', async () => {
    for (const host of ['a b', 'x:99999', '[::1', 'a/b']) {
      for (const path of ['/v2/projects', `/v2/files?project=${SRC}`, `/v2/files/${folder}/list`]) {
        assertSbgError(await ana.call('GET', path, { headers: { host } }), 400, 9000, `${host} ${path}`);
      }
    }
    // A change answered with links is refused before it is made.
    await refused(
      'PATCH',
      `/v2/files/${src}`,
      { json: { name: 'renamed.txt' }, headers: { host: 'a b' } },
      400,
      9000,
    );
    await refused(
      'POST',
      COPY(),
      { json: { project: DST, name: 'c.txt' }, headers: { host: '[::1' } },
      400,
      9000,
    );
    // A good one still lists, and its links name it.
    const listed = ok(
      await ana.call('GET', '/v2/projects?limit=1', { headers: { host: 'files.example.org' } }),
      'list',
    );
    assert.match(String(listed.href), /^https:\/\/files\.example\.org\/v2\/projects\?/);
  });

  test('malformed JSON is 400 9000', async () => {
    const notUtf8 = Buffer.concat([
      Buffer.from('{"project": "ana/bad-dst", "name": "x'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    for (const raw of ['{"project": ', '{project: "ana/bad-dst"}', 'null x', '\u0000', notUtf8]) {
      await refused('POST', COPY(), { raw, type: 'application/json' }, 400, 9000);
      await refused('PATCH', `/v2/files/${src}/metadata`, { raw, type: 'application/json' }, 400, 9000);
      await refused('POST', '/v2/files', { raw, type: 'application/json' }, 400, 9000);
    }
  });
});
