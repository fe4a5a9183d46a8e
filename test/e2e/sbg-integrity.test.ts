// Seven Bridges requests that must leave nothing half done: an upload completes from all its parts or not at all
// (a gap, a size other than the one declared), a retried complete answers the same file, signed links end with the
// token that asked for them, a PATCH that fails writes nothing, metadata merges keep concurrent keys, a bulk copy
// with a repeated id is refused, and a project's owner cannot be taken out of it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertSbgError,
  download,
  MiB,
  ok,
  openSbg,
  partUrl,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges: nothing half done', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  const P = 'ana/whole';

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    await env.user('ben');
    await env.project('ana', 'whole', { members: { ben: 'admin' } });
  });
  after(async () => env.close());

  /** Starts an upload of `size` declared bytes and PUTs the given parts; returns its id. */
  async function partial(name: string, size: number, parts: Record<number, Buffer>) {
    const init = ok(
      await ana.call('POST', '/v2/upload/multipart', {
        json: { project: P, name, size, part_size: 5 * MiB },
      }),
      'init',
    );
    for (const [n, data] of Object.entries(parts)) {
      const put = await env.client().call('PUT', await partUrl(ana, init.upload_id, Number(n)), { data });
      assert.equal(put.status, 200);
    }
    return init.upload_id as string;
  }

  test('a complete with a missing part, or parts that do not add up to the declared size, makes no file', async () => {
    const five = bytes(5 * MiB, 91);
    const gap = await partial('gap.bin', 10 * MiB + 4, { 1: five, 3: Buffer.from('tail') });
    assertSbgError(await ana.call('POST', `/v2/upload/multipart/${gap}/complete`), 400, 5006, 'a gap');
    const short = await partial('short.bin', 10 * MiB, { 1: five, 2: Buffer.from('four') });
    assertSbgError(
      await ana.call('POST', `/v2/upload/multipart/${short}/complete`),
      400,
      5006,
      'a short file',
    );
    const names = ok(await ana.get(`/v2/files?project=${P}`), 'list').items.map(
      (f: { name: string }) => f.name,
    );
    assert.ok(!names.includes('gap.bin') && !names.includes('short.bin'), names.join());
  });

  test('a complete sent twice answers the same file; an overwrite upload onto a folder is refused', async () => {
    const data = bytes(6 * MiB, 92);
    const id = await partial('twice.bin', data.length, {
      1: data.subarray(0, 5 * MiB),
      2: data.subarray(5 * MiB),
    });
    const first = ok(await ana.call('POST', `/v2/upload/multipart/${id}/complete`), 'complete');
    const again = ok(await ana.call('POST', `/v2/upload/multipart/${id}/complete`), 'complete again');
    assert.equal(again.id, first.id);
    assert.ok((await download(env, ana, first.id)).equals(data));

    ok(
      await ana.call('POST', '/v2/files', { json: { name: 'dir', type: 'folder', project: P } }),
      'folder',
      201,
    );
    const r = await ana.call('POST', '/v2/upload/multipart?overwrite=true', {
      json: { project: P, name: 'dir' },
    });
    assertSbgError(r, 409, 5003, 'a file over a folder');
  });

  test('a signed link ends with the token that asked for it', async () => {
    const { file } = await upload(env, ana, { project: P, name: 'linked.txt' }, Buffer.from('linked'));
    const other = await env.native('POST', '/api/v1/admin/users/ana/tokens', { name: 'short-lived' });
    const token = (other as { token: string; id: string }).token;
    const info = ok(await env.client(token).get(`/v2/files/${file.id}/download_info`), 'download_info');
    assert.equal((await env.client().get(info.url)).status, 200);
    await env.native('DELETE', `/api/v1/admin/tokens/${(other as { id: string }).id}`);
    const after = await env.client().get(info.url);
    assertSbgError(after, 403, 3001, 'a link of a revoked token');
  });

  test('a PATCH that fails writes nothing; metadata merges keep every concurrent key, and a null removes one', async () => {
    const { file } = await upload(env, ana, { project: P, name: 'm.txt' }, Buffer.from('m'));
    await upload(env, ana, { project: P, name: 'taken.txt' }, Buffer.from('t'));
    const bad = await ana.call('PATCH', `/v2/files/${file.id}`, {
      json: { metadata: { a: '1' }, name: 'x/y' },
    });
    assertSbgError(bad, 400, 5004, 'a name with /');
    const clash = await ana.call('PATCH', `/v2/files/${file.id}`, {
      json: { tags: ['T1'], name: 'taken.txt' },
    });
    assertSbgError(clash, 409, 5003, 'a taken name');
    const now = ok(await ana.get(`/v2/files/${file.id}`), 'file');
    assert.deepEqual([now.metadata, now.tags, now.name], [{}, [], 'm.txt']);

    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ana.call('PATCH', `/v2/files/${file.id}/metadata`, { json: { [`k${i}`]: String(i) } }),
      ),
    );
    const merged = ok(await ana.get(`/v2/files/${file.id}/metadata`), 'metadata');
    assert.equal(Object.keys(merged).length, 40);
    const removed = ok(
      await ana.call('PATCH', `/v2/files/${file.id}/metadata`, { json: { k0: null } }),
      'null',
    );
    assert.equal(removed.k0, undefined);
    assert.equal(Object.keys(removed).length, 39);
  });

  test('a bulk copy naming a file twice is refused; an id like __proto__ gets its own result', async () => {
    const { file } = await upload(env, ana, { project: P, name: 'b.txt' }, Buffer.from('b'));
    const twice = await ana.call('POST', '/v2/action/files/copy', {
      json: { project: P, file_ids: [file.id, file.id] },
    });
    assertSbgError(twice, 400, 9000, 'a repeated id');
    const cases = await ana.call('POST', '/v2/action/files/copy', {
      json: { project: P, file_ids: [file.id, file.id.toUpperCase()] },
    });
    assertSbgError(cases, 400, 9000, 'the same id in two cases');
    const odd = ok(
      await ana.call('POST', '/v2/action/files/copy', {
        json: { project: P, file_ids: ['__proto__', file.id] },
      }),
      'bulk',
    );
    assert.deepEqual(Object.keys(odd).sort(), ['__proto__', file.id].sort());
    assert.equal(Object.getOwnPropertyDescriptor(odd, '__proto__')?.value.status, 'FAILED');
  });

  test("a project's owner stays in it: an admin member cannot remove or lower the owner", async () => {
    const ben = env.client(await env.user('ben2'));
    await env.native('PUT', '/api/v1/admin/users/ben2/projects/whole', { role: 'admin' });
    const r = await ben.call('POST', `/v2/projects/${P}/members`, {
      json: { username: 'ana', permissions: {} },
    });
    assertSbgError(r, 400, 9000, 'removing the owner');
    ok(await ana.get(`/v2/projects/${P}`), 'the owner still sees the project');
    const loose = await ben.call('POST', `/v2/projects/${P}/members`, {
      json: { username: 'ben', permissions: { write: 'no' } },
    });
    assertSbgError(loose, 400, 9000, 'a permission that is not a boolean');
    const gone = await ben.call('POST', `/v2/projects/${P}/members`, {
      json: { username: 'ben', permissions: {} },
    });
    assert.equal(gone.status, 204);
    assert.equal(gone.body.length, 0);
  });
});
