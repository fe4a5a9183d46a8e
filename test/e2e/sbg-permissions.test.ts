// Seven Bridges permissions end to end: a copy needs the copy permission on the source project (read alone is 403
// 3001) and write on the target (403 3001); controlled data never lands in an open project (403 5001), through the
// single, bulk and async copies alike; a user with no role sees none of another's projects or files (404). No
// refusal leaves a file behind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bytes } from '../helpers/data.ts';
import {
  assertSbgError,
  download,
  finished,
  namesIn,
  ok,
  openSbg,
  type SbgClient,
  type SbgEnv,
  upload,
} from '../helpers/sbg.ts';

describe('Seven Bridges permissions', () => {
  let env: SbgEnv;
  let ana: SbgClient;
  let bo: SbgClient;
  let cy: SbgClient;
  const data = bytes(4000, 91);
  const ids: Record<string, string> = {};

  before(async () => {
    env = await openSbg();
    ana = env.client(await env.user('ana'));
    bo = env.client(await env.user('bo'));
    cy = env.client(await env.user('cy'));
    await env.project('ana', 'perm-read', { members: { bo: 'read' } });
    await env.project('ana', 'perm-copy', { members: { bo: 'copy' } });
    await env.project('ana', 'perm-target', { members: { bo: 'read' } });
    await env.project('ana', 'perm-ctl', { dataClass: 'controlled' });
    await env.project('ana', 'perm-ctl2', { dataClass: 'controlled' });
    await env.project('ana', 'perm-open');
    await env.project('bo', 'bo-dst');
    await env.project('cy', 'cy-own');
    for (const p of ['perm-read', 'perm-copy', 'perm-ctl', 'perm-open'])
      ids[p] = (await upload(env, ana, { project: `ana/${p}`, name: 'src.txt' }, data)).file.id;
    ids['cy'] = (await upload(env, cy, { project: 'cy/cy-own', name: 'mine.txt' }, bytes(10, 92))).file.id;
  });
  after(async () => env.close());

  test('read without copy on the source: bo may read and download, not copy (403 3001)', async () => {
    const id = ids['perm-read']!;
    assert.equal(ok(await bo.get(`/v2/files/${id}`), 'bo reads').name, 'src.txt');
    assert.ok((await download(env, bo, id)).equals(data));
    for (const name of [undefined, 'x.txt'])
      assertSbgError(
        await bo.call('POST', `/v2/files/${id}/actions/copy`, { json: { project: 'bo/bo-dst', name } }),
        403,
        3001,
        'copy by a reader',
      );
    const bulk = ok(
      await bo.call('POST', '/v2/action/files/copy', { json: { project: 'bo/bo-dst', file_ids: [id] } }),
      'bulk',
    );
    assert.equal(bulk[id].status, 'FAILED');
    assert.equal(bulk[id].error.status, 403);
    assert.equal(bulk[id].error.code, 3001);
    assert.deepEqual(await namesIn(bo, { project: 'bo/bo-dst' }), []);
  });

  test('copy on the source but no write on the target: 403 3001; with write it is made', async () => {
    const id = ids['perm-copy']!;
    assertSbgError(
      await bo.call('POST', `/v2/files/${id}/actions/copy`, { json: { project: 'ana/perm-target' } }),
      403,
      3001,
      'copy into a project bo may only read',
    );
    const folder = ok(
      await ana.call('POST', '/v2/files', {
        json: { name: 'box', type: 'folder', project: 'ana/perm-target' },
      }),
      'mkdir',
      201,
    );
    assertSbgError(
      await bo.call('POST', `/v2/files/${id}/actions/copy`, { json: { parent: folder.id } }),
      403,
      3001,
      'copy into a folder of that project',
    );
    assert.deepEqual(await namesIn(ana, { project: 'ana/perm-target' }), ['box']);
    assert.deepEqual(await namesIn(ana, { parent: folder.id }), []);
    const made = ok(
      await bo.call('POST', `/v2/files/${id}/actions/copy`, { json: { project: 'bo/bo-dst' } }),
      'ok',
    );
    assert.equal(made.project, 'bo/bo-dst');
    assert.ok((await download(env, bo, made.id)).equals(data));
  });

  test('controlled to open is refused (403 5001) by every copy; controlled to controlled and open to controlled are not', async () => {
    const ctl = ids['perm-ctl']!;
    assertSbgError(
      await ana.call('POST', `/v2/files/${ctl}/actions/copy`, {
        json: { project: 'ana/perm-open', name: 'leak.txt' },
      }),
      403,
      5001,
      'controlled -> open',
    );
    const openRoot = ok(await ana.get('/v2/projects/ana/perm-open'), 'open project').root_folder;
    assertSbgError(
      await ana.call('POST', `/v2/files/${ctl}/actions/copy`, { json: { parent: openRoot } }),
      403,
      5001,
      'controlled -> open by parent',
    );
    const bulk = ok(
      await ana.call('POST', '/v2/action/files/copy', {
        json: { project: 'ana/perm-open', file_ids: [ctl] },
      }),
      'bulk',
    );
    assert.equal(bulk[ctl].status, 'FAILED');
    assert.equal(bulk[ctl].error.code, 5001);
    const job = ok(
      await ana.call('POST', '/v2/async/files/copy', {
        json: { items: [{ file: ctl, project: 'ana/perm-open' }] },
      }),
      'async',
      202,
    );
    const done = await finished(ana, job.id);
    assert.equal(done.failed_files, 1);
    assert.equal(done.result[0].status, 'FAILED');
    assert.equal(done.result[0].error.code, 5001);
    assert.deepEqual(await namesIn(ana, { project: 'ana/perm-open' }), ['src.txt']);

    const kept = ok(
      await ana.call('POST', `/v2/files/${ctl}/actions/copy`, { json: { project: 'ana/perm-ctl2' } }),
      'c->c',
    );
    assert.equal(kept.project, 'ana/perm-ctl2');
    const up = ok(
      await ana.call('POST', `/v2/files/${ids['perm-open']}/actions/copy`, {
        json: { project: 'ana/perm-ctl' },
      }),
      'open -> controlled',
    );
    assert.equal(up.name, '1_src.txt');
    assert.ok((await download(env, ana, kept.id)).equals(data));
  });

  test("a user with no role sees none of another's projects or files", async () => {
    const list = await cy.get('/v2/projects');
    assert.deepEqual(
      ok(list, 'cy projects').items.map((p: { id: string }) => p.id),
      ['cy/cy-own'],
    );
    assert.equal(list.headers['x-total-matching-query'], '1');
    const id = ids['perm-read']!;
    assertSbgError(await cy.get(`/v2/files/${id}`), 404, 5002, 'GET a file by id');
    assertSbgError(await cy.get(`/v2/files/${id}/download_info`), 404, 5002, 'download_info');
    assertSbgError(await cy.get(`/v2/files/${id}/metadata`), 404, 5002, 'metadata');
    assertSbgError(await cy.get('/v2/projects/ana/perm-read'), 404, 3002, 'GET the project');
    assertSbgError(await cy.get('/v2/files?project=ana/perm-read'), 404, 3002, 'list the project');
    assertSbgError(
      await cy.call('POST', `/v2/files/${id}/actions/copy`, { json: { project: 'cy/cy-own' } }),
      404,
      5002,
      "copy ana's file",
    );
    assertSbgError(
      await cy.call('POST', `/v2/files/${ids['cy']}/actions/copy`, { json: { project: 'ana/perm-read' } }),
      404,
      3002,
      "copy into ana's project",
    );
    assertSbgError(
      await cy.call('PATCH', `/v2/files/${id}`, { json: { name: 'mine.txt' } }),
      404,
      5002,
      'PATCH',
    );
    assertSbgError(await cy.call('DELETE', `/v2/files/${id}`), 404, 5002, 'DELETE');
    const still = ok(await ana.get(`/v2/files/${id}`), 'ana still has it');
    assert.equal(still.name, 'src.txt');
    assert.deepEqual(await namesIn(ana, { project: 'ana/perm-read' }), ['src.txt']);
    assert.deepEqual(await namesIn(cy, { project: 'cy/cy-own' }), ['mine.txt']);
  });
});
